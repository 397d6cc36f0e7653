using Mediation.Tests.Hosting;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Hosting;

namespace Mediation.Tests.Cases;

/// <summary>
/// The service with a small county: C1 → streets S1, S2 → communities S1C1, S1C2, S2C1 → two grids each.
/// </summary>
public class CaseFixture(PostgresForTests postgres) : ServiceFixture(postgres)
{
    public Api Api { get; private set; } = null!;

    public static readonly (string code, string name, string level, string? parent)[] Tree =
    [
        ("C1", "测试县", "County", null),
        ("S1", "城关街道", "Street", "C1"),
        ("S2", "河西镇", "Street", "C1"),
        ("S1C1", "东门社区", "Community", "S1"),
        ("S1C2", "西门社区", "Community", "S1"),
        ("S2C1", "河西村", "Community", "S2"),
        ("S1C1G1", "东门第一网格", "Grid", "S1C1"),
        ("S1C1G2", "东门第二网格", "Grid", "S1C1"),
        ("S1C2G1", "西门第一网格", "Grid", "S1C2"),
        ("S1C2G2", "西门第二网格", "Grid", "S1C2"),
        ("S2C1G1", "河西第一网格", "Grid", "S2C1"),
        ("S2C1G2", "河西第二网格", "Grid", "S2C1"),
    ];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Api = await TestUsers.SignedInAsync(Host);
        foreach (var (code, name, level, parent) in Tree)
            (await Api.Put($"/api/org/nodes/{code}", new { name, level, parentCode = parent })).ShouldBe(System.Net.HttpStatusCode.Created);
    }
}
