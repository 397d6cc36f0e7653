using System.Net;
using Alba;
using Marten;
using Mediation.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Mediation.Tests.Cases.Deadlines;

/// <summary>
/// At the due time the service itself appends DeadlineBreached to a case still open, with no request
/// touching the case, also when it was stopped and started again between scheduling and the due time.
/// Deadlines here are seconds long (the policy is configuration). The due message is Wolverine's durable
/// scheduled message, delivered when its poll of the message store finds it due by the wall clock (not the
/// service's TimeProvider), so these tests shorten that poll rather than fake the time.
/// </summary>
public class DeadlineBreachTests(PostgresForTests postgres)
{
    static async Task<IAlbaHost> StartAsync(string connectionString, string disputeDeadline) =>
        await AlbaHost.For<Program>(builder =>
        {
            builder.UseSetting("ConnectionStrings:Marten", connectionString).WithTestUsers();
            builder.UseSetting("Mediation:Deadlines:Dispute", disputeDeadline);
            builder.ConfigureServices(services => services.ConfigureWolverine(options =>
            {
                options.Durability.ScheduledJobFirstExecution = TimeSpan.Zero;
                options.Durability.ScheduledJobPollingTime = Poll;
            }));
        });

    /// <summary>How often the host looks for due scheduled messages (5 seconds in the service).</summary>
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Long enough past a due time for a breach to have been appended, were one due: ten polls.</summary>
    static readonly TimeSpan PastDue = 10 * Poll;

    static async Task<DateTimeOffset> DueAtAsync(IAlbaHost host, Guid id)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<MediationCase>(id, TestContext.Current.CancellationToken))!.DueAt;
    }

    static TimeSpan Until(DateTimeOffset time) => time - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    static async Task<Guid> FileDisputeAsync(IAlbaHost host)
    {
        var api = await TestUsers.SignedInAsync(host);
        foreach (var (code, name, level, parent) in CaseFixture.Tree)
        {
            var put = await api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent });
            put.Code.ShouldBeOneOf(200, 201);
        }
        return (await api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
    }

    /// <summary>Reads the stream straight from the database: no HTTP request reaches the case.</summary>
    static async Task<DeadlineBreached?> WaitForBreachAsync(IDocumentStore store, Guid id, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            await using var session = store.QuerySession();
            var events = await session.Events.FetchStreamAsync(id, token: TestContext.Current.CancellationToken);
            if (events.Select(e => e.Data).OfType<DeadlineBreached>().FirstOrDefault() is { } breach) return breach;
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
        return null;
    }

    [Fact]
    public async Task The_breach_is_appended_at_the_due_time_without_any_request()
    {
        var database = await postgres.CreateDatabaseAsync(nameof(The_breach_is_appended_at_the_due_time_without_any_request));
        await using var host = await StartAsync(database, "00:00:01");
        var id = await FileDisputeAsync(host);
        var store = host.Services.GetRequiredService<IDocumentStore>();

        var breach = await WaitForBreachAsync(store, id, TimeSpan.FromSeconds(30));
        breach.ShouldNotBeNull();
        await using var session = store.QuerySession();
        var state = await session.LoadAsync<MediationCase>(id, TestContext.Current.CancellationToken);
        breach.DueAt.ShouldBe(state!.DueAt);
        breach.OccurredAt.ShouldBe(state.DueAt);
        var events = await session.Events.FetchStreamAsync(id, token: TestContext.Current.CancellationToken);
        events.Last().UserName.ShouldBe("system");
        // Appended by the scheduled handler, not a request: chained like any other event.
        var check = await host.Services.GetRequiredService<Mediation.Auditing.Chain.ChainVerifier>().VerifyCaseAsync(id, TestContext.Current.CancellationToken);
        check.Intact.ShouldBeTrue(string.Join("; ", check.Problems));
        check.Events.ShouldBe(2);
    }

    [Fact]
    public async Task The_breach_survives_a_restart_between_scheduling_and_the_due_time()
    {
        var database = await postgres.CreateDatabaseAsync(nameof(The_breach_survives_a_restart_between_scheduling_and_the_due_time));
        Guid id;
        DateTimeOffset dueAt;
        await using (var first = await StartAsync(database, "00:00:04"))
        {
            id = await FileDisputeAsync(first);
            dueAt = await DueAtAsync(first, id);
            await first.StopAsync(TestContext.Current.CancellationToken);
        }

        // The due time passes while no service runs.
        await Task.Delay(Until(dueAt + Poll), TestContext.Current.CancellationToken);
        await using var second = await StartAsync(database, "00:00:04");
        var breach = await WaitForBreachAsync(second.Services.GetRequiredService<IDocumentStore>(), id, TimeSpan.FromSeconds(45));
        breach.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_case_concluded_before_its_due_time_is_not_breached()
    {
        var database = await postgres.CreateDatabaseAsync(nameof(A_case_concluded_before_its_due_time_is_not_breached));
        await using var host = await StartAsync(database, "00:00:03");
        var id = await FileDisputeAsync(host);
        var api = await TestUsers.SignedInAsync(host);
        (await api.Post($"/api/cases/{id}/resolve", new { outcome = "Withdrawn" })).ShouldBe(HttpStatusCode.OK);

        (await WaitForBreachAsync(host.Services.GetRequiredService<IDocumentStore>(), id, Until(await DueAtAsync(host, id) + PastDue))).ShouldBeNull();
    }
}
