#!/usr/bin/env python3
"""Start-up of several opsbot builds, interleaved: wall time and CPU (utime+stime from /proc/PID/stat) from exec to the
proxy's first accepted connection and to its first /health 200, then RSS a few seconds later.

On a shared 2-core machine wall-clock start-up moves by seconds with the load; CPU to the first 200 moves much less,
and interleaving the builds in one run puts them under the same load. Not part of the test suite.

Usage: bench/startup.py [--rounds N] [--settle S] [--env KEY=VALUE]... NAME=PATH/opsbot.dll [NAME=PATH/opsbot.dll ...]
"""
import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health(port):
    """One GET /health on a fresh connection: None when nothing listens yet, else the status code."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else -1
    except (ConnectionRefusedError, socket.timeout, OSError):
        return None


def measure(dll, env, settle):
    port = free_port()
    upstream = free_port()  # nothing listens there: start-up must not depend on vLLM
    started = time.monotonic()
    proc = subprocess.Popen(
        ["dotnet", dll, "--port", str(port), "--host", "127.0.0.1", "--vllm-url", f"http://127.0.0.1:{upstream}"],
        cwd=os.path.dirname(dll), env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    listening = None
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{dll} exited with {proc.returncode}")
            status = health(port)
            now = time.monotonic()
            if status is not None and listening is None:
                listening = (now - started, cpu_seconds(proc.pid))
            if status == 200:
                first = (now - started, cpu_seconds(proc.pid))
                break
            time.sleep(0.002)
        time.sleep(settle)
        settled = (cpu_seconds(proc.pid), rss_mib(proc.pid))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return listening, first, settled


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds after the first 200 before CPU and RSS are read again")
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("builds", nargs="+")
    args = parser.parse_args()
    env = dict(e.split("=", 1) for e in args.env)
    builds = [b.split("=", 1) for b in args.builds]
    results = {name: [] for name, _ in builds}
    print(f"load average at start: {os.getloadavg()}", file=sys.stderr)
    for r in range(args.rounds):
        for name, dll in builds:
            result = measure(os.path.abspath(dll), env, args.settle)
            results[name].append(result)
            (lw, lc), (fw, fc), (sc, rss) = result
            print(f"round {r + 1} {name}: listening {lw:.3f} s wall / {lc:.2f} s CPU; first 200 {fw:.3f} s wall / {fc:.2f} s CPU; "
                  f"{args.settle:.0f} s later {sc:.2f} s CPU, RSS {rss:.0f} MiB", file=sys.stderr)
    print(f"load average at end: {os.getloadavg()}", file=sys.stderr)
    print("| build | first /health 200, wall (median, range) | CPU at first 200 (median, range) | CPU when listening | CPU / RSS settled |")
    print("|---|---:|---:|---:|---:|")
    for name, rows in results.items():
        fw = [r[1][0] for r in rows]
        fc = [r[1][1] for r in rows]
        lc = [r[0][1] for r in rows]
        sc = [r[2][0] for r in rows]
        rss = [r[2][1] for r in rows]
        print(f"| {name} | {statistics.median(fw):.2f} s ({min(fw):.2f}-{max(fw):.2f}) | {statistics.median(fc):.2f} s ({min(fc):.2f}-{max(fc):.2f}) "
              f"| {statistics.median(lc):.2f} s | {statistics.median(sc):.2f} s / {statistics.median(rss):.0f} MiB |")


if __name__ == "__main__":
    main()
