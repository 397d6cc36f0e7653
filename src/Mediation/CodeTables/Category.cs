using Marten;
using Marten.Schema;
using Wolverine.Http;

namespace Mediation.CodeTables;

/// <summary>
/// A dispute category of the official mediation statistics. A code table, not an enum: offices add
/// and retire categories, and no logic depends on a particular one.
/// </summary>
public sealed record Category(string Id, string NameZh, string NameEn, int SortOrder, bool Active = true)
{
    public static readonly IReadOnlyList<Category> Defaults =
    [
        new("MarriageFamily", "婚姻家庭", "Marriage and family", 1),
        new("Neighbour", "邻里", "Neighbours", 2),
        new("HousingHomestead", "房屋宅基地", "Housing and homestead", 3),
        new("Contract", "合同", "Contract", 4),
        new("Business", "生产经营", "Production and business", 5),
        new("Damages", "损害赔偿", "Damages", 6),
        new("LandForest", "山林土地", "Land and forest", 7),
        new("Requisition", "征地拆迁", "Land requisition and demolition", 8),
        new("Environment", "环境污染", "Environmental pollution", 9),
        new("Labour", "劳动争议", "Labour", 10),
        new("Consumer", "消费", "Consumer", 11),
        new("Medical", "医疗", "Medical", 12),
        new("Traffic", "道路交通事故", "Road traffic accident", 13),
        new("PropertyManagement", "物业", "Property management", 14),
        new("Other", "其他", "Other", 15),
    ];
}

/// <summary>Adds the default categories an empty database lacks; never overwrites an office's changes.</summary>
public sealed class DefaultCategories : IInitialData
{
    public async Task Populate(IDocumentStore store, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        var existing = (await session.Query<Category>().Select(c => c.Id).ToListAsync(cancellation)).ToHashSet();
        foreach (var category in Category.Defaults.Where(c => !existing.Contains(c.Id))) session.Insert(category);
        await session.SaveChangesAsync(cancellation);
    }
}

public static class CategoryEndpoints
{
    [WolverineGet("/api/categories", OperationId = "ListCategories")]
    public static async Task<IReadOnlyList<Category>> Get(IQuerySession session, CancellationToken cancellation) =>
        await session.Query<Category>().Where(c => c.Active).OrderBy(c => c.SortOrder).ToListAsync(cancellation);
}
