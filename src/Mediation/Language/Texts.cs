using System.Collections.Frozen;
using System.Globalization;
using Mediation.Cases;
using Mediation.Common;
using Mediation.Reports;

namespace Mediation.Language;

/// <summary>
/// Every word the service shows people, in Chinese (the default) and English: the workbench, the report
/// files and the coded values both show (statuses, levels, kinds, outcomes…), from the one table of each
/// language (<see cref="Chinese"/>, <see cref="English"/>; the service's messages in <see cref="ChineseMessages"/>). A key missing from a language shows as the
/// key itself, and a test keeps both languages' keys equal.
/// </summary>
public sealed class Texts
{
    public const string LanguageCookie = "lang";

    public static readonly Texts Zh = new("zh", Chinese.Words(), ChineseMessages.All());
    public static readonly Texts En = new("en", English.Words(), []);

    readonly FrozenDictionary<string, string> _words;
    readonly FrozenDictionary<string, string> _messages;

    Texts(string code, Dictionary<string, string> words, Dictionary<string, string> messages)
    {
        Code = code;
        _words = words.ToFrozenDictionary(StringComparer.Ordinal);
        _messages = messages.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public string Code { get; }
    public bool IsChinese => Code == "zh";
    public IReadOnlyCollection<string> Keys => _words.Keys;

    /// <summary>The keys this language words the service's messages and refusal rules by (none for English, which keeps the API's words).</summary>
    public IReadOnlyCollection<string> MessageKeys => _messages.Keys;

    /// <summary>The report files' words in this language.</summary>
    public ReportLanguage Report => IsChinese ? ReportLanguage.Chinese : ReportLanguage.English;

    public string this[string key] => _words.TryGetValue(key, out var word) ? word : key;

    /// <summary>A word with blanks (<c>{0}</c>) filled in.</summary>
    public string Format(string key, params object?[] values) => string.Format(CultureInfo.InvariantCulture, this[key], values);

    public string Of<TEnum>(TEnum value) where TEnum : struct, Enum => Of((Enum)value);

    /// <summary>The label of a coded value: "Type.Value" in the table.</summary>
    public string Of(Enum value) => this[$"{value.GetType().Name}.{value}"];

    /// <summary>A category of the code table by its name in this language.</summary>
    public string Name(CodeTables.Category category) => IsChinese ? category.NameZh : category.NameEn;

    public string Of<TEnum>(TEnum? value) where TEnum : struct, Enum => value is { } v ? Of(v) : "—";

    /// <summary>
    /// A field message in this language, chosen by its key; in English, or where a message has no key
    /// (a body that is not the JSON expected), as the API words it.
    /// </summary>
    public string Message(FieldMessage message) =>
        _messages.TryGetValue(message.Key, out var words) ? string.Format(CultureInfo.InvariantCulture, words, [.. message.Arguments]) : message.Text;

    /// <summary>The headline of a refusal by its status: what kind of "no" it is, before the detail.</summary>
    public string Refusal(int? status) => this[status switch
    {
        400 => "Refusal.Invalid",
        403 => "Refusal.Forbidden",
        404 => "Refusal.NotFound",
        409 => "Refusal.Conflict",
        412 => "Case.Stale",
        _ => "Refusal.Other",
    }];

    /// <summary>
    /// Why a command was refused, under its headline: the rule of a decision's refusal in this language;
    /// otherwise, in English, the API's detail, and in Chinese nothing more than the headline (the API's
    /// detail is English).
    /// </summary>
    public string? Detail(CommandOutcome outcome) =>
        outcome.Refusal is { } refusal && Rule(refusal) is { } rule ? rule
        : IsChinese ? null
        : outcome.Problem?.Detail;

    /// <summary>
    /// A decision's rule in this language, its blanks filled. A contradicted later act is named by its label
    /// here, with the rule it would break where the state refuses it.
    /// </summary>
    string? Rule(CaseRefusal refusal)
    {
        if (!_messages.TryGetValue(FieldMessage.RuleKey(refusal.Code), out var rule)) return null;
        if (refusal is not CaseRefusal.Contradicts contradicts)
            return string.Format(CultureInfo.InvariantCulture, rule, [.. refusal.Arguments.Select(Worded)]);
        var later = string.Format(CultureInfo.InvariantCulture, rule, [this[$"Event.{contradicts.Later.Event.GetType().Name}"], .. refusal.Arguments.Skip(1)]);
        return contradicts.Why is CaseRefusal.NotAllowed && Rule(contradicts.Why) is { } why ? $"{later}{why}" : later;
    }

    /// <summary>A rule's argument as this language shows it: a list of coded values by their labels (the items a case file lacks).</summary>
    object Worded(object argument) => argument is System.Collections.IEnumerable values and not string && values.Cast<object>().All(v => v is Enum)
        ? string.Join(IsChinese ? "、" : ", ", values.Cast<Enum>().Select(Of))
        : argument;

    /// <summary>The language a request asked for with the <c>lang</c> cookie; Chinese unless it says English.</summary>
    public static Texts For(HttpContext? http) => http?.Request.Cookies[LanguageCookie] == "en" ? En : Zh;
}
