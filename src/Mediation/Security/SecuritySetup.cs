using System.Threading.RateLimiting;
using Mediation.Hosting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Mediation.Security;

/// <summary>Authentication, the sign-in rate limit, CORS and security headers.</summary>
public static class SecuritySetup
{
    const string CorsPolicy = "configured-origins";
    public const string SessionScheme = "bearer-or-cookie";
    public const string WorkbenchCookie = "mediation.session";

    public static void AddSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<Auditing.AccessLog>();
        services.AddHostedService<SecurityStartup>();

        // The API keeps its bearer tokens; the workbench's browser carries a cookie. A request with an
        // Authorization header is always judged by its token. Without one, the cookie counts for the
        // workbench pages and for reading /api (report downloads), but never for writing to /api:
        // there a cookie would let another site's form act in the user's name.
        services.AddAuthentication(SessionScheme)
            .AddPolicyScheme(SessionScheme, "bearer or workbench cookie", policy => policy.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.Count > 0
                || (http.Request.Path.StartsWithSegments("/api") && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
                    ? JwtBearerDefaults.AuthenticationScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddCookie();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<SecurityOptions>>((cookie, security) =>
            {
                cookie.Cookie.Name = WorkbenchCookie;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = security.Value.TokenLifetime;
                cookie.SlidingExpiration = true;
                cookie.LoginPath = Workbench.SignIn.SignInPage.Route;
                cookie.LogoutPath = Workbench.SignIn.SignOutPage.Route;
                cookie.AccessDeniedPath = Workbench.SignIn.SignInPage.Route;
            });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeys, IOptions<SecurityOptions>>((jwt, keys, security) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = security.Value.Issuer,
                    ValidAudience = security.Value.Issuer,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    IssuerSigningKeyResolver = (_, _, _, _) => [keys.Key],
                    NameClaimType = CurrentUser.NameClaim,
                    RoleClaimType = CurrentUser.RoleClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                // The access table answers an unauthenticated call with its own problem details.
                jwt.Events = new JwtBearerEvents { OnChallenge = context => { context.HandleResponse(); return Task.CompletedTask; } };
            });

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellation) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await context.HttpContext.Response.WriteAsJsonAsync(new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many sign-in attempts",
                    Detail = "Wait a minute before trying again.",
                    Type = "https://tools.ietf.org/html/rfc6585#section-4",
                }, HttpJson.Options, Problems.ContentType, cancellation);
            };
            limiter.AddPolicy(SigningIn.IssueTokenEndpoint.RateLimitPolicy, http =>
            {
                // Showing the workbench's sign-in page is not an attempt; posting it is.
                if (HttpMethods.IsGet(http.Request.Method)) return RateLimitPartition.GetNoLimiter("page");
                var perMinute = http.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.SignInsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "local",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });

        var origins = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>()?.CorsOrigins ?? [];
        services.AddCors(cors =>
        {
            // No origin configured: no CORS answer at all, so browsers keep other sites out.
            if (origins.Length > 0)
                cors.AddPolicy(CorsPolicy, policy => policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod()
                    .WithExposedHeaders("ETag", "Location", "Idempotent-Replayed"));
        });
    }

    public static void UseSecurity(this WebApplication app)
    {
        app.Use(SecurityHeaders);
        if (app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>>().Value.GetPolicy(CorsPolicy) is not null)
            app.UseCors(CorsPolicy);
        app.UseAuthentication();
        app.UseRateLimiter();
        app.Use(AccessTable.Enforce);
        app.UseAntiforgery();
    }

    /// <summary>On every answer, before anything else can write it.</summary>
    static Task SecurityHeaders(HttpContext http, Func<Task> next)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        headers.ContentSecurityPolicy = ContentPolicy.For(http);
        if (http.Request.Path.StartsWithSegments("/api")) headers.CacheControl = "no-store";
        if (http.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000";
        return next();
    }
}
