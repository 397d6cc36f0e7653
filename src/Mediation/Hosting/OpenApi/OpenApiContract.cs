using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mediation.Hosting;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>), generated from the endpoints' signatures and the HTTP
/// JSON options. Here it learns what neither can tell: who may call each operation and how to
/// authenticate (the access table, <see cref="OperationContract"/>), what the service's own query
/// parsing takes (<see cref="QueryParameters"/>), what its JSON converters mean for the schemas
/// (<see cref="SchemaContract"/>), and what its commands' validation means for requests (<see cref="DocumentContract"/>).
/// </summary>
public static class OpenApiContract
{
    /// <summary>The security scheme of every operation that needs a token.</summary>
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddOpenApiContract(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer(DescribeDocument);
        options.AddOperationTransformer(OperationContract.DescribeAsync);
        options.AddOperationTransformer(QueryParameters.DescribeAsync);
        options.AddSchemaTransformer(SchemaContract.Describe);
    });

    static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellation)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Mediation API",
            Version = "v1",
            Description = """
                Cases of a county's dispute-mediation centres: filing, handling up and down the organisation tree,
                statistics and reports. Sign in with `POST /api/auth/token` and send the token as
                `Authorization: Bearer <token>`. Times are ISO 8601 with their offset; answers give them in China
                Standard Time (+08:00). Every refusal is RFC 9457 problem details; a 400 names each wrong field in
                `errors`. A case outside the caller's jurisdiction answers 404, as if it did not exist.
                """,
        };
        // The framework writes the address the document was asked at, with a trailing slash: a client
        // joining "/api/..." onto it would ask for "//api/...".
        foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
        DocumentContract.Complete(document);
        return Task.CompletedTask;
    }
}
