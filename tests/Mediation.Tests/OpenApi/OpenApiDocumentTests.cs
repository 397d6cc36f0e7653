using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mediation.Hosting;
using Mediation.Security;
using Mediation.Tests.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Mediation.Tests.OpenApi;

/// <summary>
/// The OpenAPI document says what the service does: how to authenticate and where, which request fields
/// are required (exactly those the commands' validation demands), what type times, counts and answers
/// have, and which query parameters the statistics, report and list endpoints take.
/// </summary>
public class OpenApiDocumentTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    async Task<JsonNode> DocumentAsync()
    {
        var answer = await new Api(service.Host.Server.CreateClient()).Get("/openapi/v1.json");
        return answer.Body;
    }

    static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(operation => (path.Key, operation.Key.ToUpperInvariant(), operation.Value!)));

    static JsonObject Schema(JsonNode document, string name) => document["components"]!["schemas"]![name]!.AsObject();

    static IEnumerable<string> Types(JsonNode? schema) => schema?["type"] switch
    {
        JsonArray many => many.Select(t => t!.GetValue<string>()),
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };

    [Fact]
    public async Task The_document_declares_the_bearer_scheme_and_every_operation_needs_it_unless_anyone_may_call_it()
    {
        var document = await DocumentAsync();
        var scheme = document["components"]!["securitySchemes"]![OpenApiContract.BearerScheme]!;
        scheme["type"]!.GetValue<string>().ShouldBe("http");
        scheme["scheme"]!.GetValue<string>().ShouldBe("bearer");

        var operations = Operations(document).ToList();
        operations.Count.ShouldBe(AccessTable.Endpoints.Count);
        foreach (var (path, method, operation) in operations)
        {
            var access = AccessTable.Endpoints[$"{method} {path}"];
            var security = operation["security"]!.AsArray();
            if (access.Anonymous) security.ShouldBeEmpty($"{method} {path}");
            else
            {
                security.Count.ShouldBe(1, $"{method} {path}");
                security[0]!.AsObject().Select(s => s.Key).ShouldBe([OpenApiContract.BearerScheme], $"{method} {path}");
                operation["responses"]!["401"].ShouldNotBeNull($"{method} {path}");
            }
        }
        AccessTable.Endpoints["POST /api/auth/token"].Anonymous.ShouldBeTrue();
    }

    [Fact]
    public async Task The_server_address_has_no_trailing_slash()
    {
        var servers = (await DocumentAsync())["servers"]!.AsArray();
        servers.ShouldNotBeEmpty();
        foreach (var server in servers) server!["url"]!.GetValue<string>().ShouldNotEndWith("/");
    }

    /// <summary>Every command the API takes as a body, with the validation it gets (its endpoint's Validate).</summary>
    static IEnumerable<(Type Command, MethodInfo Validate)> Commands() =>
        typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.Name == "Validate" && m.ReturnType == typeof(ProblemDetails))
            .Select(m => (m.GetParameters().Single(p => p.ParameterType != typeof(string)).ParameterType, m));

    static object Empty(Type record, Func<ParameterInfo, object?>? value = null)
    {
        var constructor = record.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return constructor.Invoke(constructor.GetParameters().Select(p => value?.Invoke(p)).ToArray());
    }

    /// <summary>The fields validation refuses to do without: the errors of a command with none of them.</summary>
    static IReadOnlySet<string> Demanded(MethodInfo validate, object command, string prefix = "")
    {
        var problem = (ProblemDetails)validate.Invoke(null, validate.GetParameters()
            .Select(p => p.ParameterType == typeof(string) ? "C1" : command).ToArray())!;
        return (problem as ValidationProblemDetails)?.Errors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..]).Where(k => !k.Contains('.') && !k.Contains('[') && !RuleKeys.Contains(k)).ToHashSet() ?? [];
    }

    /// <summary>Errors that name a rule over the whole body rather than a field: no field is required by them.</summary>
    static readonly HashSet<string> RuleKeys = ["body", "person"];

    static string Json(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    [Fact]
    public async Task A_request_field_is_required_and_never_null_exactly_when_its_commands_validation_demands_it()
    {
        var document = await DocumentAsync();
        var commands = Commands().ToList();
        commands.Count.ShouldBeGreaterThanOrEqualTo(20);
        var checkedTypes = new List<string>();
        foreach (var (command, validate) in commands)
        {
            Check(command, Demanded(validate, Empty(command)));
            // A list of records inside a command (a case's parties): one empty element, its errors.
            foreach (var list in command.GetConstructors()[0].GetParameters().Where(p => p.ParameterType.IsGenericType
                         && p.ParameterType.GetGenericArguments()[0] is { IsClass: true } element && element != typeof(string)))
            {
                var element = list.ParameterType.GetGenericArguments()[0];
                var array = Array.CreateInstance(element, 1);
                array.SetValue(Empty(element), 0);
                Check(element, Demanded(validate, Empty(command, p => p == list ? array : null), $"{Json(list.Name!)}[0]."));
            }
        }
        checkedTypes.ShouldContain("FileCase");
        checkedTypes.ShouldContain("PartyInput");
        checkedTypes.ShouldContain("Escalate");

        void Check(Type type, IReadOnlySet<string> demanded)
        {
            checkedTypes.Add(type.Name);
            var withoutDefault = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters()
                .Where(p => !p.HasDefaultValue).Select(p => Json(p.Name!)).ToHashSet();
            withoutDefault.OrderBy(n => n).ShouldBe(demanded.OrderBy(n => n),
                $"{type.Name}: the parameters without a default are what its validation demands (give the others '= null', last)");
            var schema = Schema(document, type.Name);
            var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
            required.OrderBy(n => n).ShouldBe(demanded.OrderBy(n => n), $"{type.Name}'s required fields");
            foreach (var (name, property) in schema["properties"]!.AsObject())
            {
                var nullable = Types(property).Contains("null") || property!["oneOf"] is JsonArray choices && choices.Any(c => Types(c).Contains("null"));
                nullable.ShouldBe(!required.Contains(name), $"{type.Name}.{name} may be null exactly when it may be left out");
            }
        }
    }

    [Fact]
    public async Task Times_are_strings_and_counts_and_versions_integers()
    {
        var document = await DocumentAsync();
        var properties = document["components"]!["schemas"]!.AsObject()
            .SelectMany(schema => schema.Value!["properties"]?.AsObject().Select(p => (Name: $"{schema.Key}.{p.Key}", Schema: p.Value!)) ?? []).ToList();
        foreach (var (name, schema) in properties)
        {
            var types = Types(schema).ToList();
            if (types.Contains("integer") || types.Contains("number")) types.ShouldNotContain("string", $"{name} is a number, not a string");
            if (schema["format"]?.GetValue<string>() is "date-time" or "date") types.ShouldContain("string", name);
            if (schema["format"]?.GetValue<string>() is "int32" or "int64") types.ShouldContain("integer", name);
        }
        Types(Schema(document, "CaseView")["properties"]!["receivedAt"]).ShouldBe(["string"]);
        Types(Schema(document, "CaseView")["properties"]!["version"]).ShouldBe(["integer"]);
        Types(Schema(document, "SettlementReport")["properties"]!["received"]).ShouldBe(["integer"]);
        Schema(document, "SettlementReport")["required"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldContain("received");
        Types(Schema(document, "Escalate")["properties"]!["occurredAt"]).OrderBy(t => t).ShouldBe(["null", "string"]);
        Schema(document, "EscalationReason")["enum"]!.AsArray().ShouldAllBe(value => value != null);
    }

    [Fact]
    public async Task Every_answer_has_its_own_schema()
    {
        var document = await DocumentAsync();
        document["components"]!["schemas"]!["IResult"].ShouldBeNull();
        foreach (var (path, method, operation) in Operations(document))
            foreach (var (status, response) in operation["responses"]!.AsObject())
            {
                var content = response!["content"]?.AsObject();
                if (status == "204") { content.ShouldBeNull($"{method} {path} {status}"); continue; }
                content.ShouldNotBeNull($"{method} {path} {status}");
                foreach (var (type, media) in content)
                {
                    var schema = media!["schema"]!;
                    (schema["$ref"] ?? schema["items"]?["$ref"] ?? schema["format"]).ShouldNotBeNull($"{method} {path} {status} {type}: {schema.ToJsonString()}");
                    schema["$ref"]?.GetValue<string>().ShouldNotEndWith("/IResult");
                }
            }
    }

    [Theory]
    [InlineData("/api/stats/settlement", "from,to,nodeCode,asOf,groupBy,knownAt")]
    [InlineData("/api/stats/backlog", "nodeCode,asOf,knownAt")]
    [InlineData("/api/stats/workload", "nodeCode,asOf")]
    [InlineData("/api/reports/settlement", "from,to,nodeCode,asOf,knownAt,format,lang")]
    [InlineData("/api/reports/cases", "status,level,nodeCode,handlingNodeCode,kind,category,overdue,assignee,q,riskColour,leader,department,page,pageSize,format,lang")]
    [InlineData("/api/cases", "status,level,nodeCode,handlingNodeCode,kind,category,overdue,assignee,q,riskColour,leader,department,page,pageSize")]
    [InlineData("/api/cases/{id}", "version,asOf,unmask,reason")]
    [InlineData("/api/audit/access-log", "caseId,user,page,pageSize")]
    public async Task Statistics_report_and_list_endpoints_declare_their_query_parameters(string path, string names)
    {
        var document = await DocumentAsync();
        var parameters = document["paths"]![path]!["get"]!["parameters"]!.AsArray().Where(p => p!["in"]!.GetValue<string>() == "query")
            .ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!);
        parameters.Keys.ShouldBe(names.Split(','), ignoreOrder: true);
        foreach (var (name, parameter) in parameters)
        {
            parameter["description"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace(name);
            (parameter["required"]?.GetValue<bool>() ?? false).ShouldBeFalse(name);
            var schema = parameter["schema"]!;
            switch (name)
            {
                case "from" or "to": schema["format"]!.GetValue<string>().ShouldBe("date"); break;
                case "asOf": schema["format"]!.GetValue<string>().ShouldBe("date-time"); break;
                case "page" or "pageSize" or "version": Types(schema).ShouldBe(["integer"], name); break;
                case "overdue" or "unmask": Types(schema).ShouldBe(["boolean"], name); break;
                case "groupBy": schema["$ref"]!.GetValue<string>().ShouldEndWith("/GroupBy"); break;
                case "status": schema["$ref"]!.GetValue<string>().ShouldEndWith("/CaseStatus"); break;
                case "format": schema["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ShouldBe(["xlsx", "csv"]); break;
                case "lang": schema["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ShouldBe(["zh", "en"]); break;
            }
        }
    }
}
