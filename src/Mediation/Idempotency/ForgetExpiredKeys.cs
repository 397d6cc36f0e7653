using Marten;

namespace Mediation.Idempotency;

/// <summary>Sent every hour by a Wolverine recurring schedule: stored answers past their retention go.</summary>
public sealed record ForgetExpiredIdempotencyKeys;

public static class ForgetExpiredIdempotencyKeysHandler
{
    public const string Cron = "17 * * * *";

    public static void Handle(ForgetExpiredIdempotencyKeys _, IDocumentSession session, TimeProvider clock)
    {
        var before = clock.GetUtcNow() - IdempotentRequest.Retention;
        session.DeleteWhere<IdempotentRequest>(r => r.CreatedAt < before);
    }
}
