using System.Globalization;

namespace OpsBot.Bench.Hosts;

/// <summary>
/// nginx as a plain reverse-proxy hop in front of the simulator: the floor cost of one HTTP hop, measured beside
/// opsbot. One process (<c>master_process off</c>) so its CPU and RSS are one <c>/proc</c> entry, like opsbot's;
/// keep-alive to the upstream and no response buffering, as a streaming proxy needs.
/// </summary>
internal static class NginxHop
{
    public const string Program = "/usr/sbin/nginx";

    public static bool Installed => File.Exists(Program);

    public static ChildProcess Start(string name, int port, Uri upstream)
    {
        var prefix = Directory.CreateTempSubdirectory("opsbot-bench-nginx-").FullName;
        var config = Path.Combine(prefix, "nginx.conf");
        File.WriteAllText(config, Config(prefix, port, upstream));
        return ChildProcess.StartProgram(name, Program, ["-p", prefix, "-c", config], prefix);
    }

    private static string Config(string prefix, int port, Uri upstream) => string.Create(CultureInfo.InvariantCulture, $$"""
        daemon off;
        master_process off;
        worker_processes 1;
        pid {{prefix}}/nginx.pid;
        error_log stderr warn;
        events { worker_connections 4096; }
        http {
            access_log off;
            client_body_temp_path {{prefix}}/body;
            proxy_temp_path {{prefix}}/proxy;
            fastcgi_temp_path {{prefix}}/fastcgi;
            uwsgi_temp_path {{prefix}}/uwsgi;
            scgi_temp_path {{prefix}}/scgi;
            # 1 MiB bodies stay in memory, as they do in opsbot.
            client_max_body_size 64m;
            client_body_buffer_size 2m;
            keepalive_requests 1000000;
            upstream vllm {
                server {{upstream.Host}}:{{upstream.Port}};
                keepalive 128;
                keepalive_requests 1000000;
            }
            server {
                listen 127.0.0.1:{{port}};
                location / {
                    proxy_pass http://vllm;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_buffering off;
                    proxy_read_timeout 300s;
                }
            }
        }
        """);
}
