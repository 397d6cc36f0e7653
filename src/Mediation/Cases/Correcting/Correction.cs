using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mediation.Common;

namespace Mediation.Cases.Correcting;

/// <summary>
/// Which fields of which acts a correction (更正) may change, how their values are written, and an act as
/// corrected. Values are written as the API writes them: times in ISO 8601 at China Standard Time, enums
/// by name, amounts as decimals.
/// </summary>
public static class Correction
{
    const string OccurredAt = "occurredAt";

    /// <summary>Every correctable field and the kind of its value.</summary>
    static readonly Dictionary<string, Type> Kinds = new()
    {
        [OccurredAt] = typeof(DateTimeOffset),
        ["category"] = typeof(string),
        ["channel"] = typeof(Channel),
        ["outcome"] = typeof(Outcome),
        ["opinion"] = typeof(Opinion),
        ["agreementForm"] = typeof(AgreementForm),
        ["amount"] = typeof(decimal),
        ["performanceDueAt"] = typeof(DateTimeOffset),
        ["satisfaction"] = typeof(Satisfaction),
        ["result"] = typeof(PerformanceResult),
        ["mode"] = typeof(SessionMode),
    };

    /// <summary>The fields that may be null (cleared) by a correction.</summary>
    static readonly HashSet<string> Clearable = ["opinion", "agreementForm", "amount", "performanceDueAt"];

    public static IReadOnlyCollection<string> AllFields => Kinds.Keys;

    /// <summary>The kind of <paramref name="field"/>'s value (an enum, <see cref="DateTimeOffset"/>, decimal or string), to show it as written.</summary>
    public static Type KindOf(string field) => Kinds[field];

    /// <summary>The fields of <paramref name="act"/> a correction may change; none for the service's own observations.</summary>
    public static IReadOnlyList<string> FieldsOf(ICaseEvent act) => act switch
    {
        DeadlineBreached or ActCorrected or CaseFileReopened => [],
        CaseFiled => [OccurredAt, "category", "channel"],
        CaseResolved => [OccurredAt, "outcome", "opinion", "agreementForm", "amount", "performanceDueAt"],
        FollowUpRecorded => [OccurredAt, "satisfaction"],
        PerformanceRecorded => [OccurredAt, "result"],
        MediationSessionHeld => [OccurredAt, "mode"],
        _ => [OccurredAt],
    };

    /// <summary>A value sent for <paramref name="field"/>, written as corrections keep it; or what is wrong with it.</summary>
    public static (string? value, FieldMessage? problem) Parse(string field, JsonElement value)
    {
        if (!Kinds.TryGetValue(field, out var kind)) return (null, FieldMessage.OneOf(Kinds.Keys));
        if (value.ValueKind == JsonValueKind.Null)
            return Clearable.Contains(field) ? (null, null) : (null, FieldMessage.NotNull);
        if (kind == typeof(decimal))
            return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var amount) && amount >= 0 && decimal.Round(amount, 2) == amount
                ? (amount.ToString(CultureInfo.InvariantCulture), null)
                : (null, FieldMessage.AmountInYuan);
        if (value.ValueKind != JsonValueKind.String) return (null, FieldMessage.Required);
        var text = value.GetString()!;
        if (kind == typeof(DateTimeOffset))
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) && text.Contains('T') &&
                   System.Text.RegularExpressions.Regex.IsMatch(text, @"([zZ]|[+-]\d{2}:?\d{2})$") && time >= DecisionContext.Earliest
                ? (Time(time), null)
                : (null, FieldMessage.TimeWithOffset("2026-03-02T09:30:00+08:00"));
        if (kind.IsEnum)
        {
            var names = System.Enum.GetNames(kind);
            return names.Contains(text, StringComparer.Ordinal) ? (text, null) : (null, FieldMessage.OneOf(names));
        }
        return text.Trim().Length is > 0 and <= 50 ? (text.Trim(), null) : (null, FieldMessage.AtMostCharacters(50));
    }

    /// <summary>The value of <paramref name="field"/> in <paramref name="act"/>, written as corrections keep it.</summary>
    public static string? Read(ICaseEvent act, string field) =>
        Node(act)[field] switch
        {
            null => null,
            JsonValue v when Kinds[field] == typeof(DateTimeOffset) => Time(v.GetValue<DateTimeOffset>()),
            JsonValue v when Kinds[field] == typeof(decimal) => v.GetValue<decimal>().ToString(CultureInfo.InvariantCulture),
            JsonValue v => v.GetValue<string>(),
            _ => null,
        };

    /// <summary>
    /// <paramref name="act"/> with <paramref name="changes"/> made. Moving the business time of an act that
    /// starts a deadline (the receipt, the acceptance, a review) moves that deadline with it.
    /// </summary>
    public static ICaseEvent Apply(ICaseEvent act, IReadOnlyList<FieldCorrection> changes)
    {
        var node = Node(act);
        foreach (var change in changes)
        {
            if (change.Field == OccurredAt && act is CaseFiled or PetitionAccepted or PetitionReviewRequested && change.After is not null)
            {
                var moved = ParseTime(change.After) - act.OccurredAt;
                node["dueAt"] = node["dueAt"]!.GetValue<DateTimeOffset>() + moved;
            }
            node[change.Field] = change.After is null ? null
                : Kinds[change.Field] == typeof(decimal) ? JsonValue.Create(decimal.Parse(change.After, CultureInfo.InvariantCulture))
                : Kinds[change.Field] == typeof(DateTimeOffset) ? JsonValue.Create(ParseTime(change.After))
                : JsonValue.Create(change.After);
        }
        return (ICaseEvent)node.Deserialize(act.GetType(), Options)!;
    }

    // Inside the service every time is UTC (PostgreSQL's timestamptz takes nothing else).
    static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).ToUniversalTime();

    static JsonObject Node(ICaseEvent act) => JsonSerializer.SerializeToNode(act, act.GetType(), Options)!.AsObject();

    static string Time(DateTimeOffset time) => time.ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    static readonly JsonSerializerOptions Options = Hosting.Json.Configured();
}
