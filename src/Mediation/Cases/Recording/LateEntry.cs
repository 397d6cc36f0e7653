namespace Mediation.Cases.Recording;

/// <summary>A late entry (补录): an act recorded long after its business time, with the reason kept in its event's headers.</summary>
public static class LateEntry
{
    /// <summary>The event header that carries the reason a late act gives.</summary>
    public const string ReasonHeader = "lateReason";

    /// <summary>Whether an act recorded at <paramref name="recordedAt"/> for <paramref name="occurredAt"/> is a late entry.</summary>
    public static bool IsLate(DateTimeOffset occurredAt, DateTimeOffset recordedAt, RecordingPolicy policy) =>
        recordedAt - occurredAt > policy.LateEntryAfter;
}
