using Mediation.Hosting;
using Npgsql;

namespace Mediation.Tests.Hosting;

/// <summary>Which database errors are a lost database (503, retry) and which are a statement's own failure.</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class DatabaseLossKindsTests
{
    static PostgresException Error(string sqlState) => new("message", "ERROR", "ERROR", sqlState);

    [Theory]
    [InlineData("08006")]
    [InlineData("57P01")]
    [InlineData("26000")]
    public void The_session_ended_or_lost_is_a_lost_database(string sqlState) =>
        DatabaseUnavailable.TroubleOf(new InvalidOperationException("wrapped", Error(sqlState))).ShouldBe(DatabaseUnavailable.Trouble.Lost);

    [Fact]
    public void A_connection_that_fails_is_a_lost_database() =>
        DatabaseUnavailable.TroubleOf(new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111)))
            .ShouldBe(DatabaseUnavailable.Trouble.Lost);

    [Fact]
    public void No_connection_slot_left_on_the_server_is_busy() =>
        DatabaseUnavailable.TroubleOf(new InvalidOperationException("wrapped", Error("53300"))).ShouldBe(DatabaseUnavailable.Trouble.Busy);

    [Fact]
    public void An_exhausted_pool_is_busy_not_a_lost_database() =>
        DatabaseUnavailable.TroubleOf(new AggregateException(new NpgsqlException(
                "The connection pool has been exhausted, either raise 'Max Pool Size' (currently 40) or 'Timeout' (currently 15 seconds) in your connection string.",
                new TimeoutException())))
            .ShouldBe(DatabaseUnavailable.Trouble.Busy);

    [Theory]
    [InlineData("23505")]
    [InlineData("40001")]
    [InlineData("42501")]
    public void A_statement_the_server_ran_and_refused_is_not(string sqlState) =>
        DatabaseUnavailable.TroubleOf(Error(sqlState)).ShouldBe(DatabaseUnavailable.Trouble.None);
}
