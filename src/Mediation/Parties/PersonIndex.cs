using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Mediation.Security.Keys;
using Npgsql;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Mediation.Parties;

/// <summary>What a party is recognised by when they come again.</summary>
public enum PersonMark { IdNumber, Phone, Address }

/// <summary>
/// The person index: for each party, a keyed hash (HMAC-SHA256) of their ID number, phone and address,
/// never the values, in <c>person_index</c>, so that a clerk sees at intake that the same person or address
/// came before. Written in the filing's transaction and removed with the party's personal data at erasure.
/// The key is derived from the chain ring's keys (HKDF, its own label), so a copy of the database cannot
/// test guesses against the index; each entry names the key it was made with, and a lookup hashes with
/// every key of the ring.
/// </summary>
public sealed class PersonIndex(KeyRings rings, IDocumentStore store)
{
    public const string TableName = "person_index";
    static readonly byte[] Label = "mediation person index"u8.ToArray();

    string Schema => store.Options.DatabaseSchemaName;

    public static ISchemaObject SchemaObject(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn("entry", "text").NotNull().AsPrimaryKey();
        table.AddColumn("party_id", "uuid").NotNull().AsPrimaryKey();
        table.AddColumn("case_id", "uuid").NotNull();
        table.AddColumn("mark", "text").NotNull();
        table.Indexes.Add(new IndexDefinition("ix_person_index_party") { Columns = ["party_id"] });
        table.Indexes.Add(new IndexDefinition("ix_person_index_case") { Columns = ["case_id"] });
        return table;
    }

    /// <summary>The same value however it was typed: Unicode-normalised (full-width to half-width), no spaces, upper case.</summary>
    public static string Normalise(string value)
    {
        var text = value.Normalize(NormalizationForm.FormKC);
        var kept = new StringBuilder(text.Length);
        foreach (var c in text) if (!char.IsWhiteSpace(c) && !char.IsPunctuation(c)) kept.Append(char.ToUpperInvariant(c));
        return kept.ToString();
    }

    readonly ConcurrentDictionary<string, byte[]> _derived = new();

    /// <summary>An entry of a normalised value.</summary>
    string Entry(string keyId, byte[] key, PersonMark mark, string normalised)
    {
        var derived = _derived.GetOrAdd(keyId, _ => HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: Label));
        var hash = HMACSHA256.HashData(derived, Encoding.UTF8.GetBytes($"{mark}:{normalised}"));
        return $"{mark}:{keyId}:{Convert.ToHexStringLower(hash)}";
    }

    /// <summary>The marks given, each normalised; none for a value that normalises to nothing.</summary>
    static IEnumerable<(PersonMark Mark, string Value)> Marks(string? idNumber, string? phone, string? address) =>
        new (PersonMark Mark, string? Value)[] { (PersonMark.IdNumber, idNumber), (PersonMark.Phone, phone), (PersonMark.Address, address) }
            .Select(m => (m.Mark, Value: m.Value is null ? "" : Normalise(m.Value)))
            .Where(m => m.Value.Length > 0);

    /// <summary>The index's entries for a party, under the ring's current key: queued in the session that stores the party.</summary>
    public void Add(IDocumentSession session, Party party)
    {
        var ring = rings[KeyRings.Chain];
        foreach (var (mark, value) in Marks(party.IdNumber, party.Phone, party.Address))
            session.QueueSqlCommand($"insert into {Schema}.{TableName} (entry, party_id, case_id, mark) values (?, ?, ?, ?) on conflict do nothing",
                Entry(ring.CurrentId, ring.Current, mark, value), party.Id, party.CaseId, mark.ToString());
    }

    /// <summary>Removes a party from the index: queued in the session that erases them.</summary>
    public void Remove(IDocumentSession session, Guid partyId) =>
        session.QueueSqlCommand($"delete from {Schema}.{TableName} where party_id = ?", partyId);

    /// <summary>The entries a person with these marks may have been indexed under, with every key of the ring.</summary>
    public IReadOnlyList<string> EntriesOf(string? idNumber, string? phone, string? address)
    {
        var ring = rings[KeyRings.Chain];
        return Marks(idNumber, phone, address)
            .SelectMany(m => ring.Ids.Select(id => Entry(id, ring.Find(id)!, m.Mark, m.Value)))
            .ToList();
    }

    /// <summary>The cases other than <paramref name="except"/> with a party indexed under any of the entries, each with the marks that matched.</summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<PersonMark>>> CasesAsync(IReadOnlyList<string> entries, Guid? except,
        CancellationToken cancellation)
    {
        var found = new Dictionary<Guid, IReadOnlyList<PersonMark>>();
        if (entries.Count == 0) return found;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            $"select case_id, array_agg(distinct mark) from {Schema}.{TableName} where entry = any(@entries) and case_id <> @except group by case_id", connection);
        command.Parameters.AddWithValue("entries", entries.ToArray());
        command.Parameters.AddWithValue("except", except ?? Guid.Empty);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            found[reader.GetGuid(0)] = reader.GetFieldValue<string[]>(1).Select(Enum.Parse<PersonMark>).Order().ToList();
        return found;
    }

    /// <summary>
    /// Makes the index again from the parties not erased, under the ring's current key: for a database whose
    /// parties were filed before the index existed, and before a rotated-out key leaves the ring. In one transaction, so a
    /// lookup meanwhile sees the old index whole.
    /// </summary>
    public async Task<int> ReindexAsync(CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        session.QueueSqlCommand($"delete from {Schema}.{TableName}");
        var parties = 0;
        await foreach (var party in session.Query<Party>().Where(p => p.ErasedAt == null).ToAsyncEnumerable(cancellation))
        {
            Add(session, party);
            parties++;
        }
        await session.SaveChangesAsync(cancellation);
        return parties;
    }

    /// <summary>The entries the parties of a case are indexed under.</summary>
    public async Task<IReadOnlyList<string>> EntriesOfCaseAsync(Guid caseId, CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand($"select entry from {Schema}.{TableName} where case_id = @case", connection);
        command.Parameters.AddWithValue("case", caseId);
        var entries = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation)) entries.Add(reader.GetString(0));
        return entries;
    }
}
