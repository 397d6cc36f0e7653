using System.Net;
using Marten.Events;
using Mediation.Security;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Mediation.Tests.Security;

namespace Mediation.Tests.Organisation;

/// <summary>
/// A city of two counties, 甲县 (KA) and 乙县 (KB), each with a street, a community and a grid; users of
/// each county and of the city; and cases in both: in KA one overdue at the community and one at the grid,
/// in KB one overdue at the community.
/// </summary>
public sealed class CityFixture(PostgresForTests postgres) : ServiceFixture(postgres)
{
    public static readonly (string code, string name, string level, string? parent)[] Tree =
    [
        ("CITY", "测试市", "City", null),
        ("KA", "甲县", "County", "CITY"),
        ("KA1", "甲县城关街道", "Street", "KA"),
        ("KA1C", "甲县东门社区", "Community", "KA1"),
        ("KA1CG", "甲县东门网格", "Grid", "KA1C"),
        ("KB", "乙县", "County", "CITY"),
        ("KB1", "乙县河西镇", "Street", "KB"),
        ("KB1C", "乙县河西村", "Community", "KB1"),
        ("KB1CG", "乙县河西网格", "Grid", "KB1C"),
    ];

    public Api Api { get; private set; } = null!;
    public Dictionary<string, Api> Users { get; } = new();
    public (Guid Id, string Number) OverdueInA { get; private set; }
    public (Guid Id, string Number) AtTheGridInA { get; private set; }
    public (Guid Id, string Number) OverdueInB { get; private set; }

    /// <summary>A period that holds every case of the fixture.</summary>
    public static string Period
    {
        get
        {
            var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
            return $"from={today.AddDays(-60):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}";
        }
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Api = await TestUsers.SignedInAsync(Host);
        foreach (var (code, name, level, parent) in Tree)
            (await Api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).ShouldBe(HttpStatusCode.Created);
        foreach (var (user, role, node) in new[]
                 {
                     ("supervisor-ka", Roles.Supervisor, "KA"), ("supervisor-kb", Roles.Supervisor, "KB"), ("clerk-ka", Roles.Clerk, "KA"),
                     ("supervisor-city", Roles.Supervisor, "CITY"), ("auditor-city", Roles.Auditor, "CITY"), ("admin-city", Roles.Admin, "CITY"),
                 })
            Users[user] = await TestUsers.SignedInAsync(Host, user, [role], node);

        var fortyDaysAgo = DateTimeOffset.UtcNow.AddDays(-40);
        OverdueInA = await FileAsync(Requests.Late(Requests.Dispute("KA1C", receivedAt: fortyDaysAgo)));
        AtTheGridInA = await FileAsync(Requests.Dispute("KA1CG"));
        OverdueInB = await FileAsync(Requests.Late(Requests.Dispute("KB1C", receivedAt: fortyDaysAgo)));
        await Host.ForceAllMartenDaemonActivityToCatchUpAsync(TestContext.Current.CancellationToken);
    }

    async Task<(Guid, string)> FileAsync(object request)
    {
        var filed = (await Api.Post("/api/cases", request)).ShouldBe(HttpStatusCode.Created);
        return (filed.Id, filed.Body["caseNumber"]!.GetValue<string>());
    }
}
