using Mediation.Cases;
using Mediation.Organisation;

namespace Mediation.Seeding;

/// <summary>
/// A realistic county for demonstrations and benchmarks: 8 streets and townships, 5 communities or
/// villages each, 5 grids each (1 + 8 + 40 + 200 nodes). Codes follow the administrative pattern
/// county 330122, township 330122001, community 330122001001, grid 330122001001-01.
/// </summary>
public static class DemoCounty
{
    public const string CountyCode = "330122";

    static readonly (string name, bool urban)[] Streets =
    [
        ("城关街道", true), ("东城街道", true), ("西湖街道", true), ("南山镇", false),
        ("北塘镇", false), ("青石镇", false), ("白沙乡", false), ("桃源乡", false),
    ];

    static readonly string[] Places =
    [
        "幸福", "和平", "光明", "新华", "建设", "人民", "东风", "红旗", "团结", "胜利", "文化", "花园", "长安", "永安",
        "康乐", "平安", "富民", "兴隆", "丰收", "龙泉", "凤凰", "金山", "银湖", "翠竹", "松林", "柳岸", "梅园", "桂花",
        "荷塘", "清泉", "石桥", "杨家", "李家", "王家", "张家", "陈家", "刘家", "赵家", "周家", "吴家",
    ];

    static readonly string[] Ordinals = ["一", "二", "三", "四", "五"];

    /// <summary>The nodes, parents before children.</summary>
    public static IReadOnlyList<(string code, PutNode node)> Nodes()
    {
        var nodes = new List<(string, PutNode)> { (CountyCode, new PutNode("示范县", Level.County, null)) };
        for (var s = 0; s < Streets.Length; s++)
        {
            var street = $"{CountyCode}{s + 1:D3}";
            nodes.Add((street, new PutNode(Streets[s].name, Level.Street, CountyCode)));
            for (var c = 0; c < 5; c++)
            {
                var community = $"{street}{c + 1:D3}";
                var place = Places[s * 5 + c];
                nodes.Add((community, new PutNode(place + (Streets[s].urban ? "社区" : "村"), Level.Community, street)));
                for (var g = 0; g < 5; g++)
                    nodes.Add(($"{community}-{g + 1:D2}", new PutNode($"{place}第{Ordinals[g]}网格", Level.Grid, community)));
            }
        }
        return nodes;
    }
}
