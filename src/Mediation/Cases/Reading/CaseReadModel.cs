using System.Linq.Expressions;
using System.Text.Json;
using JasperFx.Events.Projections;
using Marten;
using Marten.Schema;
using Weasel.Postgresql.Tables;

namespace Mediation.Cases.Reading;

/// <summary>
/// The case itself is the read model of the case screens and lists: <see cref="MediationCase"/> is
/// kept as an inline snapshot, updated in the transaction that appends its events, with the fields the
/// list filters on duplicated into indexed columns (no scan of events or of JSON).
/// </summary>
/// <remarks>
/// Many commands change none of those columns (a session, a follow-up, a note), so their update can stay on the
/// row's page without writing to any index (PostgreSQL's heap-only update), as long as no index reads the JSON,
/// which every command changes: so the case number's unique index is on a column of its own too. The table keeps
/// PostgreSQL's default fill factor: a lower one would make room for more such updates, but every scan of the
/// cases (lists, exports) would read that many more pages.
/// </remarks>
public static class CaseReadModel
{
    static readonly Expression<Func<MediationCase, object?>>[] Duplicated =
    [
        x => x.Status, x => x.Level, x => x.Kind, x => x.Category, x => x.NodeCode, x => x.HandlingNodeCode, x => x.Assignee!,
        x => x.ReceivedAt, x => x.DueAt, x => x.TermDueAt!, x => x.RiskColour, x => x.LeaderName!,
    ];

    /// <summary>
    /// The departments a case went to, an array the lists match by overlap (<c>&amp;&amp;</c>) with a user's nodes: a GIN
    /// index, which a B-tree on an array cannot serve.
    /// </summary>
    static readonly Expression<Func<MediationCase, object?>> Departments = x => x.Departments!;

    /// <summary>Duplicated with a unique index of its own (Marten adds the column for it).</summary>
    static readonly Expression<Func<MediationCase, object>> Unique = x => x.CaseNumber;

    public static void Configure(StoreOptions options)
    {
        // Marten picks the events a snapshot takes from the aggregate's Apply and Create methods; a correction
        // has none (Evolve folds it in), so it is named here, or the case would not follow its corrections.
        options.Projections.Snapshot<MediationCase>(SnapshotLifecycle.Inline, p => p.IncludeType<ActCorrected>());
        var mapping = options.Schema.For<MediationCase>();
        foreach (var member in Duplicated) mapping.Duplicate(member, partOfPrimaryKey: false);
        mapping.Duplicate(Departments!, configure: index => index.Method = IndexMethod.gin, partOfPrimaryKey: false);
        mapping.UniqueIndex(UniqueIndexType.DuplicatedField, Unique);
    }

    /// <summary>
    /// The duplicated columns by name (Marten names them after the member, in snake case) with the value
    /// each must hold: lists and jurisdiction read these, so verify compares them too.
    /// </summary>
    public static IEnumerable<(string Column, Func<MediationCase, object?> Value)> DuplicatedColumns =>
        Duplicated.Append(Departments).Select(member => (ColumnOf(member), member.Compile()))
            .Append((ColumnOf(Unique), Unique.Compile()));

    static string ColumnOf(LambdaExpression member)
    {
        var body = member.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : member.Body;
        return JsonNamingPolicy.SnakeCaseLower.ConvertName(((MemberExpression)body).Member.Name);
    }
}
