using Mediation.Tests.Cases;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Mediation.Tests.Hosting;

/// <summary>The service with a case to aim at, its log captured.</summary>
public class HostileInputFixture(PostgresForTests postgres) : CaseFixture(postgres)
{
    public CapturedLogs Logs { get; } = new();
    public Guid CaseId { get; private set; }
    public string CaseNumber { get; private set; } = "";
    public Guid PartyId { get; private set; }
    public string Token { get; private set; } = "";

    protected override void Configure(IWebHostBuilder builder) => builder.ConfigureLogging(logging => logging.AddProvider(Logs));

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var filed = (await Api.Post("/api/cases", Requests.Dispute())).ShouldBe(System.Net.HttpStatusCode.Created);
        CaseId = filed.Id;
        CaseNumber = filed.Body["caseNumber"]!.GetValue<string>();
        PartyId = Guid.Parse((await Api.Get($"/api/cases/{CaseId}")).Body["parties"]![0]!["id"]!.GetValue<string>());
        Token = Api.Client.DefaultRequestHeaders.Authorization!.Parameter!;
    }
}
