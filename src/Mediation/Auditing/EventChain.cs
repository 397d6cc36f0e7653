using JasperFx.CommandLine;
using Marten;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Spectre.Console;
using Wolverine.Http;

namespace Mediation.Auditing;

/// <summary>The first link of a case's hash chain that does not hold, if any.</summary>
public sealed record ChainCheck(Guid CaseId, long Events, bool Intact, long? FirstBrokenVersion, string? Problem);

/// <summary>
/// Tamper evidence: every event row gets, as it is inserted, a SHA-256 over the previous event's
/// hash and its own version, type, data, recording time and recorder, kept in
/// <c>mt_event_chain</c>. The hash is computed by PostgreSQL from the stored row itself, so the
/// check compares like with like whatever wrote the row. An edit of an event by SQL breaks its link;
/// rewriting the stored hash too breaks the next one; only rewriting the rest of the chain hides it,
/// which is why the chain's head can be copied elsewhere (see docs/security.md).
/// </summary>
public sealed class EventChain(IDocumentStore store)
{
    string Schema => store.Options.DatabaseSchemaName;

    public string Ddl => $"""
        -- PL/pgSQL, not SQL, for the same expression: a SQL function called from the trigger is not
        -- inlined and is planned again on every call (0.11 ms of every append under load); PL/pgSQL
        -- keeps its plan. The formula must never change: existing links are checked against it.
        create or replace function {Schema}.mt_event_hash(previous text, version bigint, type text, data jsonb, recorded timestamptz, user_name text)
          returns text language plpgsql immutable as $$
          begin
            return encode(sha256(convert_to(
              coalesce(previous, '') || '|' || version || '|' || type || '|' || data::text || '|' ||
              extract(epoch from recorded)::text || '|' || coalesce(user_name, ''), 'UTF8')), 'hex');
          end
        $$;

        do $$
        begin
          if not exists (select 1 from information_schema.tables where table_schema = '{Schema}' and table_name = 'mt_event_chain') then
            create table {Schema}.mt_event_chain (stream_id uuid not null, version bigint not null, hash text not null, primary key (stream_id, version));
            -- Events recorded before the chain existed are chained once, in order.
            declare r record; previous text; current_stream uuid;
            begin
              for r in select stream_id, version, type, data, timestamp, user_name from {Schema}.mt_events order by stream_id, version loop
                if current_stream is distinct from r.stream_id then previous := null; current_stream := r.stream_id; end if;
                previous := {Schema}.mt_event_hash(previous, r.version, r.type, r.data, r.timestamp, r.user_name);
                insert into {Schema}.mt_event_chain values (r.stream_id, r.version, previous);
              end loop;
            end;
          end if;
        end $$;

        create or replace function {Schema}.mt_chain_event() returns trigger language plpgsql as $$
        declare previous text;
        begin
          select hash into previous from {Schema}.mt_event_chain where stream_id = new.stream_id and version = new.version - 1;
          insert into {Schema}.mt_event_chain (stream_id, version, hash)
            values (new.stream_id, new.version, {Schema}.mt_event_hash(previous, new.version, new.type, new.data, new.timestamp, new.user_name));
          return null;
        end $$;

        drop trigger if exists mt_chain_event on {Schema}.mt_events;
        create trigger mt_chain_event after insert on {Schema}.mt_events for each row execute function {Schema}.mt_chain_event();
        """;

    /// <summary>Marks the installed chain; change it whenever <see cref="Ddl"/> changes.</summary>
    const string Version = "event chain v2";

    /// <summary>
    /// Installs the chain unless this version of it is in place already: replacing the trigger locks
    /// mt_events against every writer, which a start must not do to a running system.
    /// </summary>
    public async Task EnsureAsync(CancellationToken cancellation)
    {
        await store.Storage.Database.EnsureStorageExistsAsync(typeof(JasperFx.Events.IEvent), cancellation);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using (var installed = new NpgsqlCommand(
                         $"select obj_description(to_regprocedure('{Schema}.mt_chain_event()'), 'pg_proc') = @version and exists " +
                         $"(select 1 from pg_trigger where tgname = 'mt_chain_event' and tgrelid = to_regclass('{Schema}.mt_events'))", connection))
        {
            installed.Parameters.AddWithValue("version", Version);
            if (await installed.ExecuteScalarAsync(cancellation) is true) return;
        }
        await using var command = new NpgsqlCommand($"{Ddl}\ncomment on function {Schema}.mt_chain_event() is '{Version}';", connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>
    /// Each link recomputed from the stored event and the stored hash before it; a missing event or a
    /// missing link is broken too. Null <paramref name="caseId"/>: every case.
    /// </summary>
    public async Task<IReadOnlyList<ChainCheck>> VerifyAsync(Guid? caseId, CancellationToken cancellation)
    {
        var filter = caseId is null ? "" : "where stream_id = @case";
        var sql = $"""
            with e as (select stream_id, version, type, data, timestamp, user_name from {Schema}.mt_events {filter}),
            c as (select stream_id, version, hash from {Schema}.mt_event_chain {filter}),
            links as (
              select coalesce(e.stream_id, c.stream_id) as stream_id, coalesce(e.version, c.version) as version,
                e.stream_id is null as event_missing, c.stream_id is null as link_missing,
                c.hash as stored,
                {Schema}.mt_event_hash(lag(c.hash) over w, e.version, e.type, e.data, e.timestamp, e.user_name) as expected,
                coalesce(e.version, c.version) - coalesce(lag(coalesce(e.version, c.version)) over w, 0) as step
              from e full join c on c.stream_id = e.stream_id and c.version = e.version
              window w as (partition by coalesce(e.stream_id, c.stream_id) order by coalesce(e.version, c.version))
            )
            select stream_id, count(*),
              min(version) filter (where event_missing or link_missing or stored is distinct from expected or step <> 1),
              (array_agg(case when event_missing then 'the event is missing' when link_missing then 'the event has no link'
                              when step <> 1 then 'a version is missing before it' else 'the event or its link was changed' end order by version)
                filter (where event_missing or link_missing or stored is distinct from expected or step <> 1))[1]
            from links group by stream_id order by stream_id
            """;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        if (caseId is { } id) command.Parameters.AddWithValue("case", id);
        var checks = new List<ChainCheck>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var broken = reader.IsDBNull(2) ? (long?)null : reader.GetInt64(2);
            checks.Add(new ChainCheck(reader.GetGuid(0), reader.GetInt64(1), broken is null, broken, reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
        return checks;
    }
}

/// <summary>Installs the chain at start, after Marten has created the event tables.</summary>
public sealed class EventChainStartup(EventChain chain) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => chain.EnsureAsync(cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class VerifyEndpoint
{
    /// <summary>Whether the case's events are as they were recorded, and if not, the first broken link.</summary>
    [WolverineGet("/api/cases/{id}/verify", OperationId = "VerifyCase")]
    [ProducesResponseType<ChainCheck>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(Guid id, HttpContext http, IQuerySession session, OrgDirectory directory, EventChain chain, CancellationToken cancellation)
    {
        var state = await session.LoadAsync<Cases.MediationCase>(id, cancellation);
        if (state is null || !CurrentUser.From(http).Sees(await directory.CurrentAsync(cancellation), state))
            return Problems.NotFound($"There is no case {id}.").ToResult();
        var checks = await chain.VerifyAsync(id, cancellation);
        return Results.Ok(checks.SingleOrDefault() ?? new ChainCheck(id, 0, false, 1, "the case has no events"));
    }
}

public sealed class AuditInput : NetCoreInput
{
    [Description("verify: check the hash chain of every case's events")]
    public string Action { get; set; } = "verify";

    [Description("Only this case (its id)")]
    public string? CaseFlag { get; set; }
}

[Description("Audit tools: verify the hash chain of the events (first broken link per case)")]
public sealed class AuditCommand : JasperFxAsyncCommand<AuditInput>
{
    public AuditCommand()
    {
        Usage("Verify every case").Arguments(x => x.Action);
    }

    public override async Task<bool> Execute(AuditInput input)
    {
        if (input.Action != "verify")
        {
            AnsiConsole.MarkupLine("[red]the action is verify[/]");
            return false;
        }
        Guid? caseId = null;
        if (input.CaseFlag is not null)
        {
            if (!Guid.TryParse(input.CaseFlag, out var parsed))
            {
                AnsiConsole.MarkupLine("[red]--case must be a case id[/]");
                return false;
            }
            caseId = parsed;
        }
        using var host = input.BuildHost();
        var chain = host.Services.GetRequiredService<EventChain>();
        await chain.EnsureAsync(CancellationToken.None);
        var checks = await chain.VerifyAsync(caseId, CancellationToken.None);
        var broken = checks.Where(c => !c.Intact).ToList();
        foreach (var check in broken)
            AnsiConsole.MarkupLine($"[red]case {check.CaseId}: broken at version {check.FirstBrokenVersion}: {Markup.Escape(check.Problem ?? "")}[/]");
        AnsiConsole.MarkupLine(broken.Count == 0
            ? $"[green]{checks.Count} cases, {checks.Sum(c => c.Events)} events: every chain holds[/]"
            : $"[red]{broken.Count} of {checks.Count} cases have a broken chain[/]");
        return broken.Count == 0;
    }
}
