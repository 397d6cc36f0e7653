namespace Mediation.Cases.Recording;

/// <summary>How acts may be recorded after the fact, configurable under <c>Mediation:Recording</c>.</summary>
public sealed class RecordingPolicy
{
    public const string Section = "Mediation:Recording";

    /// <summary>An act recorded more than this after its business time is a late entry (补录) and needs a reason.</summary>
    public TimeSpan LateEntryAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Bound from configuration and checked at start.</summary>
    public static void AddTo(IServiceCollection services) =>
        services.AddOptions<RecordingPolicy>().BindConfiguration(Section)
            .Validate(p => p.LateEntryAfter >= TimeSpan.Zero && p.LateEntryAfter <= TimeSpan.FromDays(365),
                $"{Section}:LateEntryAfter must be a duration from zero to a year, such as 3.00:00:00")
            .ValidateOnStart();
}
