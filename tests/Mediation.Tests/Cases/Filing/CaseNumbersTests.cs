using Mediation.Cases;
using Mediation.Cases.Filing;
using Mediation.Organisation;
using Mediation.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Mediation.Tests.Cases.Filing;

/// <summary>
/// Case numbers straight from their allocator: each county's year counts on its own, never twice; a city's
/// counties carry their code; after an upgrade a sole county goes on from the year's old count or sequence.
/// </summary>
public class CaseNumbersTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    CaseNumbers Allocator => service.Host.Services.GetRequiredService<CaseNumbers>();

    static OrgNode Node(string code, Level level, string? parent, string path) => new() { Id = code, Name = code, Level = level, ParentCode = parent, Path = path };

    /// <summary>A service of one county, 县 K0 with a grid.</summary>
    static readonly OrgTree OneCounty = new([Node("K0", Level.County, null, "/K0/"), Node("K0G", Level.Grid, "K0", "/K0/K0G/")]);

    /// <summary>A city of two counties.</summary>
    static readonly OrgTree City = new([
        Node("M", Level.City, null, "/M/"), Node("KA", Level.County, "M", "/M/KA/"), Node("KAG", Level.Grid, "KA", "/M/KA/KAG/"),
        Node("KB", Level.County, "M", "/M/KB/"),
    ]);

    /// <summary>The next number of the sole county K0.</summary>
    Task<string> NextAsync(DateTimeOffset receivedAt) => Allocator.NextAsync(OneCounty, OneCounty.Find("K0G")!, receivedAt, TestContext.Current.CancellationToken);

    static DateTimeOffset In(int year) => new(year, 6, 1, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_year_counts_from_one_and_on_its_own()
    {
        (await NextAsync(In(2011))).ShouldBe("2011-000001");
        (await NextAsync(In(2011))).ShouldBe("2011-000002");
        (await NextAsync(In(2012))).ShouldBe("2012-000001");
        // The year of receipt is China Standard Time's: 16:30 UTC on 31 December is already the next year.
        (await NextAsync(new DateTimeOffset(2012, 12, 31, 16, 30, 0, TimeSpan.Zero))).ShouldBe("2013-000001");
    }

    [Fact]
    public async Task A_year_an_earlier_version_counted_in_its_sequence_continues_after_its_last_number()
    {
        await ExecuteAsync("create sequence mediation.case_number_2014 minvalue 1 start 1; select setval('mediation.case_number_2014', 41);" +
                           "create sequence mediation.case_number_2015 minvalue 1 start 1;");
        (await NextAsync(In(2014))).ShouldBe("2014-000042");
        (await NextAsync(In(2014))).ShouldBe("2014-000043");
        // A sequence that never handed out a number.
        (await NextAsync(In(2015))).ShouldBe("2015-000001");
    }

    [Fact]
    public async Task Concurrent_allocations_get_distinct_numbers_without_gaps()
    {
        var numbers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => NextAsync(In(2016)))));
        numbers.Order().ShouldBe(Enumerable.Range(1, 40).Select(n => $"2016-{n:D6}"));
    }

    [Fact]
    public async Task A_year_counted_before_counties_numbered_their_own_continues_for_the_sole_county()
    {
        await ExecuteAsync($"insert into mediation.{CaseNumbers.YearTableName} (year, last_number) values (2017, 316)");
        (await NextAsync(In(2017))).ShouldBe("2017-000317");
        (await NextAsync(In(2017))).ShouldBe("2017-000318");
    }

    [Fact]
    public async Task The_counties_of_a_city_count_each_their_own_and_carry_their_code()
    {
        await ExecuteAsync($"insert into mediation.{CaseNumbers.YearTableName} (year, last_number) values (2018, 500)");
        Task<string> Next(string node) => Allocator.NextAsync(City, City.Find(node)!, In(2018), TestContext.Current.CancellationToken);
        (await Next("KAG")).ShouldBe("KA-2018-000001");
        (await Next("KA")).ShouldBe("KA-2018-000002");
        (await Next("KB")).ShouldBe("KB-2018-000001");
        (await Next("KAG")).ShouldBe("KA-2018-000003");
        await Should.ThrowAsync<InvalidOperationException>(() => Next("M"));
    }

    async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
