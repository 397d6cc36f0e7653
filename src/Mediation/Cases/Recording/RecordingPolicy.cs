namespace Mediation.Cases.Recording;

/// <summary>How acts may be recorded after the fact, configurable under <c>Mediation:Recording</c>.</summary>
public sealed class RecordingPolicy
{
    public const string Section = "Mediation:Recording";

    /// <summary>An act recorded more than this after its business time is a late entry (补录) and needs a reason.</summary>
    public TimeSpan LateEntryAfter { get; set; } = TimeSpan.FromDays(3);
}
