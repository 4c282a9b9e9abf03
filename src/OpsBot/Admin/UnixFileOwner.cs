using System.Runtime.InteropServices;

namespace OpsBot.Admin;

/// <summary>
/// Who owns a path, what kind of file it is, and who we are: .NET exposes a file's permission bits but neither its
/// owner nor its type (a device or a pipe looks like a file). <c>statx(2)</c> is used rather than <c>stat(2)</c>
/// because its struct has the same layout on every Linux architecture.
/// </summary>
internal static partial class UnixFileOwner
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxUid = 0x8;
    private const int StatxSize = 256;
    private const int UidOffset = 20;
    private const int ModeOffset = 28;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;
    private const int ENOENT = 2;

    public static uint CurrentUserId() => geteuid();

    /// <summary>The owner's uid of <paramref name="path"/> itself (a symlink is not followed).</summary>
    public static uint Of(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            throw new IOException($"statx {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        return MemoryMarshal.Read<uint>(buffer[UidOffset..]);
    }

    /// <summary>
    /// Whether <paramref name="path"/> itself (a symlink is not followed) is a regular file; null when nothing is there.
    /// </summary>
    public static bool? IsRegularFile(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == ENOENT ? null : throw new IOException($"statx {path}: errno {errno}");
        }

        return (MemoryMarshal.Read<ushort>(buffer[ModeOffset..]) & FileTypeMask) == RegularFile;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string pathname, int flags, uint mask, ref byte statxbuf);
}
