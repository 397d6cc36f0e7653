using System.Globalization;
using System.Text.RegularExpressions;

namespace Mediation.Parties;

/// <summary>Checks and masks for the personal information of parties (个人信息保护法).</summary>
public static partial class PersonalData
{
    static readonly int[] IdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const string IdCheckCharacters = "10X98765432";

    /// <summary>
    /// A resident identity card number (GB 11643-1999): 18 characters with a valid birth date and
    /// check character. The older 15-digit numbers are accepted as they are.
    /// </summary>
    public static bool IsValidIdNumber(string value)
    {
        if (value.Length == 15) return value.All(char.IsAsciiDigit) && IsDate("19" + value[6..12]);
        if (value.Length != 18 || !value[..17].All(char.IsAsciiDigit)) return false;
        return char.ToUpperInvariant(value[17]) == IdCheckCharacter(value[..17]) && IsDate(value[6..14]);
    }

    /// <summary>The check character of an 18-character number, from its first 17 digits.</summary>
    public static char IdCheckCharacter(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (first17[i] - '0') * IdWeights[i];
        return IdCheckCharacters[sum % 11];
    }

    static bool IsDate(string yyyymmdd) =>
        DateOnly.TryParseExact(yyyymmdd, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) &&
        date.Year >= 1900 && date <= DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>A mainland mobile number, or a landline with its area code (and extension).</summary>
    public static bool IsValidPhone(string value) => Mobile().IsMatch(value) || Landline().IsMatch(value);

    [GeneratedRegex(@"^1[3-9]\d{9}$")]
    private static partial Regex Mobile();

    [GeneratedRegex(@"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")]
    private static partial Regex Landline();

    /// <summary><c>110105199001011234</c> → <c>110***********1234</c>.</summary>
    public static string? MaskIdNumber(string? value) =>
        value is null ? null : value.Length <= 7 ? new string('*', value.Length) : value[..3] + new string('*', value.Length - 7) + value[^4..];

    /// <summary><c>13812345678</c> → <c>138****5678</c>.</summary>
    public static string? MaskPhone(string? value) =>
        value is null ? null : value.Length <= 7 ? new string('*', value.Length) : value[..3] + new string('*', value.Length - 7) + value[^4..];

    /// <summary>The family name stays, so a clerk can tell parties apart: <c>张三丰</c> → <c>张**</c>.</summary>
    public static string? MaskName(string? value)
    {
        if (string.IsNullOrEmpty(value)) return value;
        var text = StringInfo.GetTextElementEnumerator(value);
        text.MoveNext();
        var first = (string)text.Current;
        return first + new string('*', Math.Max(1, new StringInfo(value).LengthInTextElements - 1));
    }

    /// <summary>The first six characters (province, city, district) stay.</summary>
    public static string? MaskAddress(string? value) =>
        value is null ? null : value.Length <= 6 ? new string('*', value.Length) : value[..6] + "****";
}
