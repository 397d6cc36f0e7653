using Alba;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Mediation.Tests.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Mediation.Tests.Hosting;

/// <summary>The real service over HTTP (Alba), on a database of its own.</summary>
public class ServiceFixture(PostgresForTests postgres) : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    protected virtual void Configure(IWebHostBuilder builder) { }

    public virtual async ValueTask InitializeAsync()
    {
        ConnectionString = await postgres.CreateDatabaseAsync(GetType().Name);
        Host = await AlbaHost.For<Program>(builder =>
        {
            builder.UseSetting("ConnectionStrings:Marten", ConnectionString).WithTestUsers();
            Configure(builder);
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is null) return;
        await Host.StopAsync();
        await Host.DisposeAsync();
    }
}
