using System.Net;
using Mediation.Security;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Security;

/// <summary>
/// The small county with one user per role at street S1, and a case and a user on each side of that
/// jurisdiction: in S1's community S1C1 and in S2's community S2C1; and a case filed in S1C1 but
/// escalated to the county C1 since, which S1 may read but no longer act on.
/// </summary>
public class SecurityFixture(PostgresForTests postgres) : CaseFixture(postgres)
{
    public const string Jurisdiction = "S1";
    public const string InsideUser = "clerk-of-s1c1";
    public const string OutsideUser = "clerk-of-s2c1";
    public Dictionary<string, Api> ByRole { get; } = new();
    public Guid Inside { get; private set; }
    public Guid Outside { get; private set; }
    public string InsideNumber { get; private set; } = "";
    public string OutsideNumber { get; private set; } = "";
    public Guid InsideParty { get; private set; }
    public Guid OutsideParty { get; private set; }
    public Guid Escalated { get; private set; }
    public string EscalatedNumber { get; private set; } = "";
    public Guid EscalatedParty { get; private set; }

    /// <summary>An attachment of each case: <see cref="Inside"/>, <see cref="Outside"/>, <see cref="Escalated"/>.</summary>
    public Dictionary<Guid, Guid> AttachmentOf { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var role in Roles.All)
            ByRole[role] = await TestUsers.SignedInAsync(Host, $"{role.ToLowerInvariant()}-s1", [role], Jurisdiction);

        (Inside, InsideNumber, InsideParty) = await FileAsync("S1C1");
        (Outside, OutsideNumber, OutsideParty) = await FileAsync("S2C1");
        (Escalated, EscalatedNumber, EscalatedParty) = await FileAsync("S1C1");
        for (var i = 0; i < 2; i++) // S1C1 → S1 → C1
            (await Api.Post($"/api/cases/{Escalated}/escalate", new { reason = "MediationFailed" })).ShouldBe(HttpStatusCode.OK);
        foreach (var caseId in new[] { Inside, Outside, Escalated })
            AttachmentOf[caseId] = (await Api.Post($"/api/cases/{caseId}/attachments", Cases.Attachments.Files.Form(Cases.Attachments.Files.Pdf, "协议书.pdf")))
                .ShouldBe(HttpStatusCode.Created).Id;
        foreach (var (user, node) in new[] { (InsideUser, "S1C1"), (OutsideUser, "S2C1") })
            (await Api.Post("/api/users", new { username = user, password = TestUsers.Password, displayName = user, roles = new[] { Roles.Clerk }, nodeCode = node }))
                .ShouldBe(HttpStatusCode.Created);
    }

    async Task<(Guid id, string number, Guid party)> FileAsync(string node)
    {
        var filed = (await Api.Post("/api/cases", Requests.Dispute(node))).ShouldBe(HttpStatusCode.Created);
        var read = await Api.Get($"/api/cases/{filed.Id}");
        return (filed.Id, filed.Body["caseNumber"]!.GetValue<string>(), Guid.Parse(read.Body["parties"]![0]!["id"]!.GetValue<string>()));
    }
}
