using Mediation.Security;
using Scalar.AspNetCore;

namespace Mediation.Hosting;

/// <summary>Who may read the OpenAPI document (<c>/openapi/v1.json</c>) and the API reference page (<c>/scalar</c>).</summary>
public enum ApiReferenceAccess
{
    /// <summary>Neither is served (404).</summary>
    Off,

    /// <summary>Only with a session: a bearer token or the workbench's cookie; 401 without.</summary>
    SignedIn,

    /// <summary>Anyone who can reach the service.</summary>
    Public,
}

/// <summary>
/// The OpenAPI document and the Scalar reference page. They describe every endpoint, which a production
/// deployment need not tell strangers: off unless configured, except in Development. The page is served
/// with everything it needs from the service itself (Scalar's bundle is embedded in its package; its web
/// fonts and telemetry are turned off), since some government networks block every other address.
/// </summary>
public static class ApiReference
{
    public const string Setting = "Mediation:ApiReference";
    public const string DocumentPath = "/openapi";
    public const string PagePath = "/scalar";

    public static ApiReferenceAccess Access(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetValue<ApiReferenceAccess?>(Setting) ?? (environment.IsDevelopment() ? ApiReferenceAccess.Public : ApiReferenceAccess.Off);

    public static bool IsReference(PathString path) => path.StartsWithSegments(DocumentPath) || path.StartsWithSegments(PagePath);

    /// <summary>Maps both, behind the configured access; after authentication, before the endpoints run.</summary>
    public static void MapApiReference(this WebApplication app)
    {
        var access = Access(app.Configuration, app.Environment);
        if (access == ApiReferenceAccess.Off) return;
        if (access == ApiReferenceAccess.SignedIn) app.Use(RequireSession);

        app.MapOpenApi();
        app.MapScalarApiReference((options, http) =>
        {
            // The nonce of this answer's Content-Security-Policy: on Scalar's script tags, and in the meta
            // element its bundle reads for the style element it inserts.
            var nonce = ContentPolicy.Nonce(http);
            options.WithTitle("Mediation API")
                .WithNonce(nonce)
                .AddHeadContent($"""<meta property="csp-nonce" content="{nonce}">""")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .AddPreferredSecuritySchemes([OpenApiContract.BearerScheme]);
        });
    }

    static async Task RequireSession(HttpContext http, Func<Task> next)
    {
        if (IsReference(http.Request.Path) && CurrentUser.From(http).Name == CurrentUser.Anonymous)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await http.Response.WriteAsJsonAsync(AccessTable.Unauthenticated(), HttpJson.Options, Problems.ContentType);
            return;
        }
        await next();
    }
}
