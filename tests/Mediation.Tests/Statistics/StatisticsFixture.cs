using Marten.Events;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;

namespace Mediation.Tests.Statistics;

public class StatisticsFixture(PostgresForTests postgres) : CaseFixture(postgres)
{
    /// <summary>Lets the async daemon apply every event appended so far.</summary>
    public Task CatchUpAsync() => Host.ForceAllMartenDaemonActivityToCatchUpAsync(TestContext.Current.CancellationToken);
}
