using Alba;
using Marten;
using Mediation.Cases;
using Mediation.Organisation;
using Mediation.Seeding;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Mediation.Tests.Seeding;

/// <summary>The seed command's work: a realistic county and cases, through the command path, repeatable.</summary>
public class SeedTests(PostgresForTests postgres)
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    static readonly SeedOptions Options = new(Cases: 120, Seed: 5, Until: new DateOnly(2026, 6, 30), Parallel: 1);

    async Task<IAlbaHost> HostAsync()
    {
        var connectionString = await postgres.CreateDatabaseAsync("seed");
        return await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", connectionString).WithTestUsers());
    }

    static async Task<List<string>> CasesAsync(IAlbaHost host)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var cases = await session.Query<MediationCase>().ToListAsync(Cancellation);
        // The service appends DeadlineBreached on its own clock, so those are left out of the comparison.
        var events = (await session.Events.QueryAllRawEvents().ToListAsync(Cancellation))
            .Where(e => e.Data is not DeadlineBreached)
            .GroupBy(e => e.StreamId)
            .ToDictionary(g => g.Key, g => string.Join(",", g.OrderBy(e => e.Version).Select(e => e.EventTypeName)));
        return cases.OrderBy(c => c.CaseNumber)
            .Select(c => $"{c.CaseNumber} {c.Kind} {c.Category} {c.Channel} {c.NodeCode} {c.ReceivedAt:O} {c.Status} {c.Level} {c.Outcome} {events[c.Id]}")
            .ToList();
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_county_and_cases_and_a_second_run_adds_nothing()
    {
        await using var first = await HostAsync();
        var seeder = first.Services.GetRequiredService<Seeder>();
        var result = await seeder.RunAsync(Options, null, Cancellation);
        result.Refused.ShouldBe(0);
        result.Cases.ShouldBe(120);
        result.Commands.ShouldBeGreaterThan(120 * 3);

        var org = await first.Services.GetRequiredService<OrgDirectory>().CurrentAsync(Cancellation);
        org.All.Count(n => n.Level == Level.Street).ShouldBe(8);
        org.All.Count(n => n.Level == Level.Community).ShouldBe(40);
        org.All.Count(n => n.Level == Level.Grid).ShouldBe(200);

        var cases = await CasesAsync(first);
        cases.Count.ShouldBe(120);
        await using (var session = first.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var all = await session.Query<MediationCase>().ToListAsync(Cancellation);
            all.Select(c => c.Kind).Distinct().Count().ShouldBe(3);
            all.ShouldContain(c => c.IsOpen);
            all.ShouldContain(c => c.Status == CaseStatus.Closed);
            all.ShouldContain(c => c.Level != Level.Grid && c.Status == CaseStatus.Closed);
            all.ShouldAllBe(c => c.ReceivedAt >= new DateTimeOffset(2025, 6, 30, 0, 0, 0, TimeSpan.FromHours(8)));
            var events = await session.Events.QueryAllRawEvents().Where(e => e.UserName == "seed").CountAsync(Cancellation);
            events.ShouldBeGreaterThan(120 * 3);
        }

        // The printed demo users sign in, and each sees what their jurisdiction holds.
        result.Users.Select(u => u.Role).Distinct().Count().ShouldBe(4);
        foreach (var user in result.Users)
            (await TestUsers.TokenAsync(first.Server.CreateClient(), user.Username, user.Password)).ShouldNotBeEmpty();
        var gridWorker = result.Users.Single(u => u.Username == "gridworker");
        var client = first.Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TestUsers.TokenAsync(client, gridWorker.Username, gridWorker.Password));
        var mine = (await new Api(client).Get("/api/cases?pageSize=100")).ShouldBe(System.Net.HttpStatusCode.OK).Body["items"]!.AsArray();
        mine.Count.ShouldBeLessThan(120);
        mine.ShouldAllBe(c => c!["nodeCode"]!.GetValue<string>() == gridWorker.NodeCode || c["handlingNodeCode"]!.GetValue<string>() == gridWorker.NodeCode);

        (await seeder.RunAsync(Options, null, Cancellation)).Refused.ShouldBe(0);
        (await CasesAsync(first)).ShouldBe(cases);

        await using var second = await HostAsync();
        (await second.Services.GetRequiredService<Seeder>().RunAsync(Options, null, Cancellation)).Refused.ShouldBe(0);
        (await CasesAsync(second)).ShouldBe(cases);
    }
}
