using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Mediation.Auditing.Chain;

/// <summary>
/// The chain's tables, created with Marten's own (empty when new: the service never links events it did
/// not append itself, see <see cref="LegacyChain"/> for a database of an earlier version).
/// <list type="bullet">
/// <item><c>chain_links</c>: one per event, its HMAC, the key id and the recording time (the digests are
/// recomputed from these);</item>
/// <item><c>chain_heads</c>: one per case, its last link, moved in the transaction that appends;</item>
/// <item><c>chain_digests</c>: one per day, the digest line of every case's head at the day's end.</item>
/// </list>
/// </summary>
public static class ChainSchema
{
    public const string Links = "chain_links", Heads = "chain_heads", Digests = "chain_digests";

    /// <summary>
    /// Whether the <c>mt_streams</c> row <paramref name="stream"/> (an SQL alias) is one of Marten's tombstone streams:
    /// when an append fails (a version conflict, a lost connection), Marten records placeholder events in a stream of
    /// its own, a new one for each process (at version 0, sometimes with no event at all), so that the projections do
    /// not wait for the sequence numbers the failed transaction had taken. They are not cases and are never chained.
    /// A case's stream is at version 1 or more and holds other events, so marking a case's events as tombstones does
    /// not take it out of the checks, nor does anything hide a case that its chain or its stored case still name.
    /// </summary>
    public static string IsTombstoneStream(string schema, string stream) =>
        $"({stream}.version = 0 and not exists (select 1 from {schema}.mt_events c where c.stream_id = {stream}.id and c.type <> '{TombstoneType}'))";

    public static readonly string TombstoneType = JasperFx.Events.Tombstone.Name;

    public static IEnumerable<ISchemaObject> Objects(string schema)
    {
        var links = new Table(new PostgresqlObjectName(schema, Links, SchemaUtils.IdentifierUsage.General));
        links.AddColumn<Guid>("stream_id").NotNull().AsPrimaryKey();
        links.AddColumn<long>("version").NotNull().AsPrimaryKey();
        links.AddColumn("recorded_at", "timestamptz").NotNull();
        links.AddColumn("key_id", "varchar").NotNull();
        links.AddColumn("hash", "bytea").NotNull();
        yield return links;

        var heads = new Table(new PostgresqlObjectName(schema, Heads, SchemaUtils.IdentifierUsage.General));
        heads.AddColumn<Guid>("stream_id").NotNull().AsPrimaryKey();
        heads.AddColumn<long>("version").NotNull();
        heads.AddColumn("recorded_at", "timestamptz").NotNull();
        heads.AddColumn("key_id", "varchar").NotNull();
        heads.AddColumn("hash", "bytea").NotNull();
        yield return heads;

        var digests = new Table(new PostgresqlObjectName(schema, Digests, SchemaUtils.IdentifierUsage.General));
        digests.AddColumn("day", "date").NotNull().AsPrimaryKey();
        digests.AddColumn<long>("cases").NotNull();
        digests.AddColumn<long>("events").NotNull();
        digests.AddColumn("key_id", "varchar").NotNull();
        digests.AddColumn("hmac", "bytea").NotNull();
        digests.AddColumn("written_at", "timestamptz").NotNull();
        yield return digests;
    }
}
