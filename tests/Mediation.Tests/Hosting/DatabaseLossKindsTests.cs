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
    [InlineData("53300")]
    [InlineData("26000")]
    public void The_session_ended_or_lost_is_a_lost_database(string sqlState) =>
        DatabaseUnavailable.IsLost(new InvalidOperationException("wrapped", Error(sqlState))).ShouldBeTrue();

    [Theory]
    [InlineData("23505")]
    [InlineData("40001")]
    [InlineData("42501")]
    public void A_statement_the_server_ran_and_refused_is_not(string sqlState) =>
        DatabaseUnavailable.IsLost(Error(sqlState)).ShouldBeFalse();
}
