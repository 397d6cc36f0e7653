namespace Mediation.Common;

/// <summary>
/// Collects the field errors of a request or a form, by the field's name as the API names it. Endpoints
/// answer them as 400 problem details (<c>Hosting/Problems.cs</c>).
/// </summary>
public sealed class Validation
{
    readonly Dictionary<string, List<FieldMessage>> _messages = new(StringComparer.Ordinal);

    public bool IsValid => _messages.Count == 0;

    public Validation Add(string field, FieldMessage message)
    {
        if (!_messages.TryGetValue(field, out var messages)) _messages[field] = messages = [];
        messages.Add(message);
        return this;
    }

    public Validation Require(bool condition, string field, FieldMessage message) => condition ? this : Add(field, message);

    public Validation Required<T>(T? value, string field) where T : struct =>
        Require(value.HasValue, field, FieldMessage.Required);

    public Validation Required(object? value, string field) => Require(value is not null, field, FieldMessage.Required);

    /// <summary>Text that must be present (unless optional), not blank, and at most <paramref name="max"/> characters.</summary>
    public Validation Text(string? value, string field, int max, bool required = true)
    {
        if (value is null) return required ? Add(field, FieldMessage.Required) : this;
        if (string.IsNullOrWhiteSpace(value)) return Add(field, FieldMessage.NotBlank);
        if (value.Length > max) return Add(field, FieldMessage.AtMostCharacters(max));
        if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))) return Add(field, FieldMessage.NoControlCharacters);
        return this;
    }

    /// <summary>The reason for seeing personal data, written to the access log: a few words (4 to 500 characters), given trimmed.</summary>
    public Validation Reason(string? reason)
    {
        Text(string.IsNullOrEmpty(reason) ? null : reason, "reason", 500);
        return reason is { Length: > 0 and < 4 } ? Add("reason", FieldMessage.SayWhy) : this;
    }

    public Validation Within(int? value, string field, int min, int max) =>
        value is null || (value >= min && value <= max) ? this : Add(field, FieldMessage.Between(min, max));

    public Validation Enum<T>(T? value, string field, bool required = true) where T : struct, System.Enum
    {
        if (value is null) return required ? Add(field, FieldMessage.Required) : this;
        return System.Enum.IsDefined(value.Value) ? this : Add(field, FieldMessage.OneOf(System.Enum.GetNames<T>()));
    }

    /// <summary>The errors as the API answers them: each field's messages in English.</summary>
    public Dictionary<string, string[]> Errors => _messages.ToDictionary(e => e.Key, e => e.Value.Select(m => m.Text).ToArray());

    /// <summary>The errors with their keys, for callers that word them themselves.</summary>
    public IReadOnlyDictionary<string, FieldMessage[]> Messages => _messages.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
