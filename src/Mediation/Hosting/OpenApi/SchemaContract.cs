using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mediation.Hosting;

/// <summary>What the HTTP JSON options mean for the schemas, where a converter hides it from the generator.</summary>
static class SchemaContract
{
    public static Task Describe(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellation)
    {
        var declared = context.JsonTypeInfo.Type;
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        if (type == typeof(DateTimeOffset))
        {
            // ChinaStandardTimeConverter reads and writes an ISO 8601 string; behind a converter the generator sees no type.
            schema.Type = JsonSchemaType.String | (type != declared ? JsonSchemaType.Null : 0);
            schema.Format = "date-time";
        }
        else if (typeof(ProblemDetails).IsAssignableFrom(type))
        {
            // RFC 9457: a problem may carry members of its own (currentVersion, ...).
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = null;
        }
        return Task.CompletedTask;
    }
}
