using OpsBot.Admin;

namespace OpsBot.Cli;

/// <summary>
/// Where <c>opsbot chart</c> writes: a regular file, replaced whole (written beside it, then renamed over it, so a
/// failed run never leaves half a PNG and a reader never sees one). Anything else already at the path, a directory,
/// device, pipe, socket or symbolic link, is left alone.
/// </summary>
internal static class ChartOutput
{
    /// <summary>Why the chart cannot go to <paramref name="path"/> (a full path), or null when it can.</summary>
    public static string? Problem(string path)
    {
        if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null)
        {
            return $"{path} is a directory: give a file name, e.g. -o {Path.Combine(path, "chart.png")}";
        }

        if (IsRegularFile(path) == false)
        {
            return $"{path} is not a regular file (a device, pipe, socket or symbolic link): not replacing it";
        }

        var directory = Path.GetDirectoryName(path);
        return string.IsNullOrEmpty(directory) || Directory.Exists(directory) ? null : $"{directory} does not exist";
    }

    public static void Write(string path, byte[] png)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(png);
                file.Flush(flushToDisk: true);
            }

            // rename(2) replaces the directory entry: it never writes into whatever was there.
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static bool? IsRegularFile(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            return UnixFileOwner.IsRegularFile(path);
        }

        var info = new FileInfo(path);
        return info.Exists || info.LinkTarget is not null ? info.LinkTarget is null : null;
    }
}
