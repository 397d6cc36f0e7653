using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mediation.Common;
using Mediation.Hosting;

namespace Mediation.Idempotency;

/// <summary>
/// The first answer to a request sent with an <c>Idempotency-Key</c>, stored in the same transaction
/// as the events it produced, so a repeat is answered from here and appends nothing.
/// </summary>
public sealed record IdempotentRequest
{
    /// <summary>The caller and their key: a key belongs to the user who sent it.</summary>
    public string Id { get; init; } = "";
    public string RequestHash { get; init; } = "";
    public int Status { get; init; }
    public string Body { get; init; } = "";
    public string? Location { get; init; }
    public string? ETag { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public const string Header = "Idempotency-Key";

    /// <summary>How long keys are kept: at least a day, as clients are told.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(48);

    public static string IdFor(string user, string key) => $"{user}\n{key}";

    /// <summary>Same method, path and body (as the service understood it) give the same hash.</summary>
    public static string HashOf(HttpRequest request, object command) => HashOf(request.Method, request.Path, command);

    /// <summary>The same hash for a command sent without HTTP, named by the request it stands for.</summary>
    public static string HashOf(string method, string path, object command) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{method} {path}\n{JsonSerializer.Serialize(command, command.GetType(), JsonOptions)}")));

    static readonly JsonSerializerOptions JsonOptions = CreateOptions();

    static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        Json.Configure(options);
        return options;
    }

    /// <summary>The key from the request, if any, or a problem when it is malformed.</summary>
    public static (string? key, Microsoft.AspNetCore.Mvc.ProblemDetails? problem) KeyFrom(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(Header, out var values)) return (null, null);
        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > 200 || key.Any(c => c < 0x21 || c > 0x7e))
            return (null, Problems.Invalid(Header, FieldMessage.IdempotencyKeyShape));
        return (key, null);
    }
}
