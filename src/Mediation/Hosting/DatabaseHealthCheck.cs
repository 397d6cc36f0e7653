using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mediation.Hosting;

public sealed class DatabaseHealthCheck(IDocumentStore store) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var session = store.QuerySession();
            await session.QueryAsync<int>("select 1", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The database does not answer", e);
        }
    }
}
