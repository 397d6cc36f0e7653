using System.Globalization;
using Mediation.Cases;
using Mediation.Cases.Agreeing;
using Mediation.Cases.Reading;
using Mediation.Common;

namespace Mediation.Workbench.CaseFile.Agreements;

/// <summary>
/// What the agreement editor posts: the text as typed, a term per row, the version the page showed. A row is
/// added or removed by a button of the form (<see cref="Edit"/>), which records nothing: the form comes back
/// with its rows changed, as the page has no script to do it.
/// </summary>
public sealed class AgreementDraft
{
    public const int MaxTerms = 50;
    public const string AddTerm = "add";
    public const string RemoveTerm = "remove-";

    public long Version { get; set; }
    public string? Form { get; set; }
    public string? Facts { get; set; }
    public string? Positions { get; set; }
    public List<TermDraft> Terms { get; set; } = [];
    public string? Mediators { get; set; }
    public string? OccurredAt { get; set; }
    public string? LateReason { get; set; }

    /// <summary>The button that sent the form when it asked for a row more (<c>add</c>) or fewer (<c>remove-N</c>); null to record.</summary>
    public string? Edit { get; set; }

    /// <summary>The editor's start: the agreement recorded, to replace; or a first empty term in the form the case was resolved with.</summary>
    public static AgreementDraft Of(CaseView view) => view.Agreement is { } agreement
        ? new()
        {
            Version = view.Version, Form = agreement.Form.ToString(), Facts = agreement.Facts, Positions = agreement.Positions,
            Terms = agreement.Terms.Select(TermDraft.Of).ToList(), Mediators = string.Join("，", agreement.Mediators),
        }
        : new() { Version = view.Version, Form = view.AgreementForm?.ToString(), Terms = [new()] };

    /// <summary>Carries out an <see cref="Edit"/>: true when the form asked for one, and so is to be shown again rather than recorded.</summary>
    public bool ApplyEdit()
    {
        if (Edit == AddTerm)
        {
            if (Terms.Count < MaxTerms) Terms.Add(new());
            return true;
        }
        if (Edit?.StartsWith(RemoveTerm, StringComparison.Ordinal) is true)
        {
            if (int.TryParse(Edit[RemoveTerm.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < Terms.Count) Terms.RemoveAt(index);
            return true;
        }
        return false;
    }

    /// <summary>The command as <c>PUT /api/cases/{id}/agreement</c> takes it; what does not parse is named in <paramref name="reader"/> as the API names it.</summary>
    public RecordAgreement ToCommand(FormReader reader) => new(
        reader.Enum<AgreementForm>(Form, "form"), reader.Text(Facts), Terms.Select((term, i) => term.ToInput(reader, i)).ToList(),
        reader.List(Mediators), reader.Text(Positions), reader.Time(OccurredAt, "occurredAt"), reader.Text(LateReason));
}

/// <summary>One term as typed: the parties by id (chosen from the case's), the amount and due date as text.</summary>
public sealed class TermDraft
{
    public string? Obligor { get; set; }
    public string? Obligee { get; set; }
    public string? Content { get; set; }
    public string? Amount { get; set; }
    public string? DueAt { get; set; }
    public string? Place { get; set; }
    public string? Manner { get; set; }

    public static TermDraft Of(AgreementTermView term) => new()
    {
        Obligor = term.Obligor.ToString(), Obligee = term.Obligee.ToString(), Content = term.Content,
        Amount = term.Amount?.ToString(CultureInfo.InvariantCulture),
        DueAt = term.DueAt?.ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Place = term.Place, Manner = term.Manner,
    };

    public TermInput ToInput(FormReader reader, int index) => new(
        Party(Obligor), Party(Obligee), reader.Text(Content), reader.Money(Amount, $"terms[{index}].amount"),
        reader.Time(DueAt, $"terms[{index}].dueAt"), reader.Text(Place), reader.Text(Manner));

    // A choice of the case's parties: anything else is no party, which the API's validation names.
    static Guid? Party(string? id) => Guid.TryParse(id, out var party) ? party : null;
}
