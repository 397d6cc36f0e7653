using System.Diagnostics;
using System.Net;
using Marten;
using Mediation.Auditing.Chain;
using Mediation.Cases;
using Mediation.Organisation;
using Mediation.Tests.Cases;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Mediation.Tests.Auditing;

/// <summary>
/// An append that fails (here: a later statement of its transaction fails) leaves Marten's tombstone events in a
/// stream of their own. That stream is not a case: the check of every case passes over it.
/// </summary>
public class TombstoneTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_tombstones_of_a_failed_append_are_not_a_broken_case()
    {
        var id = (await service.Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
        // The events go in, then a later statement of the same transaction fails: the transaction rolls back.
        await using (var session = service.Store.LightweightSession())
        {
            var stream = await session.Events.FetchForWriting<MediationCase>(id, Cancellation);
            stream.AppendOne(new SupervisionOrderIssued(SupervisionKind.Reminder, "督办", DateTimeOffset.UtcNow));
            session.Insert((await session.LoadAsync<OrgNode>("S1", Cancellation))!);
            await Should.ThrowAsync<Exception>(() => session.SaveChangesAsync(Cancellation));
        }
        (await TombstonesAsync()).ShouldBeGreaterThan(0, "Marten wrote no tombstone for the failed append");

        var checks = await service.Host.Services.GetRequiredService<ChainVerifier>().VerifyAllAsync(Cancellation);
        checks.Where(c => !c.Intact).Select(c => $"{c.CaseId}: {string.Join(", ", c.Problems.Select(p => p.Kind))}").ShouldBeEmpty();
        checks.ShouldContain(c => c.CaseId == id);
    }

    /// <summary>Marten writes them after the failed transaction, on its own: waits for them a while.</summary>
    async Task<long> TombstonesAsync()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            await using var connection = new NpgsqlConnection(service.ConnectionString);
            await connection.OpenAsync(Cancellation);
            await using var count = new NpgsqlCommand("select count(*) from mediation.mt_events where type = 'tombstone'", connection);
            var tombstones = (long)(await count.ExecuteScalarAsync(Cancellation))!;
            if (tombstones > 0 || watch.Elapsed > TimeSpan.FromSeconds(10)) return tombstones;
            await Task.Delay(100, Cancellation);
        }
    }
}
