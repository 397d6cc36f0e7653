namespace Mediation.Common;

/// <summary>
/// Collects the field errors of a request or a form, by the field's name as the API names it. Endpoints
/// answer them as 400 problem details (<c>Hosting/Problems.cs</c>).
/// </summary>
public sealed class Validation
{
    readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages)) _errors[field] = messages = [];
        messages.Add(message);
        return this;
    }

    public Validation Require(bool condition, string field, string message) => condition ? this : Add(field, message);

    public Validation Required<T>(T? value, string field) where T : struct =>
        Require(value.HasValue, field, "is required");

    public Validation Required(object? value, string field) => Require(value is not null, field, "is required");

    /// <summary>Text that must be present (unless optional), not blank, and at most <paramref name="max"/> characters.</summary>
    public Validation Text(string? value, string field, int max, bool required = true)
    {
        if (value is null) return required ? Add(field, "is required") : this;
        if (string.IsNullOrWhiteSpace(value)) return Add(field, "must not be blank");
        if (value.Length > max) return Add(field, $"must be at most {max} characters");
        if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))) return Add(field, "must not contain control characters");
        return this;
    }

    public Validation Within(int? value, string field, int min, int max) =>
        value is null || (value >= min && value <= max) ? this : Add(field, $"must be between {min} and {max}");

    public Validation Enum<T>(T? value, string field, bool required = true) where T : struct, System.Enum
    {
        if (value is null) return required ? Add(field, "is required") : this;
        return System.Enum.IsDefined(value.Value) ? this : Add(field, $"must be one of {string.Join(", ", System.Enum.GetNames<T>())}");
    }

    public Dictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
