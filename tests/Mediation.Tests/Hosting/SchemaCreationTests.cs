using System.Net;
using Alba;
using Mediation.Tests.Cases;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace Mediation.Tests.Hosting;

/// <summary>
/// With automatic schema creation off the service runs on a schema applied beforehand, with an account that
/// may read and write rows but create nothing; on a database without that schema it does not start.
/// </summary>
public class SchemaCreationTests(PostgresForTests postgres)
{
    [Fact]
    public async Task Without_automatic_creation_a_missing_schema_stops_the_start_and_an_applied_one_runs_without_DDL_rights()
    {
        var database = await postgres.CreateDatabaseAsync("schemacreation");
        var refusal = await Should.ThrowAsync<Exception>(async () =>
        {
            await using var _ = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers()
                .UseSetting("Mediation:Database:AutoCreate", "None"));
        });
        // The start names what is missing.
        refusal.Message.ShouldContain("Mediation:Database:AutoCreate is None");
        refusal.Message.ShouldContain("mediation.case_numbers");

        // The owner creates the schema (as db-apply does), then the service runs as an account without DDL rights.
        await (await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers())).DisposeAsync();
        var role = $"runtime_{Guid.NewGuid():N}"[..20];
        await using (var owner = new NpgsqlConnection(database))
        {
            await owner.OpenAsync(TestContext.Current.CancellationToken);
            await using var grant = new NpgsqlCommand($"""
                create role {role} login password 'runtime-password';
                grant usage on schema mediation, wolverine to {role};
                grant select, insert, update, delete on all tables in schema mediation, wolverine to {role};
                grant usage, select, update on all sequences in schema mediation, wolverine to {role};
                """, owner);
            await grant.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        var restricted = new NpgsqlConnectionStringBuilder(database) { Username = role, Password = "runtime-password" }.ConnectionString;
        await using var host = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", restricted).WithTestUsers()
            .UseSetting("Mediation:Database:AutoCreate", "None"));
        await host.Scenario(s => { s.Get.Url("/health/ready"); s.StatusCodeShouldBe(200); });
        var api = await TestUsers.SignedInAsync(host);
        foreach (var (code, name, level, parent) in CaseFixture.Tree)
            (await api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).ShouldBe(HttpStatusCode.Created);
        var filed = await api.Post("/api/cases", Requests.HelpRequest());
        filed.ShouldBe(HttpStatusCode.Created);
        filed.Body["caseNumber"]!.GetValue<string>().ShouldEndWith("-000001");
    }
}
