namespace OpsBot.Ops.Configuration;

/// <summary>Options of one named target in a section that may list several (<see cref="OpsTargetBinder"/>).</summary>
public interface IOpsTarget
{
    /// <summary>How commands, status and alerts name the target.</summary>
    string Name { get; set; }
}
