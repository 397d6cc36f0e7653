using Marten;
using Mediation.Idempotency;
using Mediation.Tests.Cases;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace Mediation.Tests.Idempotency;

public class ForgetExpiredKeysTests(CaseFixture service) : IClassFixture<CaseFixture>
{
    [Fact]
    public async Task Answers_are_kept_for_their_retention_and_then_forgotten()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        await using (var session = service.Store.LightweightSession())
        {
            session.Store(new IdempotentRequest { Id = "someone\nold", RequestHash = "x", Status = 200, Body = "{}", CreatedAt = now - IdempotentRequest.Retention - TimeSpan.FromMinutes(1) });
            session.Store(new IdempotentRequest { Id = "someone\nday-old", RequestHash = "x", Status = 200, Body = "{}", CreatedAt = now - TimeSpan.FromHours(25) });
            await session.SaveChangesAsync(cancellation);
        }

        using (var scope = service.Host.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(new ForgetExpiredIdempotencyKeys(), cancellation);

        await using var query = service.Store.QuerySession();
        (await query.LoadAsync<IdempotentRequest>("someone\nold", cancellation)).ShouldBeNull();
        (await query.LoadAsync<IdempotentRequest>("someone\nday-old", cancellation)).ShouldNotBeNull();
    }
}
