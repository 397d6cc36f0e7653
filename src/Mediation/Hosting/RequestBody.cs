using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Mediation.Common;

namespace Mediation.Hosting;

/// <summary>
/// The JSON body of a request, checked before its endpoint reads it, so that a body the service
/// cannot read is answered 400 with an <c>errors</c> entry for the field, named by its JSON path as
/// the client wrote it (<c>parties[0].role</c>), saying what the field must be: for an enum, the
/// values it takes. Wolverine reads bodies in generated code (<c>HttpHandler.ReadJsonAsync</c>) that
/// answers a malformed body with its serializer's message and no <c>errors</c>, and logs it as an
/// error with a stack trace; 6.62 offers no way to change either (the method is not virtual and the
/// seam for another reader is internal). So the body is read here first, with the same serializer
/// options: a body this accepts, the endpoint then reads without fault (a second parse of a few
/// hundred bytes, against a database round trip).
/// </summary>
public static class RequestBody
{
    /// <summary>
    /// The endpoints' options with the NUL check added: only here, so that the options the OpenAPI
    /// document is described from keep their plain strings (a converter hides a property's type).
    /// </summary>
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Checking = new();

    public static async Task Check(HttpContext http, Func<Task> next)
    {
        var type = http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        // Another content type is the endpoint's to refuse (415).
        if (type is null || !IsJson(http.Request.ContentType)) { await next(); return; }

        var options = Checking.GetValue(http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions,
            endpoint => new JsonSerializerOptions(endpoint) { Converters = { new TextWithoutNul() } });
        http.Request.EnableBuffering();
        try
        {
            await JsonSerializer.DeserializeAsync(http.Request.Body, type, options, http.RequestAborted);
        }
        catch (JsonException e)
        {
            await Problems.Invalid(Describe(options.GetTypeInfo(type), e)).ToResult().ExecuteAsync(http);
            return;
        }
        catch (BadHttpRequestException e)
        {
            // The server refused the body itself (too large, truncated, too slow): its status says why.
            await new ProblemDetails { Status = e.StatusCode, Title = "The request body could not be read", Detail = e.Message }.ToResult().ExecuteAsync(http);
            return;
        }
        http.Request.Body.Position = 0;
        await next();
    }

    /// <summary>As Wolverine decides it: no content type, or a JSON one.</summary>
    static bool IsJson(string? contentType) =>
        string.IsNullOrEmpty(contentType) || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("text/json", StringComparison.OrdinalIgnoreCase) || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("*/*", StringComparison.Ordinal);

    /// <summary>The field the serializer stopped at, and what it must be.</summary>
    public static Dictionary<string, string[]> Describe(JsonTypeInfo body, JsonException e)
    {
        var segments = Segments(e.Path);
        var field = segments.Count == 0 ? "body" : string.Concat(segments.Select((s, i) => s.Index is { } n ? $"[{n}]" : i == 0 ? s.Name : "." + s.Name));
        if (e is RefusedText refused) return new() { [field] = [refused.Message] };
        // The reader's own complaint (a broken token, an unclosed object) needs no type to explain it.
        if (e.InnerException is JsonException syntax)
            return new() { [field] = [$"is not valid JSON: {WithoutPosition(syntax.Message)}"] };
        if (segments.Count == 0) return new() { [field] = [body.Kind == JsonTypeInfoKind.Object ? "must be a JSON object" : $"must be {Expected(body.Type)}"] };

        var info = body;
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            Type? next = null;
            if (segment.Name is { } name && info.Kind == JsonTypeInfoKind.Object)
            {
                var comparison = info.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, comparison));
                if (property is null)
                    return new() { [field] = [$"is not a field here; the fields are {string.Join(", ", info.Properties.Select(p => p.Name))}"] };
                next = property.PropertyType;
            }
            else if (segment.Index is not null && info.Kind == JsonTypeInfoKind.Enumerable) next = info.ElementType;
            if (next is null) break;
            if (i == segments.Count - 1) return new() { [field] = [$"must be {Expected(next)}"] };
            info = info.Options.GetTypeInfo(Nullable.GetUnderlyingType(next) ?? next);
        }
        return new() { [field] = ["is not of the expected type"] };
    }

    static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum) return $"one of {string.Join(", ", Enum.GetNames(type))}";
        if (type == typeof(string)) return "a string of valid Unicode text";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(int)) return $"a whole number from {int.MinValue} to {int.MaxValue}";
        if (type == typeof(long)) return $"a whole number from {long.MinValue} to {long.MaxValue}";
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float)) return "a number";
        if (type == typeof(DateTimeOffset)) return "a time in ISO 8601 with its offset, e.g. 2026-03-31T09:30:00+08:00";
        if (type == typeof(DateOnly)) return "a date, yyyy-MM-dd";
        if (type == typeof(Guid)) return "a UUID";
        if (type != typeof(string) && type.IsAssignableTo(typeof(System.Collections.IEnumerable))) return "an array";
        return "a JSON object";
    }

    readonly record struct Segment(string? Name, int? Index);

    /// <summary>The steps of a path the serializer reports: <c>$.parties[0].role</c>, <c>$['odd name']</c>.</summary>
    static List<Segment> Segments(string? path)
    {
        var segments = new List<Segment>();
        if (path is null || !path.StartsWith('$')) return segments;
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                segments.Add(new Segment(path[(i + 1)..end], null));
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0) break;
                segments.Add(new Segment(path[(i + 2)..end], null));
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), out var index)) break;
                segments.Add(new Segment(null, index));
                i = end + 1;
            }
            else break;
        }
        return segments;
    }

    /// <summary>The reader's message without the position it appends (the field already says where).</summary>
    static string WithoutPosition(string message)
    {
        var at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return at < 0 ? message : message[..at];
    }

    /// <summary>A string the service will not take whatever the field: its converter says why.</summary>
    sealed class RefusedText(string message) : JsonException(message);

    /// <summary>
    /// Every string of a request: PostgreSQL stores no NUL in text or JSON, so a NUL anywhere (a code
    /// only looked up, a name) would fail in the database; it is refused here, naming the field.
    /// Other control characters are each field's rule (<see cref="Validation.Text"/>).
    /// </summary>
    sealed class TextWithoutNul : System.Text.Json.Serialization.JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            if (text is not null && text.Contains('\0')) throw new RefusedText("must not contain the NUL character (\\u0000)");
            return text;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
