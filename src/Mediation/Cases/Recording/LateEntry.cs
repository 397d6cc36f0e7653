namespace Mediation.Cases.Recording;

/// <summary>A late entry (补录): an act recorded long after its business time, with the reason kept in its event's headers.</summary>
public static class LateEntry
{
    /// <summary>The event header that carries the reason a late act gives.</summary>
    public const string ReasonHeader = "lateReason";

    /// <summary>
    /// The event header that marks acts placed before an act already recorded: read models that fold a
    /// case's acts forward in time rebuild such a case instead.
    /// </summary>
    public const string PlacedEarlierHeader = "placedEarlier";

    public static bool IsPlacedEarlier(IReadOnlyDictionary<string, object>? headers) =>
        headers is not null && headers.TryGetValue(PlacedEarlierHeader, out var value) && value is true or System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.True };

    /// <summary>Whether an act recorded at <paramref name="recordedAt"/> for <paramref name="occurredAt"/> is a late entry.</summary>
    public static bool IsLate(DateTimeOffset occurredAt, DateTimeOffset recordedAt, RecordingPolicy policy) =>
        recordedAt - occurredAt > policy.LateEntryAfter;
}
