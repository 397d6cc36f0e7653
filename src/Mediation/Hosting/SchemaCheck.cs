using Marten;
using Weasel.Core.Migrations;

namespace Mediation.Hosting;

/// <summary>
/// With automatic schema creation off (<see cref="DatabaseOptions"/>), before any other start-up work: the
/// schema must be what this version needs, or the service does not start, saying what differs and how to
/// apply it. Wolverine checks its message tables the same way when it starts.
/// </summary>
public sealed class SchemaCheck(IDocumentStore store) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync(cancellationToken);
        }
        catch (DatabaseValidationException e)
        {
            throw new InvalidOperationException(
                $"The database's schema is not the one this version needs, and {DatabaseOptions.Section}:AutoCreate is None, so the service " +
                "does not change it: as the schema's owner, review `db-patch FILE --database marten://store/` and run `db-apply` " +
                $"(README, Upgrading). {e.Message}", e);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
