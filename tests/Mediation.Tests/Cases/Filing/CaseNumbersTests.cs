using Mediation.Cases.Filing;
using Mediation.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Mediation.Tests.Cases.Filing;

/// <summary>Case numbers straight from their allocator: each year counts on its own, never twice, and after an upgrade on from the year's old sequence.</summary>
public class CaseNumbersTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    CaseNumbers Numbers => service.Host.Services.GetRequiredService<CaseNumbers>();

    static DateTimeOffset In(int year) => new(year, 6, 1, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_year_counts_from_one_and_on_its_own()
    {
        (await Numbers.NextAsync(In(2011), TestContext.Current.CancellationToken)).ShouldBe("2011-000001");
        (await Numbers.NextAsync(In(2011), TestContext.Current.CancellationToken)).ShouldBe("2011-000002");
        (await Numbers.NextAsync(In(2012), TestContext.Current.CancellationToken)).ShouldBe("2012-000001");
        // The year of receipt is China Standard Time's: 16:30 UTC on 31 December is already the next year.
        (await Numbers.NextAsync(new DateTimeOffset(2012, 12, 31, 16, 30, 0, TimeSpan.Zero), TestContext.Current.CancellationToken)).ShouldBe("2013-000001");
    }

    [Fact]
    public async Task A_year_an_earlier_version_counted_in_its_sequence_continues_after_its_last_number()
    {
        await ExecuteAsync("create sequence mediation.case_number_2014 minvalue 1 start 1; select setval('mediation.case_number_2014', 41);" +
                           "create sequence mediation.case_number_2015 minvalue 1 start 1;");
        (await Numbers.NextAsync(In(2014), TestContext.Current.CancellationToken)).ShouldBe("2014-000042");
        (await Numbers.NextAsync(In(2014), TestContext.Current.CancellationToken)).ShouldBe("2014-000043");
        // A sequence that never handed out a number.
        (await Numbers.NextAsync(In(2015), TestContext.Current.CancellationToken)).ShouldBe("2015-000001");
    }

    [Fact]
    public async Task Concurrent_allocations_get_distinct_numbers_without_gaps()
    {
        var numbers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => Numbers.NextAsync(In(2016), TestContext.Current.CancellationToken))));
        numbers.Order().ShouldBe(Enumerable.Range(1, 40).Select(n => $"2016-{n:D6}"));
    }

    async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
