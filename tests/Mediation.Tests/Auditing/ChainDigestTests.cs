using System.Net;
using Alba;
using Mediation.Auditing.Chain;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Mediation.Tests.Auditing;

/// <summary>
/// What the per-case check cannot see, a digest line kept outside the database does: a case deleted
/// with everything it left, and a case rewritten by someone who holds the chain key.
/// </summary>
public class ChainDigestTests(PostgresForTests postgres)
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    sealed record County(IAlbaHost Host, string Database, Api Api, List<Guid> Cases) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Host.DisposeAsync();
    }

    async Task<County> CountyWithCasesAsync(string name)
    {
        var database = await postgres.CreateDatabaseAsync(name);
        var host = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers());
        var api = await TestUsers.SignedInAsync(host);
        foreach (var (code, nodeName, level, parent) in CaseFixture.Tree)
            (await api.Put($"/api/org/nodes/{code}", new { name = nodeName, level, parentCode = parent })).ShouldBe(HttpStatusCode.Created);
        var cases = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var id = (await api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
            (await api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G2", assignee = "网格员丙" })).ShouldBe(HttpStatusCode.OK);
            cases.Add(id);
        }
        return new County(host, database, api, cases);
    }

    /// <summary>The line of the day the cases were recorded, as the daily schedule writes it once the day has ended.</summary>
    static async Task<ChainDigest> TodaysLineAsync(County county)
    {
        var written = await county.Host.Services.GetRequiredService<ChainDigests>().WriteDueAsync(DateTimeOffset.UtcNow.AddDays(1), Cancellation);
        var line = written.ShouldHaveSingleItem();
        line.Cases.ShouldBe(3);
        line.Events.ShouldBe(6);
        return line;
    }

    [Fact]
    public async Task A_case_deleted_with_everything_it_left_is_caught_against_the_digest_line_kept_outside()
    {
        await using var county = await CountyWithCasesAsync("digestdelete");
        var line = await TodaysLineAsync(county);
        // Listed for auditors, as kept in the database.
        var listed = (await county.Api.Get("/api/audit/chain-digests")).ShouldBe(HttpStatusCode.OK).Body.AsArray();
        listed.Select(d => d!["line"]!.GetValue<string>()).ShouldBe([line.Line]);
        var digests = county.Host.Services.GetRequiredService<ChainDigests>();
        (await digests.CheckAsync([line], Cancellation)).ShouldHaveSingleItem().Holds.ShouldBeTrue();

        var gone = county.Cases[1];
        await ChainTests.SqlAsync(county.Database, """
            delete from mediation.mt_events where stream_id = $1; delete from mediation.mt_streams where id = $1;
            delete from mediation.chain_links where stream_id = $1; delete from mediation.chain_heads where stream_id = $1;
            delete from mediation.mt_doc_mediationcase where id = $1; delete from mediation.mt_doc_party where (data ->> 'caseId')::uuid = $1
            """, gone);
        // Nothing of the case is left for the per-case check to find.
        (await county.Host.Services.GetRequiredService<ChainVerifier>().VerifyAllAsync(Cancellation)).ShouldAllBe(c => c.Intact);

        var file = Path.Combine(Path.GetTempPath(), $"mediation-digests-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, $"# sent to the city on the morning after\n{line.Line}\n", Cancellation);
        try
        {
            await using var audit = ServiceProcess.Start(new Dictionary<string, string?> { ["ConnectionStrings__Marten"] = county.Database },
                "audit", "verify", "--digests", file);
            (await audit.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(1, audit.Output);
            // As one line: the console wraps long lines at its width.
            System.Text.RegularExpressions.Regex.Replace(audit.Output, @"\s+", " ")
                .ShouldContain($"digest {line.Day:yyyy-MM-dd}: CaseMissingAgainstDigest: 1 of the 3 cases");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_case_rewritten_by_someone_holding_the_chain_key_is_caught_against_the_digest_line()
    {
        await using var county = await CountyWithCasesAsync("digestrewrite");
        var line = await TodaysLineAsync(county);

        // The assignee changed in the event and the stored case, and the case's links and head recomputed
        // with the key: the case holds.
        var rewritten = county.Cases[0];
        await ChainTests.SqlAsync(county.Database, """
            update mediation.mt_events set data = jsonb_set(data, '{assignee}', '"别人"') where stream_id = $1 and version = 2;
            update mediation.mt_doc_mediationcase
              set data = jsonb_set(jsonb_set(data, '{assignee}', '"别人"'), '{acts,1,event,assignee}', '"别人"'), assignee = '别人' where id = $1
            """, rewritten);
        await RechainAsync(county.Database, rewritten);
        var verifier = county.Host.Services.GetRequiredService<ChainVerifier>();
        (await verifier.VerifyCaseAsync(rewritten, Cancellation)).Intact.ShouldBeTrue();

        var check = (await county.Host.Services.GetRequiredService<ChainDigests>().CheckAsync([line], Cancellation)).ShouldHaveSingleItem();
        check.Holds.ShouldBeFalse();
        check.Problems.ShouldContain(p => p.Kind == ChainProblemKind.HeadsDifferAgainstDigest);
    }

    /// <summary>What someone holding the chain key could do: every link of the case made again over its events as they are.</summary>
    static async Task RechainAsync(string database, Guid id)
    {
        var key = Convert.FromBase64String(TestKeys.Chain);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Cancellation);
        var events = new List<SealedEvent>();
        await using (var read = new NpgsqlCommand($"select {StoredChain.EventColumns} from mediation.mt_events where stream_id = $1 order by version", connection)
                     { Parameters = { new() { Value = id } } })
        await using (var reader = await read.ExecuteReaderAsync(Cancellation))
            while (await reader.ReadAsync(Cancellation)) events.Add(StoredChain.ReadEvent(reader));
        byte[]? previous = null;
        foreach (var e in events)
        {
            previous = ChainFormula.Link(key, TestKeys.Id, e, previous);
            await using var update = new NpgsqlCommand("update mediation.chain_links set hash = $3 where stream_id = $1 and version = $2", connection)
                { Parameters = { new() { Value = id }, new() { Value = e.Version }, new() { Value = previous } } };
            await update.ExecuteNonQueryAsync(Cancellation);
        }
        await using var head = new NpgsqlCommand("update mediation.chain_heads set hash = $2 where stream_id = $1", connection)
            { Parameters = { new() { Value = id }, new() { Value = previous! } } };
        await head.ExecuteNonQueryAsync(Cancellation);
    }
}
