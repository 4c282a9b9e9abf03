using System.Text;

namespace OpsBot.Ops.Docker;

/// <summary>
/// Turns demultiplexed Docker log frames into lines. A frame carries an arbitrary slice of one
/// stream, so a line may span frames and stdout/stderr interleave; each stream keeps its own
/// unfinished line and complete lines are emitted in arrival order.
/// </summary>
public sealed class DockerLogLineAssembler
{
    private readonly List<string> _lines = [];
    private readonly List<byte> _stdout = [];
    private readonly List<byte> _stderr = [];

    public void Append(bool isStandardError, ReadOnlySpan<byte> frame)
    {
        var pending = isStandardError ? _stderr : _stdout;
        foreach (var b in frame)
        {
            if (b == (byte)'\n')
            {
                Flush(pending);
            }
            else
            {
                pending.Add(b);
            }
        }
    }

    /// <summary>All complete lines plus any unterminated tail of each stream.</summary>
    public IReadOnlyList<string> Complete()
    {
        Flush(_stdout, onlyIfNotEmpty: true);
        Flush(_stderr, onlyIfNotEmpty: true);
        return _lines;
    }

    private void Flush(List<byte> pending, bool onlyIfNotEmpty = false)
    {
        if (onlyIfNotEmpty && pending.Count == 0)
        {
            return;
        }

        var count = pending.Count > 0 && pending[^1] == (byte)'\r' ? pending.Count - 1 : pending.Count;
        _lines.Add(Encoding.UTF8.GetString(pending.ToArray(), 0, count));
        pending.Clear();
    }
}
