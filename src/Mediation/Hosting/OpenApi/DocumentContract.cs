using Microsoft.OpenApi;

namespace Mediation.Hosting;

/// <summary>
/// What holds for the whole document once every operation and schema is in it: the enums as the strings
/// they are written as, the requests' demanded fields as never null, every member of an answer as there,
/// and nothing described that no operation uses.
/// </summary>
static class DocumentContract
{
    public static void Complete(OpenApiDocument document)
    {
        var schemas = document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        // IResult is how an endpoint answers, not what (OperationContract removes every answer described as one).
        schemas.Remove("IResult");

        // JsonStringEnumConverter writes the names; null belongs to a property that may be empty, not to the enum.
        foreach (var schema in schemas.Values.OfType<OpenApiSchema>().Where(s => s.Enum is { Count: > 0 }))
        {
            schema.Type = JsonSchemaType.String;
            schema.Enum = schema.Enum!.Where(value => value is not null).ToList();
        }

        // A request's field without a default is one its command's Validate demands (checked by OpenApiDocumentTests):
        // it must be there, and null is refused like absence.
        foreach (var schema in Reachable(RequestBodies(document), schemas))
            foreach (var name in schema.Required ?? new HashSet<string>())
                if (schema.Properties?[name] is OpenApiSchema property)
                    schema.Properties[name] = NotNull(property);

        // An answer writes every member, null or not (Json.Configure: DefaultIgnoreCondition.Never), so each is
        // there to read; a derived record's members are otherwise not listed as such.
        foreach (var schema in Reachable(Answers(document), schemas))
            if (schema.Properties is { Count: > 0 } properties) schema.Required = properties.Keys.ToHashSet();

        // Only the feature tags the operations carry (Wolverine also lists each endpoint class).
        var used = Operations(document)
            .SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>()).Select(t => t.Name).ToHashSet();
        if (document.Tags is { } tags) document.Tags = tags.Where(t => used.Contains(t.Name)).ToHashSet();
    }

    static IOpenApiSchema NotNull(OpenApiSchema property)
    {
        if (property.Type is { } types) property.Type = types & ~JsonSchemaType.Null;
        if (property.OneOf is { } choices && choices.Where(c => c.Type != JsonSchemaType.Null).ToList() is [var only]) return only;
        return property;
    }

    static IEnumerable<OpenApiOperation> Operations(OpenApiDocument document) =>
        (document.Paths ?? new OpenApiPaths()).Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []);

    /// <summary>The JSON answers' schemas; problem details (application/problem+json) leave out their empty members.</summary>
    static IEnumerable<IOpenApiSchema> Answers(OpenApiDocument document) =>
        Operations(document)
            .SelectMany(o => o.Responses?.Values.AsEnumerable() ?? [])
            .SelectMany(r => r.Content?.Where(c => c.Key == "application/json").Select(c => c.Value) ?? [])
            .Select(m => m.Schema).OfType<IOpenApiSchema>();

    static IEnumerable<IOpenApiSchema> RequestBodies(OpenApiDocument document) =>
        Operations(document)
            .SelectMany(o => o.RequestBody?.Content?.Values ?? [])
            .Select(m => m.Schema).OfType<IOpenApiSchema>();

    /// <summary>The component schemas these refer to, and those they refer to in turn.</summary>
    static IEnumerable<OpenApiSchema> Reachable(IEnumerable<IOpenApiSchema> roots, IDictionary<string, IOpenApiSchema> schemas)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<IOpenApiSchema>(roots);
        while (pending.TryPop(out var schema))
        {
            if (schema is OpenApiSchemaReference reference)
            {
                if (reference.Reference.Id is { } id && seen.Add(id) && schemas.TryGetValue(id, out var target)) pending.Push(target);
                continue;
            }
            if (schema is not OpenApiSchema inline) continue;
            if (schemas.Values.Contains(inline)) yield return inline;
            foreach (var child in (inline.Properties?.Values ?? []).Concat(inline.OneOf ?? []).Append(inline.Items).OfType<IOpenApiSchema>())
                pending.Push(child);
        }
    }
}
