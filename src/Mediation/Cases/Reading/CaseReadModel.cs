using JasperFx.Events.Projections;
using Marten;

namespace Mediation.Cases.Reading;

/// <summary>
/// The case itself is the read model of the case screens and lists: <see cref="MediationCase"/> is
/// kept as an inline snapshot, updated in the transaction that appends its events, with the fields the
/// list filters on duplicated into indexed columns (no scan of events or of JSON).
/// </summary>
public static class CaseReadModel
{
    public static void Configure(StoreOptions options)
    {
        options.Projections.Snapshot<MediationCase>(SnapshotLifecycle.Inline);
        options.Schema.For<MediationCase>()
            .UniqueIndex(x => x.CaseNumber)
            .Duplicate(x => x.Status)
            .Duplicate(x => x.Level)
            .Duplicate(x => x.Kind)
            .Duplicate(x => x.Category)
            .Duplicate(x => x.NodeCode)
            .Duplicate(x => x.HandlingNodeCode)
            .Duplicate(x => x.Assignee!)
            .Duplicate(x => x.ReceivedAt)
            .Duplicate(x => x.DueAt);
    }
}
