namespace Mediation.Hosting;

/// <summary>The OpenAPI document's description of the API.</summary>
public static class OpenApiContract
{
    /// <summary>The security scheme of every operation that needs a token.</summary>
    public const string BearerScheme = "bearer";
}
