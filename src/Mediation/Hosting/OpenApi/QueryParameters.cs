using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mediation.Hosting;

/// <summary>
/// The query parameters an endpoint binds as text (<see cref="QueryParameterAttribute"/>), on the method
/// or on an <c>[AsParameters]</c> record, described by what the service parses them as.
/// </summary>
static class QueryParameters
{
    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        if (context.Description.ActionDescriptor is not ControllerActionDescriptor endpoint || operation.Parameters is null) return;
        var declared = Declared(endpoint.MethodInfo).ToDictionary(d => d.Name, d => d.Query, StringComparer.Ordinal);
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query))
        {
            if (parameter.Name is null || !declared.TryGetValue(parameter.Name, out var query)) continue;
            parameter.Description = query.Description;
            parameter.Schema = query.Values is { } values
                ? new OpenApiSchema { Type = JsonSchemaType.String, Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList() }
                : query.Type.IsEnum
                    ? await OperationContract.ComponentAsync(context, query.Type, cancellation)
                    : await context.GetOrCreateSchemaAsync(query.Type, null, cancellation);
        }
    }

    /// <summary>The query parameters of the method and of its <c>[AsParameters]</c> records, by the names they are bound with.</summary>
    static IEnumerable<(string Name, QueryParameterAttribute Query)> Declared(MethodInfo method)
    {
        foreach (var parameter in method.GetParameters())
        {
            if (parameter.GetCustomAttribute<QueryParameterAttribute>() is { } query) yield return (query.Name ?? parameter.Name!, query);
            else if (parameter.GetCustomAttribute<AsParametersAttribute>() is not null)
                foreach (var property in parameter.ParameterType.GetProperties())
                    if (property.GetCustomAttribute<QueryParameterAttribute>() is { } member) yield return (member.Name ?? property.Name, member);
        }
    }
}
