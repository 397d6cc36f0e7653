using System.Net;
using System.Text.Json.Nodes;
using Alba;
using Marten;
using Mediation.Auditing.Chain;
using Mediation.Cases;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Mediation.Tests.Auditing;

/// <summary>
/// Tamper evidence against someone who can write to the database: each way of changing a case with
/// plain SQL, and verify (GET /api/cases/{id}/verify) naming the case and the kind of the change.
/// </summary>
public class ChainTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Filed, assigned, resolved: versions 1 to 3.</summary>
    async Task<Guid> CaseOfThreeEventsAsync(string node = "S1C1")
    {
        var filed = (await service.Api.Post("/api/cases", Requests.Dispute(node))).ShouldBe(HttpStatusCode.Created);
        var grid = node + "G2";
        (await service.Api.Post($"/api/cases/{filed.Id}/assign", new { gridCode = grid, assignee = "网格员丙" })).ShouldBe(HttpStatusCode.OK);
        (await service.Api.Post($"/api/cases/{filed.Id}/resolve", new { outcome = "Withdrawn", note = "撤回" })).ShouldBe(HttpStatusCode.OK);
        return filed.Id;
    }

    /// <summary>Plain SQL, as someone with write access to the database would run it; rows changed.</summary>
    internal static async Task<int> SqlAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        if (parameters.Length == 0)
        {
            await using var script = new NpgsqlCommand(sql, connection);
            return await script.ExecuteNonQueryAsync(Cancellation);
        }
        // Statements with $n parameters go one by one (PostgreSQL prepares one statement at a time).
        var changed = 0;
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var command = new NpgsqlCommand(statement, connection);
            var used = System.Text.RegularExpressions.Regex.Matches(statement, @"\$(\d+)").Select(m => int.Parse(m.Groups[1].Value)).DefaultIfEmpty(0).Max();
            foreach (var parameter in parameters.Take(used)) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
            changed += await command.ExecuteNonQueryAsync(Cancellation);
        }
        return changed;
    }

    Task<int> Sql(string sql, params object[] parameters) => SqlAsync(service.ConnectionString, sql, parameters);

    async Task<JsonNode> VerifyAsync(Guid id) => (await service.Api.Get($"/api/cases/{id}/verify")).ShouldBe(HttpStatusCode.OK).Body;

    internal static List<(string kind, long? version)> Problems(JsonNode check) =>
        check["problems"]!.AsArray().Select(p => (p!["kind"]!.GetValue<string>(), p["version"]?.GetValue<long?>())).ToList();

    [Fact]
    public async Task An_untouched_case_verifies_intact_with_its_events_counted()
    {
        var id = await CaseOfThreeEventsAsync();
        var check = await VerifyAsync(id);
        check["intact"]!.GetValue<bool>().ShouldBeTrue(check.ToJsonString());
        check["events"]!.GetValue<long>().ShouldBe(3);
        check["caseId"]!.GetValue<string>().ShouldBe(id.ToString());
    }

    [Fact]
    public async Task Verify_names_an_event_whose_data_was_changed_by_SQL()
    {
        var id = await CaseOfThreeEventsAsync();
        var other = await CaseOfThreeEventsAsync();
        (await Sql("update mediation.mt_events set data = jsonb_set(data, '{assignee}', '\"别人\"') where stream_id = $1 and version = 2", id)).ShouldBe(1);

        var check = await VerifyAsync(id);
        check["intact"]!.GetValue<bool>().ShouldBeFalse();
        Problems(check).ShouldContain(("EventChanged", 2L));
        Problems(check).ShouldNotContain(p => p.kind == "EventChanged" && p.version != 2);
        (await VerifyAsync(other))["intact"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Verify_names_an_event_whose_metadata_or_recording_time_was_changed()
    {
        var recorder = await CaseOfThreeEventsAsync();
        var time = await CaseOfThreeEventsAsync();
        var correlation = await CaseOfThreeEventsAsync();
        (await Sql("update mediation.mt_events set user_name = 'someone-else' where stream_id = $1 and version = 2", recorder)).ShouldBe(1);
        (await Sql("update mediation.mt_events set timestamp = timestamp - interval '1 day' where stream_id = $1 and version = 3", time)).ShouldBe(1);
        (await Sql("update mediation.mt_events set correlation_id = 'forged' where stream_id = $1 and version = 1", correlation)).ShouldBe(1);

        Problems(await VerifyAsync(recorder)).ShouldContain(("EventChanged", 2L));
        Problems(await VerifyAsync(time)).ShouldContain(("EventChanged", 3L));
        Problems(await VerifyAsync(correlation)).ShouldContain(("EventChanged", 1L));
    }

    [Fact]
    public async Task Verify_names_an_event_moved_to_another_case_with_its_link()
    {
        var from = await CaseOfThreeEventsAsync();
        var to = await CaseOfThreeEventsAsync();
        (await Sql("update mediation.mt_events set stream_id = $2, version = 4 where stream_id = $1 and version = 2", from, to)).ShouldBe(1);
        (await Sql("update mediation.chain_links set stream_id = $2, version = 4 where stream_id = $1 and version = 2", from, to)).ShouldBe(1);

        Problems(await VerifyAsync(from)).ShouldContain(("EventMissing", 2L));
        // The link names the stream and the version it was made for: moved, it no longer holds.
        Problems(await VerifyAsync(to)).ShouldContain(("EventChanged", 4L));
    }

    [Fact]
    public async Task Verify_names_a_deleted_middle_event()
    {
        var id = await CaseOfThreeEventsAsync();
        (await Sql("delete from mediation.mt_events where stream_id = $1 and version = 2", id)).ShouldBe(1);

        Problems(await VerifyAsync(id)).ShouldContain(("EventMissing", 2L));
    }

    [Fact]
    public async Task Verify_names_a_deleted_tail_even_with_the_stream_version_set_back()
    {
        var id = await CaseOfThreeEventsAsync();
        (await Sql("delete from mediation.mt_events where stream_id = $1 and version = 3", id)).ShouldBe(1);
        (await Sql("delete from mediation.chain_links where stream_id = $1 and version = 3", id)).ShouldBe(1);
        (await Sql("update mediation.mt_streams set version = 2 where id = $1", id)).ShouldBe(1);

        var problems = Problems(await VerifyAsync(id));
        problems.ShouldContain(("TailMissing", 3L));
        // The stored case still shows the resolution the deleted event made.
        problems.ShouldContain(p => p.kind == "SnapshotDiffers");
        problems.ShouldNotContain(p => p.kind == "StreamVersionDiffers");
    }

    [Fact]
    public async Task Verify_names_a_stream_version_that_is_not_the_last_event()
    {
        var id = await CaseOfThreeEventsAsync();
        (await Sql("update mediation.mt_streams set version = 2 where id = $1", id)).ShouldBe(1);

        Problems(await VerifyAsync(id)).ShouldContain(("StreamVersionDiffers", 2L));
    }

    [Fact]
    public async Task Verify_names_a_changed_link()
    {
        var id = await CaseOfThreeEventsAsync();
        (await Sql("update mediation.chain_links set hash = sha256(hash) where stream_id = $1 and version = 2", id)).ShouldBe(1);

        var problems = Problems(await VerifyAsync(id));
        problems.ShouldContain(("LinkChanged", 2L));
        problems.ShouldNotContain(p => p.kind == "EventChanged");
    }

    [Fact]
    public async Task Verify_names_deleted_links()
    {
        var id = await CaseOfThreeEventsAsync();
        (await Sql("delete from mediation.chain_links where stream_id = $1", id)).ShouldBe(3);

        var problems = Problems(await VerifyAsync(id));
        problems.ShouldContain(("LinkMissing", 1L));
        problems.ShouldContain(("LinkMissing", 2L));
        problems.ShouldContain(("LinkMissing", 3L));
    }

    [Fact]
    public async Task Verify_names_a_changed_head_and_the_next_command_leaves_it_evident()
    {
        var id = await CaseOfThreeEventsAsync();
        (await Sql("update mediation.chain_heads set hash = sha256(hash) where stream_id = $1", id)).ShouldBe(1);
        Problems(await VerifyAsync(id)).ShouldContain(("HeadDiffers", 3L));

        // The head moves only from the version it was at; here it was changed, and stays so.
        (await service.Api.Post($"/api/cases/{id}/follow-up", new { satisfaction = "Satisfied", note = "回访" })).ShouldBe(HttpStatusCode.OK);
        var problems = Problems(await VerifyAsync(id));
        problems.ShouldContain(p => p.kind == "HeadDiffers");
        problems.ShouldNotContain(p => p.kind == "EventChanged" || p.kind == "LinkChanged");
    }

    [Fact]
    public async Task Verify_names_a_stored_case_changed_in_its_JSON_or_in_a_column_lists_and_jurisdiction_read()
    {
        var json = await CaseOfThreeEventsAsync();
        var column = await CaseOfThreeEventsAsync();
        (await Sql("update mediation.mt_doc_mediationcase set data = jsonb_set(data, '{status}', '\"Registered\"') where id = $1", json)).ShouldBe(1);
        (await Sql("update mediation.mt_doc_mediationcase set handling_node_code = 'S2C1' where id = $1", column)).ShouldBe(1);

        var byJson = (await VerifyAsync(json))["problems"]!.AsArray().Single(p => p!["kind"]!.GetValue<string>() == "SnapshotDiffers")!;
        byJson["detail"]!.GetValue<string>().ShouldContain("status");
        var byColumn = (await VerifyAsync(column))["problems"]!.AsArray().Single(p => p!["kind"]!.GetValue<string>() == "SnapshotDiffers")!;
        byColumn["detail"]!.GetValue<string>().ShouldContain("column handling_node_code");
    }

    [Fact]
    public async Task Racing_writers_on_one_case_leave_one_link_per_committed_event_and_an_intact_chain()
    {
        var id = (await service.Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
        (await service.Api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G1", assignee = "甲" })).ShouldBe(HttpStatusCode.OK);
        var answers = await Task.WhenAll(Enumerable.Range(1, 12).Select(i =>
            service.Api.Post($"/api/cases/{id}/sessions", new { mode = "Phone", mediators = new[] { $"调解员{i}" }, note = $"第{i}次电话调解" })));
        var committed = answers.Count(a => a.Status == HttpStatusCode.OK);
        committed.ShouldBeGreaterThan(0);

        // A lost race rolls its links back with its events: the retry links the same version afresh.
        var check = await VerifyAsync(id);
        check["intact"]!.GetValue<bool>().ShouldBeTrue(check.ToJsonString());
        check["events"]!.GetValue<long>().ShouldBe(2 + committed);
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync(Cancellation);
        await using var links = new NpgsqlCommand("select count(*) from mediation.chain_links where stream_id = $1", connection) { Parameters = { new() { Value = id } } };
        (await links.ExecuteScalarAsync(Cancellation)).ShouldBe((long)(2 + committed));
    }

    [Fact]
    public async Task Events_appended_without_the_version_they_follow_are_refused_not_chained()
    {
        var id = await CaseOfThreeEventsAsync();
        await using var session = service.Store.LightweightSession();
        session.Events.Append(id, new FollowUpRecorded(Satisfaction.Satisfied, "回访", DateTimeOffset.UtcNow));
        var refused = await Should.ThrowAsync<InvalidOperationException>(() => session.SaveChangesAsync(Cancellation));
        refused.Message.ShouldContain("cannot be chained");

        (await VerifyAsync(id))["events"]!.GetValue<long>().ShouldBe(3);
    }
}

/// <summary>What only a database of its own shows: the chain's tables dropped, a service restarted on it, its chain key rotated.</summary>
public class ChainRestartTests(PostgresForTests postgres)
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dropped_chain_tables_are_recreated_empty_at_start_and_nothing_is_rechained()
    {
        var database = await postgres.CreateDatabaseAsync("chainrestart");
        Guid id;
        await using (var first = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers()))
        {
            var api = await TestUsers.SignedInAsync(first);
            foreach (var (code, name, level, parent) in CaseFixture.Tree)
                (await api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).ShouldBe(HttpStatusCode.Created);
            id = (await api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
            (await api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G2", assignee = "网格员丙" })).ShouldBe(HttpStatusCode.OK);
            await first.StopAsync(Cancellation);
        }
        await ChainTests.SqlAsync(database, "drop table mediation.chain_links; drop table mediation.chain_heads");

        await using var second = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers());
        var again = await TestUsers.SignedInAsync(second);
        var problems = ChainTests.Problems((await again.Get($"/api/cases/{id}/verify")).ShouldBe(HttpStatusCode.OK).Body);
        problems.ShouldContain(("LinkMissing", 1L));
        problems.ShouldContain(("LinkMissing", 2L));
        problems.ShouldContain(("HeadMissing", null));

        // Work goes on; the new event is linked, the old ones stay unlinked and named.
        (await again.Post($"/api/cases/{id}/resolve", new { outcome = "Withdrawn", note = "撤回" })).ShouldBe(HttpStatusCode.OK);
        problems = ChainTests.Problems((await again.Get($"/api/cases/{id}/verify")).ShouldBe(HttpStatusCode.OK).Body);
        problems.ShouldContain(("LinkMissing", 1L));
        problems.ShouldContain(("LinkMissing", 2L));
        problems.ShouldNotContain(("LinkMissing", 3L));
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Cancellation);
        await using var links = new NpgsqlCommand("select count(*) from mediation.chain_links where stream_id = $1", connection) { Parameters = { new() { Value = id } } };
        (await links.ExecuteScalarAsync(Cancellation)).ShouldBe(1L);
    }

    [Fact]
    public async Task Links_made_with_a_chain_key_no_longer_configured_are_named_UnknownKey_while_a_rotation_keeping_it_holds()
    {
        var database = await postgres.CreateDatabaseAsync("chainrotation");
        const string earlierKey = "3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGho=";
        (string, string)[] earlier = [("Mediation:Keys:Chain:Current", "early1"), ("Mediation:Keys:Chain:Keys:early1", earlierKey)];
        Task<IAlbaHost> HostAsync(params (string key, string value)[] settings) => AlbaHost.For<Program>(b =>
        {
            b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers();
            foreach (var (key, value) in settings) b.UseSetting(key, value);
        });

        Guid id;
        await using (var before = await HostAsync(earlier))
        {
            var api = await TestUsers.SignedInAsync(before);
            foreach (var (code, name, level, parent) in CaseFixture.Tree)
                (await api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).ShouldBe(HttpStatusCode.Created);
            id = (await api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
        }

        // Rotated: the new key is current, the earlier one still configured; the case continues on the new key.
        await using (var during = await HostAsync(("Mediation:Keys:Chain:Keys:early1", earlierKey)))
        {
            var api = await TestUsers.SignedInAsync(during);
            (await api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G2", assignee = "网格员丙" })).ShouldBe(HttpStatusCode.OK);
            (await api.Get($"/api/cases/{id}/verify")).Body["intact"]!.GetValue<bool>().ShouldBeTrue();
        }

        // The earlier key removed too soon: what it sealed can no longer be checked, and verify says so.
        await using var after = await HostAsync();
        var check = (await (await TestUsers.SignedInAsync(after)).Get($"/api/cases/{id}/verify")).ShouldBe(HttpStatusCode.OK).Body;
        ChainTests.Problems(check).ShouldBe([("UnknownKey", 1L)]);
        check["problems"]![0]!["detail"]!.GetValue<string>().ShouldContain("early1");
    }
}

