namespace OpsBot.History;

/// <summary>One schema step. Versions only ever grow; a released migration is never edited.</summary>
public sealed record HistoryMigration(int Version, string Name, string Sql);
