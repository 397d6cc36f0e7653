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
/// A database an earlier version left, with its SHA-256 chain kept by a trigger: the service does not
/// start on it, and only the operator's upgrade command takes it over, after checking it.
/// </summary>
public class LegacyChainTests(PostgresForTests postgres)
{
    static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The chain as the earlier version installed it (its trigger, function and table, existing events chained once).</summary>
    const string EarlierVersionsChain = """
        create or replace function mediation.mt_event_hash(previous text, version bigint, type text, data jsonb, recorded timestamptz, user_name text)
          returns text language plpgsql immutable as $$
          begin
            return encode(sha256(convert_to(
              coalesce(previous, '') || '|' || version || '|' || type || '|' || data::text || '|' ||
              extract(epoch from recorded)::text || '|' || coalesce(user_name, ''), 'UTF8')), 'hex');
          end
        $$;

        do $$
        begin
          if not exists (select 1 from information_schema.tables where table_schema = 'mediation' and table_name = 'mt_event_chain') then
            create table mediation.mt_event_chain (stream_id uuid not null, version bigint not null, hash text not null, primary key (stream_id, version));
            -- Events recorded before the chain existed are chained once, in order.
            declare r record; previous text; current_stream uuid;
            begin
              for r in select stream_id, version, type, data, timestamp, user_name from mediation.mt_events order by stream_id, version loop
                if current_stream is distinct from r.stream_id then previous := null; current_stream := r.stream_id; end if;
                previous := mediation.mt_event_hash(previous, r.version, r.type, r.data, r.timestamp, r.user_name);
                insert into mediation.mt_event_chain values (r.stream_id, r.version, previous);
              end loop;
            end;
          end if;
        end $$;

        create or replace function mediation.mt_chain_event() returns trigger language plpgsql as $$
        declare previous text;
        begin
          select hash into previous from mediation.mt_event_chain where stream_id = new.stream_id and version = new.version - 1;
          insert into mediation.mt_event_chain (stream_id, version, hash)
            values (new.stream_id, new.version, mediation.mt_event_hash(previous, new.version, new.type, new.data, new.timestamp, new.user_name));
          return null;
        end $$;

        drop trigger if exists mt_chain_event on mediation.mt_events;
        create trigger mt_chain_event after insert on mediation.mt_events for each row execute function mediation.mt_chain_event();
        """;

    static async Task<object?> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Cancellation);
    }

    static async Task<string> UpgradeAsync(string database, int expectedExit)
    {
        await using var upgrade = ServiceProcess.Start(new Dictionary<string, string?> { ["ConnectionStrings__Marten"] = database }, "audit", "upgrade-chain");
        (await upgrade.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(expectedExit, upgrade.Output);
        // As one line: the console wraps long lines at its width.
        return System.Text.RegularExpressions.Regex.Replace(upgrade.Output, @"\s+", " ");
    }

    [Fact]
    public async Task The_earlier_SHA256_chain_stops_the_start_and_is_taken_over_only_by_the_upgrade_command_after_it_holds()
    {
        var database = await postgres.CreateDatabaseAsync("legacychain");
        var cases = new List<Guid>();
        await using (var earlier = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers()))
        {
            var api = await TestUsers.SignedInAsync(earlier);
            foreach (var (code, name, level, parent) in CaseFixture.Tree)
                (await api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).ShouldBe(HttpStatusCode.Created);
            for (var i = 0; i < 2; i++)
            {
                var id = (await api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created).Id;
                (await api.Post($"/api/cases/{id}/assign", new { gridCode = "S1C1G2", assignee = "网格员丙" })).ShouldBe(HttpStatusCode.OK);
                (await api.Post($"/api/cases/{id}/resolve", new { outcome = "Withdrawn", note = "撤回" })).ShouldBe(HttpStatusCode.OK);
                cases.Add(id);
            }
            await earlier.StopAsync(Cancellation);
        }
        // As an earlier version left it: the trigger's chain, and none of the keyed one.
        await ChainTests.SqlAsync(database, "delete from mediation.chain_links; delete from mediation.chain_heads");
        await ChainTests.SqlAsync(database, EarlierVersionsChain);

        var refused = await Should.ThrowAsync<Exception>(() => AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers()));
        refused.ToString().ShouldContain("audit upgrade-chain");

        // An event changed under the old chain: the upgrade says so and changes nothing.
        await ChainTests.SqlAsync(database, "update mediation.mt_events set data = jsonb_set(data, '{assignee}', '\"别人\"') where stream_id = $1 and version = 2", cases[0]);
        var broken = await UpgradeAsync(database, expectedExit: 1);
        broken.ShouldContain($"case {cases[0]}: the old chain does not hold at version 2");
        broken.ShouldNotContain($"case {cases[1]}");
        (await ScalarAsync(database, "select count(*) from pg_trigger where tgname = 'mt_chain_event'")).ShouldBe(1L);
        (await ScalarAsync(database, "select count(*) from mediation.chain_links")).ShouldBe(0L);

        await ChainTests.SqlAsync(database, "update mediation.mt_events set data = jsonb_set(data, '{assignee}', '\"网格员丙\"') where stream_id = $1 and version = 2", cases[0]);
        var upgraded = await UpgradeAsync(database, expectedExit: 0);
        upgraded.ShouldContain("covers 2 cases and 6 events");
        upgraded.ShouldContain("Fingerprint of its heads");
        (await ScalarAsync(database, "select count(*) from pg_trigger where tgname = 'mt_chain_event'")).ShouldBe(0L);
        (await ScalarAsync(database, "select to_regclass('mediation.mt_event_chain') is null and to_regprocedure('mediation.mt_chain_event()') is null")).ShouldBe(true);

        await using var service = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers());
        var auditor = await TestUsers.SignedInAsync(service);
        foreach (var id in cases)
        {
            var check = (await auditor.Get($"/api/cases/{id}/verify")).ShouldBe(HttpStatusCode.OK).Body;
            check["intact"]!.GetValue<bool>().ShouldBeTrue(check.ToJsonString());
            check["events"]!.GetValue<long>().ShouldBe(3);
        }
        (await auditor.Post($"/api/cases/{cases[1]}/follow-up", new { satisfaction = "Satisfied", note = "回访" })).ShouldBe(HttpStatusCode.OK);
        (await auditor.Get($"/api/cases/{cases[1]}/verify")).Body["intact"]!.GetValue<bool>().ShouldBeTrue();
    }
}
