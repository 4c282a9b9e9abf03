namespace OpsBot.FakeDiscord;

public sealed record RecordedFile(string PartName, string FileName, string? ContentType, byte[] Content)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Content);
}
