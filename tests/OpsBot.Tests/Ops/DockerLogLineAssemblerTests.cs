using System.Text;
using OpsBot.Ops.Docker;

namespace OpsBot.Tests.Ops;

public sealed class DockerLogLineAssemblerTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Lines_split_across_frames_are_joined_per_stream_in_completion_order()
    {
        var assembler = new DockerLogLineAssembler();

        assembler.Append(false, B("INFO start"));
        assembler.Append(true, B("WARN disk "));
        assembler.Append(false, B("ing\nINFO two\n"));
        assembler.Append(true, B("low\r\n"));

        Assert.Equal(["INFO starting", "INFO two", "WARN disk low"], assembler.Complete());
    }

    [Fact]
    public void Multibyte_characters_split_between_frames_survive()
    {
        var bytes = B("Größe ✓\n");
        var assembler = new DockerLogLineAssembler();

        assembler.Append(false, bytes.AsSpan(0, 3));
        assembler.Append(false, bytes.AsSpan(3));

        Assert.Equal(["Größe ✓"], assembler.Complete());
    }

    [Fact]
    public void Unterminated_tails_are_kept_and_empty_lines_preserved()
    {
        var assembler = new DockerLogLineAssembler();

        assembler.Append(false, B("a\n\nb"));

        Assert.Equal(["a", "", "b"], assembler.Complete());
    }
}
