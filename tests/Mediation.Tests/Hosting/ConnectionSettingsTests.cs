using Mediation.Hosting;
using Npgsql;

namespace Mediation.Tests.Hosting;

/// <summary>The connection settings the service adds, and that a connection string's own win.</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class ConnectionSettingsTests
{
    [Fact]
    public void The_pool_is_bounded_below_the_servers_connection_slots() =>
        new NpgsqlConnectionStringBuilder(DatabaseServer.Tuned("Host=db;Database=mediation")).MaxPoolSize.ShouldBe(DatabaseServer.MaxPoolSize);

    [Theory]
    [InlineData("Host=db;Maximum Pool Size=120")]
    [InlineData("Host=db;MaxPoolSize=120")]
    public void A_pool_size_given_in_the_connection_string_wins(string connectionString) =>
        new NpgsqlConnectionStringBuilder(DatabaseServer.Tuned(connectionString)).MaxPoolSize.ShouldBe(120);
}
