using System.Globalization;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mediation.Hosting;

/// <summary>
/// Each operation as the access table (<see cref="AccessTable"/>) has it: its summary is the action, its
/// description the roles and whether jurisdiction applies, its tag the feature it belongs to; it needs the
/// bearer token unless anyone may call it; and it lists the service's refusals as problem details (400
/// naming the wrong fields, 401, 403, 404).
/// </summary>
static class OperationContract
{
    static readonly Dictionary<string, string> Features = new()
    {
        ["Cases"] = "Filing a case, reading it, and every step of its handling.",
        ["Parties"] = "The parties' personal data.",
        ["Statistics"] = "Settlement, backlog and workload figures.",
        ["Reports"] = "The settlement report and the case list as XLSX or CSV files.",
        ["Organisation"] = "The tree of county, streets, communities and grids.",
        ["CodeTables"] = "Code tables: the categories of cases.",
        ["Security"] = "Signing in and user accounts.",
        ["Auditing"] = "The access log and the tamper check of a case's history.",
    };

    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        var description = context.Description;
        if (description.ActionDescriptor is not ControllerActionDescriptor endpoint || description.HttpMethod is null || description.RelativePath is null
            || !AccessTable.Endpoints.TryGetValue(AccessTable.KeyOf(description.HttpMethod, description.RelativePath), out var access))
            return;
        var document = context.Document!;

        operation.Summary = char.ToUpperInvariant(access.Action[0]) + access.Action[1..];
        operation.Description = access.Anonymous
            ? "Anyone may call it."
            : $"Roles: {string.Join(", ", access.Roles.Order())}." +
              (access.InJurisdiction ? " Only within the caller's jurisdiction (the caller's node and below it); anything outside answers 404." : "");

        var feature = endpoint.ControllerTypeInfo.Namespace?.Split('.').ElementAtOrDefault(1) ?? "Mediation";
        document.Tags ??= new HashSet<OpenApiTag>();
        if (!document.Tags.Any(t => t.Name == feature)) document.Tags.Add(new OpenApiTag { Name = feature, Description = Features.GetValueOrDefault(feature) });
        operation.Tags = new HashSet<OpenApiTagReference> { new(feature, document) };

        if (access.Anonymous) operation.Security = [];
        else
        {
            var schemes = (document.Components ??= new OpenApiComponents()).SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            schemes.TryAdd(OpenApiContract.BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "The accessToken of POST /api/auth/token.",
            });
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiContract.BearerScheme, document)] = [] }];
        }

        var responses = operation.Responses ??= new OpenApiResponses();
        // Wolverine describes the IResult an endpoint returns as a JSON answer of its own; it is none.
        foreach (var answer in description.SupportedResponseTypes.Where(r => r.Type is { } type && typeof(IResult).IsAssignableFrom(type)))
            responses.Remove(answer.StatusCode.ToString(CultureInfo.InvariantCulture));

        var problem = await ComponentAsync(context, typeof(ProblemDetails), cancellation);
        if (description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body || p.Source == BindingSource.Query))
            responses["400"] = Problem("The request is not valid: `errors` names each wrong field and says what is wrong with it.",
                await ComponentAsync(context, typeof(HttpValidationProblemDetails), cancellation));
        else responses.Remove("400");
        if (!access.Anonymous) responses["401"] = Problem("No valid token.", problem);
        if (!access.Anonymous && !access.Roles.SetEquals(Roles.All)) responses["403"] = Problem("The caller's roles do not allow this.", problem);
        if (access.InJurisdiction || description.ParameterDescriptions.Any(p => p.Source == BindingSource.Path))
            responses["404"] = Problem("There is no such thing in the caller's jurisdiction.", problem);
        else responses.Remove("404");
        if (endpoint.MethodInfo.GetCustomAttributes(typeof(ConsumesAttribute), false) is [ConsumesAttribute consumes]
            && consumes.ContentTypes.Contains("multipart/form-data"))
            await DescribeUploadAsync(operation, context, cancellation);
        if (endpoint.MethodInfo.GetParameters().Any(p => p.ParameterType == typeof(Cases.CaseCommandRunner)))
            DescribeCaseCommand(operation, problem, onCase: description.RelativePath.Contains("{id}", StringComparison.Ordinal));
    }

    /// <summary>An upload: its form, which the endpoint reads itself (to bound it), and its refusals.</summary>
    static async Task DescribeUploadAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        var form = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>(), Required = new HashSet<string>() };
        foreach (var (name, file, required, text) in Cases.Attachments.AddAttachmentEndpoint.Form)
        {
            form.Properties[name] = new OpenApiSchema { Type = JsonSchemaType.String, Format = file ? "binary" : null, Description = text };
            if (required) form.Required.Add(name);
        }
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = form } },
        };
        var validation = await ComponentAsync(context, typeof(HttpValidationProblemDetails), cancellation);
        var responses = operation.Responses!;
        responses["400"] = Problem("The request is not valid: `errors` names each wrong field (`file`: not an allowed kind of file, or empty).", validation);
        responses["413"] = Problem($"The file is over {Cases.Attachments.AttachmentKinds.MaxMegabytes} MB: `errors` names `file`.", validation);
        responses["415"] = Problem("The request is not multipart/form-data.", await ComponentAsync(context, typeof(ProblemDetails), cancellation));
    }

    /// <summary>What CaseCommandRunner adds to a command: safe retries, a guard against acting on a stale read, and their refusals.</summary>
    static void DescribeCaseCommand(OpenApiOperation operation, IOpenApiSchema problem, bool onCase)
    {
        var text = new OpenApiSchema { Type = JsonSchemaType.String };
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = Idempotency.IdempotentRequest.Header, In = ParameterLocation.Header, Schema = text,
            Description = "Makes a retry safe: the same key with the same request answers the first answer again (with Idempotent-Replayed: true).",
        });
        if (onCase)
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match", In = ParameterLocation.Header, Schema = text,
                Description = "The case's ETag as it was read (its version, quoted: \"3\"): the command is refused with 412 if the case has changed since.",
            });
        var responses = operation.Responses!;
        foreach (var (status, answer) in responses)
            if (status.StartsWith('2') && answer is OpenApiResponse success)
                (success.Headers ??= new Dictionary<string, IOpenApiHeader>())["ETag"] = new OpenApiHeader
                {
                    Description = "The case's version after the command, for If-Match.", Schema = text,
                };
        responses["409"] = Problem("The case's state does not allow this now, or another request is changing the case at this moment.", problem);
        if (onCase) responses["412"] = Problem("If-Match named another version than the case's: read it again.", problem);
        responses["422"] = Problem("The Idempotency-Key was used before with a different request.", problem);
    }

    static OpenApiResponse Problem(string description, IOpenApiSchema schema) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { [Problems.ContentType] = new() { Schema = schema } },
    };

    /// <summary>A reference to the document's schema of <paramref name="type"/>, added under its name when missing.</summary>
    public static async Task<IOpenApiSchema> ComponentAsync(OpenApiOperationTransformerContext context, Type type, CancellationToken cancellation)
    {
        var document = context.Document!;
        var schemas = (document.Components ??= new OpenApiComponents()).Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!schemas.ContainsKey(type.Name)) schemas[type.Name] = await context.GetOrCreateSchemaAsync(type, null, cancellation);
        return new OpenApiSchemaReference(type.Name, document);
    }
}
