using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mediation.Tests.Hosting;

/// <summary>
/// Requests an attacker from outside would send, to every endpoint the service maps (found in the
/// routing table, so endpoints added later are covered without touching this test): empty and all-zero
/// ids, control characters, overlong and broken UTF-8 in every path segment and query value, bodies of
/// wrong types, invalid enum values, unknown fields, deep nesting, huge numbers and nulls. Nothing may
/// answer 5xx, every refusal is problem details, every 400 names the field, and nothing is logged as an
/// error. Random but seeded: a failure prints the seed, and <c>MEDIATION_HOSTILE_SEED</c> replays it.
/// </summary>
public class HostileInputTests(HostileInputFixture service) : IClassFixture<HostileInputFixture>
{
    const int MinimumRequests = 2_000;
    const string SeedVariable = "MEDIATION_HOSTILE_SEED";

    sealed record Target(string Method, RoutePattern Route, Type? BodyType, IReadOnlyList<string> QueryNames)
    {
        public string Key => $"{Method} /{Route.RawText!.TrimStart('/')}";
        public bool IsApi => Route.RawText!.TrimStart('/').StartsWith("api/", StringComparison.Ordinal);
        public bool IsService => !Route.RawText!.TrimStart('/').StartsWith('_');
    }

    sealed record Sent(string Method, string Url, string? Body, bool SignedIn)
    {
        public override string ToString() => $"{Method} {Shorten(Url)}{(Body is null ? "" : $" body {Shorten(Body)}")}{(SignedIn ? "" : " (anonymous)")}";
    }

    static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + $"…({text.Length} chars)";

    /// <summary>Query parameters the endpoints read by hand; declared ones come from the API description.</summary>
    static readonly string[] KnownQueryNames =
    [
        "status", "level", "nodeCode", "handlingNodeCode", "kind", "category", "overdue", "assignee", "q", "page", "pageSize",
        "version", "asOf", "from", "to", "groupBy", "format", "lang", "caseId", "user", "action", "unmask", "reason", "returnUrl",
    ];

    /// <summary>Path segment and query values, already percent-encoded as they go on the wire.</summary>
    static readonly string[] HostileUrlValues =
    [
        "", "00000000-0000-0000-0000-000000000000", "%00", "a%00b", "%01", "%7F", "%0D%0A", "%0A", "%0D", "%09", "%20", "%C2%A0",
        new string('a', 5000), string.Concat(Enumerable.Repeat("%E4%B8%AD", 1500)), "%FF%FE", "%C0%80", "%ED%A0%80", "%E4%B8", "%F4%90%80%80",
        "..", "%2E%2E", "%2F", "%5C", "'%20OR%201=1--", "%3Cscript%3E", "-1", "0", "99999999999999999999", "1e400", "NaN", "null", "true",
        "%F0%9F%98%80", "%E2%80%AE", "%EF%BB%BF", "%E2%80%8B", "2026-13-45", "9999-12-31", "0001-01-01T00:00:00Z", "2026-01-01T00:00:00",
        "%3D1%2B1", "%40SUM(1)", "Assigned", "Grid", "csv", "xlsx", "en", "zh", "S1", "S1C1", "C1", "node", "category", "2026-01-01", "1", "200",
    ];

    /// <summary>
    /// NUL never reaches the service in a path: Kestrel refuses the request line (400) before any
    /// middleware, and the in-process test server refuses to send it
    /// (<see cref="KestrelTests"/> sends it to a real server).
    /// </summary>
    static readonly string[] HostilePathValues = HostileUrlValues.Where(v => !v.Contains("%00", StringComparison.Ordinal)).ToArray();

    static readonly string[] HostileTexts =
    [
        "", " ", "\0", "a\0b", "\u0001", "\u007f", "\r\n", "\t", "x\r\nSet-Cookie: a=b", new string('长', 20_000), "\u202e", "\u200b", "\ufeff",
        "😀", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(1)", "-1", "'; drop table mt_events; --", "<script>alert(1)</script>", "00000000-0000-0000-0000-000000000000",
        "S1C1", "S1C1G1", "C1", "Neighbour", "调解员甲", "2026-01-01T08:00:00+08:00", "2026-01-01", LoneSurrogate,
    ];

    /// <summary>Stands for a lone UTF-16 surrogate, which only a JSON escape can carry.</summary>
    const string LoneSurrogate = "\u0002lone-surrogate\u0002";

    IReadOnlyList<Target> Targets()
    {
        var services = service.Host.Services;
        var descriptions = services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items
            .SelectMany(g => g.Items)
            .ToLookup(d => $"{d.HttpMethod} /{d.RelativePath?.TrimStart('/')}", StringComparer.OrdinalIgnoreCase);
        return services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !IsStaticFile(e))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => (e, method)))
            .Select(x =>
            {
                var key = $"{x.method} /{x.e.RoutePattern.RawText!.TrimStart('/')}";
                var described = descriptions[key].SelectMany(d => d.ParameterDescriptions).ToList();
                var body = described.FirstOrDefault(p => p.Source == BindingSource.Body)?.Type;
                var query = described.Where(p => p.Source == BindingSource.Query).Select(p => p.Name).Concat(KnownQueryNames).Distinct().ToList();
                return new Target(x.method, x.e.RoutePattern, body, query);
            })
            .DistinctBy(t => t.Key).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>A file the static assets serve: nothing of the request reaches the service's code.</summary>
    static bool IsStaticFile(RouteEndpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().FullName?.StartsWith("Microsoft.AspNetCore.StaticAssets", StringComparison.Ordinal) == true);

    [Fact]
    public async Task Hostile_requests_to_every_endpoint_get_no_5xx_only_problem_details_naming_the_field_and_no_error_logs()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        var random = new Random(seed);
        var targets = Targets();
        targets.Count(t => t.IsApi).ShouldBeGreaterThan(30, "the routing table lists the API's endpoints");
        var perTarget = MinimumRequests / targets.Count + 1;
        var requests = targets.SelectMany(t => Enumerable.Range(0, perTarget).Select(_ => (target: t, sent: Compose(t, random)))).ToList();
        // Shuffled, so a command that changes the case is met by reads of it and other commands.
        requests = requests.OrderBy(_ => random.Next()).ToList();
        var logsBefore = service.Logs.Entries.Count;

        var failures = new System.Collections.Concurrent.ConcurrentQueue<(string kind, string example)>();
        var started = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken },
            async (request, cancellation) =>
            {
                var problem = await SendAndJudgeAsync(request.target, request.sent, cancellation);
                if (problem is not null) failures.Enqueue(($"{request.target.Key}: {problem.Split(':')[0]}", $"{request.sent}: {problem}"));
            });
        var elapsed = DateTimeOffset.UtcNow - started;

        var errors = service.Logs.Entries.Skip(logsBefore).Where(e => e.Level >= LogLevel.Error).ToList();
        var report = $"seed {seed} ({SeedVariable}={seed} replays it), {requests.Count} requests to {targets.Count} endpoints in {elapsed.TotalSeconds:0.0} s";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        requests.Count.ShouldBeGreaterThanOrEqualTo(MinimumRequests);
        // One example of each kind of wrong answer, so that one run shows every hole.
        var wrong = failures.GroupBy(f => f.kind).Select(g => $"{g.Count()} × {g.Key}, e.g. {g.First().example}").ToList();
        var holes = new List<string>();
        if (wrong.Count > 0) holes.Add($"{failures.Count} answers wrong:\n{string.Join("\n", wrong)}");
        if (errors.Count > 0) holes.Add($"{errors.Count} log entries at Error or above, the first:\n{string.Join("\n", errors.Take(5))}");
        holes.ShouldBeEmpty(report);
    }

    Sent Compose(Target target, Random random)
    {
        var path = new StringBuilder();
        foreach (var segment in target.Route.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart parameter => random.Next(3) == 0 ? Sensible(target, parameter.Name) : Pick(random, HostilePathValues),
                    RoutePatternSeparatorPart separator => separator.Content,
                    _ => "",
                });
        }
        var query = new List<string>();
        for (var i = random.Next(4); i > 0; i--)
            query.Add($"{(random.Next(10) == 0 ? Pick(random, HostileUrlValues) : Pick(random, target.QueryNames))}={Pick(random, HostileUrlValues)}");
        var url = path + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        var body = target.Method is "POST" or "PUT" or "PATCH" ? Body(target.BodyType, random) : null;
        return new Sent(target.Method, url, body, SignedIn: random.Next(20) != 0);
    }

    string Sensible(Target target, string parameter) => parameter.ToLowerInvariant() switch
    {
        "id" when target.Route.RawText!.Contains("parties", StringComparison.Ordinal) => service.PartyId.ToString(),
        "id" => service.CaseId.ToString(),
        "casenumber" => Uri.EscapeDataString(service.CaseNumber),
        "code" => "S1C1",
        _ => "x",
    };

    static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A body shaped like <paramref name="type"/> with one thing wrong, or no body, or no JSON at all.</summary>
    static string? Body(Type? type, Random random)
    {
        switch (random.Next(20))
        {
            case 0: return null;
            case 1: return "";
            case 2: return Pick(random, new[] { "null", "[]", "42", "\"text\"", "{", "{\"a\":}", "{'a':1}", "{\"a\":1,}", "\u0000", "{\"a\":1}{\"b\":2}", "nul" });
            case 3: return new string('[', 5000) + new string(']', 5000);
            case 4: return "{" + string.Concat(Enumerable.Repeat("\"a\":{", 300)) + string.Concat(Enumerable.Repeat("}", 301));
        }
        var node = type is null ? new JsonObject { ["anything"] = 1 } : Value(type, random, depth: 0) ?? new JsonObject();
        if (node is JsonObject obj && random.Next(2) == 0) Spoil(obj, type, random);
        return Encode(node.ToJsonString());
    }

    /// <summary>Puts a hostile value into one member of the body, or adds one it does not have.</summary>
    static void Spoil(JsonObject body, Type? type, Random random)
    {
        var names = body.Select(p => p.Key).ToList();
        var target = names.Count == 0 || random.Next(6) == 0 ? Pick(random, new[] { "unknownField", "__proto__", "$type", "Summary", "id" }) : Pick(random, names);
        body[target] = random.Next(12) switch
        {
            0 => null,
            1 => JsonValue.Create("NotAValue"),
            2 => JsonValue.Create(Pick(random, HostileTexts)),
            3 => JsonNode.Parse("1e400"),
            4 => JsonNode.Parse("-99999999999999999999999999999999"),
            5 => JsonValue.Create(2.5),
            6 => new JsonArray(JsonValue.Create(1), null, JsonValue.Create("x")),
            7 => new JsonObject { ["nested"] = new JsonObject { ["deeper"] = JsonValue.Create(true) } },
            8 => JsonValue.Create(true),
            9 => JsonValue.Create(long.MaxValue),
            10 => JsonValue.Create(""),
            _ => JsonValue.Create(new string('x', 100_000)),
        };
    }

    /// <summary>A value of <paramref name="type"/>, sometimes of the wrong type or out of its range.</summary>
    static JsonNode? Value(Type type, Random random, int depth)
    {
        if (random.Next(25) == 0) return null;
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        if (inner == typeof(string)) return JsonValue.Create(Pick(random, HostileTexts));
        if (inner.IsEnum)
            return random.Next(4) == 0 ? JsonValue.Create(Pick(random, new[] { "NotAValue", "0", "", "assigned", "Grid,County" }))
                : JsonValue.Create(Pick(random, Enum.GetNames(inner)));
        if (inner == typeof(bool)) return JsonValue.Create(random.Next(2) == 0);
        if (inner == typeof(int) || inner == typeof(long) || inner == typeof(short))
            return random.Next(5) == 0 ? JsonNode.Parse(Pick(random, new[] { "99999999999", "-1", "1.5", "\"12\"", "1e3" })) : JsonValue.Create(random.Next(-5, 500));
        if (inner == typeof(decimal) || inner == typeof(double) || inner == typeof(float))
            return random.Next(5) == 0 ? JsonNode.Parse(Pick(random, new[] { "1e400", "-1e400", "79228162514264337593543950336", "\"NaN\"", "\"Infinity\"" }))
                : JsonValue.Create(random.Next(0, 100_000) / 100m);
        if (inner == typeof(DateTimeOffset) || inner == typeof(DateTime))
            return JsonValue.Create(Pick(random, new[]
            {
                "2026-01-05T09:00:00+08:00", "2026-01-05T09:00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "yesterday", "2026-02-30T00:00:00Z", "",
            }));
        if (inner == typeof(DateOnly)) return JsonValue.Create(Pick(random, new[] { "2026-01-05", "2026-13-01", "0001-01-01", "x" }));
        if (inner == typeof(Guid)) return JsonValue.Create(Pick(random, new[] { Guid.Empty.ToString(), Guid.NewGuid().ToString(), "not-a-guid" }));
        if (inner != typeof(string) && inner.GetInterfaces().Append(inner).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } sequence)
        {
            var array = new JsonArray();
            if (depth < 4)
                for (var i = random.Next(4); i > 0; i--) array.Add(Value(sequence.GetGenericArguments()[0], random, depth + 1));
            return array;
        }
        if (depth >= 4 || inner.IsPrimitive) return JsonValue.Create(random.Next());
        var obj = new JsonObject();
        foreach (var property in inner.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0))
            if (random.Next(8) != 0) obj[JsonNamingPolicy.CamelCase.ConvertName(property.Name)] = Value(property.PropertyType, random, depth + 1);
        return obj;
    }

    static string Encode(string json) => json.Replace(JsonSerializer.Serialize(LoneSurrogate).Trim('"'), "\\ud800", StringComparison.Ordinal);

    async Task<string?> SendAndJudgeAsync(Target target, Sent sent, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(new HttpMethod(sent.Method), new Uri(sent.Url, UriKind.Relative));
        if (sent.SignedIn) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", service.Token);
        if (sent.Body is not null) request.Content = new StringContent(sent.Body, Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await service.Host.Server.CreateClient().SendAsync(request, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"the server threw {e.GetType().Name}: {e.Message}";
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (status >= 500) return $"{status}: {Shorten(await response.Content.ReadAsStringAsync(cancellation))}";
            if (status < 400) return null;
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (target.IsApi && mediaType != "application/problem+json") return $"{status} as {mediaType ?? "no content type"}, not problem details";
            if (mediaType != "application/problem+json") return null;
            var text = await response.Content.ReadAsStringAsync(cancellation);
            JsonNode? problem;
            try { problem = JsonNode.Parse(text); }
            catch (JsonException) { return $"{status} with a body that is not JSON: {Shorten(text)}"; }
            if (problem?["status"]?.GetValue<int>() != status) return $"{status} with problem details of another status: {Shorten(text)}";
            // The framework's own endpoints (/_framework/…) take no fields of the service's.
            if (status == 400 && target.IsService && (problem["errors"] as JsonObject ?? []).Count(e => e.Key.Length > 0 && e.Value is JsonArray { Count: > 0 }) == 0)
                return $"400 naming no field in errors: {Shorten(text)}";
            return null;
        }
    }
}
