using System.Threading.RateLimiting;
using Mediation.Hosting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
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
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section)
            .Validate(o => o.AccountCacheTime >= TimeSpan.Zero && o.AccountCacheTime <= TimeSpan.FromMinutes(1),
                $"{SecurityOptions.Section}:AccountCacheTime must be between 00:00:00 and 00:01:00")
            .Validate(o => o.SessionLimit > TimeSpan.Zero, $"{SecurityOptions.Section}:SessionLimit must be positive")
            .Validate(o => o.TokenLifetime > TimeSpan.Zero, $"{SecurityOptions.Section}:TokenLifetime must be positive")
            .Validate(o => o.MaxFailedSignIns > 0, $"{SecurityOptions.Section}:MaxFailedSignIns must be positive")
            .Validate(o => o.Lockout > TimeSpan.Zero, $"{SecurityOptions.Section}:Lockout must be positive")
            .Validate(o => o.PasswordHashIterations >= SecurityOptions.MinimumPasswordHashIterations,
                $"{SecurityOptions.Section}:PasswordHashIterations must be at least {SecurityOptions.MinimumPasswordHashIterations}")
            .Validate(o => o.SignInsPerMinute > 0, $"{SecurityOptions.Section}:SignInsPerMinute must be positive")
            .Validate(o => o.SignInsPerUserPerMinute > 0, $"{SecurityOptions.Section}:SignInsPerUserPerMinute must be positive")
            .ValidateOnStart();
        services.AddKnownProxies();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<Auditing.AccessLog>();
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddOptions<PasswordHasherOptions>().Configure<IOptions<SecurityOptions>>((hashing, security) =>
            hashing.IterationCount = security.Value.PasswordHashIterations);
        services.AddSingleton<SigningIn.Lockout>();
        services.AddSingleton<SigningIn.SignInCheck>();
        services.AddSingleton<Sessions.SessionCheck>();
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
                cookie.Events.OnValidatePrincipal = Sessions.SessionCheck.OnValidatePrincipal;
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
                    IssuerSigningKeyResolver = (_, _, keyId, _) => keys.For(keyId),
                    NameClaimType = CurrentUser.NameClaim,
                    RoleClaimType = CurrentUser.RoleClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                // The access table answers an unauthenticated call with its own problem details.
                jwt.Events = new JwtBearerEvents
                {
                    OnChallenge = context => { context.HandleResponse(); return Task.CompletedTask; },
                    OnTokenValidated = Sessions.SessionCheck.OnTokenValidated,
                };
            });

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellation) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await context.HttpContext.Response.WriteAsJsonAsync(SigningIn.IssueTokenEndpoint.TooManyAttempts(), HttpJson.Options, Problems.ContentType, cancellation);
            };
            // Per client address, which is the proxy's unless it is a known proxy (KnownProxies); the
            // limit per user name is SignInCheck's, since the name is in the body.
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
        // First: HSTS, the Secure cookie, the rate limit and the access log see the client, not the proxy.
        app.UseKnownProxies();
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
