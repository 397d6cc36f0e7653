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
/// The window for judicial confirmation as a deadline: when the agreement takes effect, the service itself
/// warns (ConfirmationWindowClosing) and then records the lapse (ConfirmationWindowLapsed), once each, with
/// no request touching the case; not when the parties applied first. The window is seconds long here
/// (the policy is configuration), and the host polls its scheduled messages every 200 ms, as in
/// <see cref="DeadlineBreachTests"/>.
/// </summary>
public class ConfirmationWindowTests(PostgresForTests postgres)
{
    static readonly TimeSpan Warning = TimeSpan.FromSeconds(2), Window = TimeSpan.FromSeconds(4), Poll = TimeSpan.FromMilliseconds(200);

    static async Task<IAlbaHost> StartAsync(string connectionString) =>
        await AlbaHost.For<Program>(builder =>
        {
            builder.UseSetting("ConnectionStrings:Marten", connectionString).WithTestUsers();
            builder.UseSetting("Mediation:Deadlines:JudicialConfirmationWarning", Warning.ToString());
            builder.UseSetting("Mediation:Deadlines:JudicialConfirmation", Window.ToString());
            builder.ConfigureServices(services => services.ConfigureWolverine(options =>
            {
                options.Durability.ScheduledJobFirstExecution = TimeSpan.Zero;
                options.Durability.ScheduledJobPollingTime = Poll;
            }));
        });

    /// <summary>A dispute resolved with an oral agreement that both parties confirm now: it takes effect with the second confirmation.</summary>
    static async Task<(Api api, Guid id)> EffectiveAsync(IAlbaHost host)
    {
        var api = await TestUsers.SignedInAsync(host);
        foreach (var (code, name, level, parent) in CaseFixture.Tree)
            (await api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).Code.ShouldBeOneOf(200, 201);
        var id = (await api.Post("/api/cases", Requests.Dispute("S1C1G1", receivedAt: DateTimeOffset.UtcNow.AddHours(-2)))).ShouldBe(HttpStatusCode.Created).Id;
        (await api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G1", assignee = "网格员小李" })).ShouldBe(HttpStatusCode.OK);
        (await api.Post($"/api/cases/{id}/resolve", new { outcome = "AgreementReached", agreementForm = "Oral", amount = 500m })).ShouldBe(HttpStatusCode.OK);
        var parties = (await api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body["parties"]!.AsArray()
            .Select(p => p!["id"]!.GetValue<string>()).ToList();
        (await api.Put($"/api/cases/{id}/agreement", new
        {
            form = "Oral", facts = "邻里噪音纠纷",
            terms = new[] { new { obligor = parties[1], obligee = parties[0], content = "赔偿 500 元", amount = 500m } },
            mediators = new[] { "王调解" },
        })).ShouldBe(HttpStatusCode.OK);
        foreach (var party in parties)
            (await api.Post($"/api/cases/{id}/agreement/signatures", new { signatory = party, confirmed = true })).ShouldBe(HttpStatusCode.OK);
        return (api, id);
    }

    /// <summary>Reads the stream straight from the database: no HTTP request reaches the case.</summary>
    static async Task<IReadOnlyList<object>> EventsAsync(IAlbaHost host, Guid id)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(id, token: TestContext.Current.CancellationToken)).Select(e => e.Data).ToList();
    }

    [Fact]
    public async Task The_warning_and_the_lapse_are_recorded_once_each_without_any_request()
    {
        var database = await postgres.CreateDatabaseAsync(nameof(The_warning_and_the_lapse_are_recorded_once_each_without_any_request));
        await using var host = await StartAsync(database);
        var (_, id) = await EffectiveAsync(host);
        await using (var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var effectiveAt = (await session.LoadAsync<MediationCase>(id, TestContext.Current.CancellationToken))!.Agreement!.EffectiveAt!.Value;
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < until && !(await EventsAsync(host, id)).OfType<ConfirmationWindowLapsed>().Any())
                await Task.Delay(250, TestContext.Current.CancellationToken);
            // Ten polls more: a second warning or lapse, were one to come, would be in by then.
            await Task.Delay(10 * Poll, TestContext.Current.CancellationToken);

            var events = await EventsAsync(host, id);
            var warning = events.OfType<ConfirmationWindowClosing>().ShouldHaveSingleItem();
            var lapse = events.OfType<ConfirmationWindowLapsed>().ShouldHaveSingleItem();
            (warning.EndsAt, warning.OccurredAt).ShouldBe((effectiveAt + Window, effectiveAt + Warning));
            (lapse.EndsAt, lapse.OccurredAt).ShouldBe((effectiveAt + Window, effectiveAt + Window));
            var stream = await session.Events.FetchStreamAsync(id, token: TestContext.Current.CancellationToken);
            stream.TakeLast(2).Select(e => e.UserName).ShouldBe(["system", "system"]);
        }
    }

    [Fact]
    public async Task An_application_made_in_time_leaves_the_window_unwarned()
    {
        var database = await postgres.CreateDatabaseAsync(nameof(An_application_made_in_time_leaves_the_window_unwarned));
        await using var host = await StartAsync(database);
        var (api, id) = await EffectiveAsync(host);
        (await api.Post($"/api/cases/{id}/confirmation", new { @event = "Applied", court = "某区人民法院" })).ShouldBe(HttpStatusCode.OK);

        await Task.Delay(Window + 10 * Poll, TestContext.Current.CancellationToken);
        var events = await EventsAsync(host, id);
        events.OfType<ConfirmationApplied>().ShouldHaveSingleItem();
        events.OfType<ConfirmationWindowClosing>().ShouldBeEmpty();
        events.OfType<ConfirmationWindowLapsed>().ShouldBeEmpty();
    }
}
