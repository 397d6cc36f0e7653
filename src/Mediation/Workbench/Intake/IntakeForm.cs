using Mediation.Cases;
using Mediation.Cases.Filing;
using Mediation.Workbench.CaseFile;

namespace Mediation.Workbench.Intake;

/// <summary>What the intake form posts: the case and up to two parties (applicant, respondent), as typed.</summary>
public sealed class IntakeForm
{
    public string? Kind { get; set; }
    public string? PetitionType { get; set; }
    public string? Channel { get; set; }
    public string? Category { get; set; }
    public string? Summary { get; set; }
    public string? NodeCode { get; set; }
    public string? ReceivedAt { get; set; }
    public string? RiskColour { get; set; }
    public string? GroupSize { get; set; }
    public PartyFields Applicant { get; set; } = new();
    public PartyFields Respondent { get; set; } = new();

    /// <summary>The clerk asked for the parties' earlier cases, not to file yet.</summary>
    public bool CheckRelated { get; set; }

    public sealed class PartyFields
    {
        public string? Name { get; set; }
        public string? IdNumber { get; set; }
        public string? Phone { get; set; }
        public string? Address { get; set; }

        public bool IsEmpty => new[] { Name, IdNumber, Phone, Address }.All(string.IsNullOrWhiteSpace);
    }

    /// <summary>
    /// The API's <see cref="FileCase"/> command from the form. The respondent is left out when all its
    /// fields are empty; field errors of parsing land in <paramref name="reader"/>, named as the API names them.
    /// </summary>
    public FileCase ToCommand(FormReader reader)
    {
        var parties = new List<PartyInput> { Party(PartyRole.Applicant, Applicant, reader) };
        if (!Respondent.IsEmpty) parties.Add(Party(PartyRole.Respondent, Respondent, reader));
        return new FileCase(
            Kind: reader.Enum<CaseKind>(Kind, "kind"), PetitionType: reader.Enum<PetitionType>(PetitionType, "petitionType"),
            Channel: reader.Enum<Channel>(Channel, "channel"), Category: reader.Text(Category), Summary: reader.Text(Summary), NodeCode: reader.Text(NodeCode),
            ReceivedAt: reader.Time(ReceivedAt, "receivedAt"), Parties: parties, RiskColour: reader.Enum<RiskColour>(RiskColour, "riskColour"),
            GroupSize: reader.Number(GroupSize, "groupSize"));
    }

    static PartyInput Party(PartyRole role, PartyFields fields, FormReader reader) =>
        new(role, reader.Text(fields.Name), reader.Text(fields.IdNumber), reader.Text(fields.Phone), reader.Text(fields.Address));

    /// <summary>The form's input for an error the API names (<c>parties[1].phone</c> is the respondent's phone).</summary>
    public static string InputFor(string apiField) => apiField switch
    {
        _ when apiField.StartsWith("parties[0].", StringComparison.Ordinal) => "Applicant." + apiField["parties[0].".Length..],
        _ when apiField.StartsWith("parties[1].", StringComparison.Ordinal) => "Respondent." + apiField["parties[1].".Length..],
        _ => apiField,
    };
}
