using System.Threading.RateLimiting;
using Mediation.Hosting;
using Mediation.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Mediation.Reports;

public sealed class ReportOptions
{
    public const string Section = "Mediation:Reports";

    /// <summary>Report files one user may be downloading at once; one more is refused with 429.</summary>
    public int ExportsPerUser { get; set; } = 2;

    /// <summary>Bound from configuration and checked at start.</summary>
    public static void AddTo(IServiceCollection services) =>
        services.AddOptions<ReportOptions>().BindConfiguration(Section)
            .Validate(o => o.ExportsPerUser is > 0 and <= 100, $"{Section}:ExportsPerUser must be a whole number from 1 to 100")
            .ValidateOnStart();
}

/// <summary>
/// A case list of a county-year is a query of a hundred thousand rows and a file of tens of
/// megabytes: one user opening many at once (a script, a held-down key) would take the database's
/// connections and the machine's cores from everyone else. Each user gets a few at a time, held
/// until the last byte is sent or the client goes away.
/// </summary>
public sealed class ExportLimit(IOptions<ReportOptions> options) : IRateLimiterPolicy<string>
{
    public const string Policy = "exports";

    /// <summary>An export of a county-year takes a few seconds.</summary>
    const int RetryAfterSeconds = 10;

    public RateLimitPartition<string> GetPartition(HttpContext http)
    {
        var user = CurrentUser.From(http);
        // Nobody signed in: the access table refuses the request anyway, at once.
        if (user.Name == CurrentUser.Anonymous) return RateLimitPartition.GetNoLimiter(user.Name);
        return RateLimitPartition.GetConcurrencyLimiter(user.Name,
            _ => new ConcurrencyLimiterOptions { PermitLimit = Math.Max(1, options.Value.ExportsPerUser), QueueLimit = 0 });
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, cancellation) =>
    {
        var http = context.HttpContext;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var limit = http.RequestServices.GetRequiredService<IOptions<ReportOptions>>().Value.ExportsPerUser;
        await Problems.TooManyRequests("Too many exports at once",
            $"You are downloading {limit} report files already; wait until one has finished.").ToResult().ExecuteAsync(http);
    };
}
