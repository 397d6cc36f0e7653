using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mediation.Reliability.Harness;

/// <summary>One answer, or none (<see cref="Status"/> 0: refused, reset or timed out before an answer came).</summary>
public sealed record Answer(int Status, string Body, string? ContentType, string? Failure, DateTimeOffset SentAt)
{
    public bool Ok => Status is >= 200 and < 300;
    public bool Answered => Status != 0;
    public JsonNode? Json => Body.Length > 0 && ContentType?.Contains("json") == true ? JsonNode.Parse(Body) : null;
    public Guid? Id => Ok && Json?["id"] is { } id ? Guid.Parse(id.GetValue<string>()) : null;
    public long? Version => Ok && Json?["version"] is { } version ? version.GetValue<long>() : null;
}

/// <summary>A command the service acknowledged (2xx): its event must be in the case's stream at <see cref="Version"/>.</summary>
public sealed record Ack(Guid Case, string Action, long Version, string? Key = null);

/// <summary>
/// The service over HTTP, signed in per role, counting every answer by status. Every acknowledged
/// command goes into the ack log; every request that got no answer is counted against its case, since
/// it may or may not have been carried out.
/// </summary>
public sealed class Api(string url) : IDisposable
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };
    readonly Dictionary<string, string> _tokens = [];
    // The nodes requests go to in turn, as a load balancer sends them; a node taken out gets no more.
    volatile Uri[] _nodes = [new Uri(url)];
    int _turn;

    public void AddNode(string node) => _nodes = [.. _nodes, new Uri(node)];
    public void RemoveNode(string node) => _nodes = _nodes.Where(n => n != new Uri(node)).ToArray();

    Uri Next(string path)
    {
        var nodes = _nodes;
        return new Uri(nodes[(int)((uint)Interlocked.Increment(ref _turn) % nodes.Length)], path);
    }

    public Tally Tally { get; private set; } = new();
    public ConcurrentBag<Ack> Acks { get; } = [];
    public ConcurrentDictionary<Guid, int> Unanswered { get; } = new();

    /// <summary>Starts counting afresh (a new scenario); the ack log is kept, since every scenario's writes must stay.</summary>
    public Tally Restart() => Tally = new Tally();

    public async Task SignInAsync(string role, string username, string password)
    {
        using var response = await _http.PostAsJsonAsync(Next("/api/auth/token"), new { username, password });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"signing in as {username} answered {(int)response.StatusCode}: {body}");
        _tokens[role] = JsonNode.Parse(body)!["accessToken"]!.GetValue<string>();
    }

    public Task<Answer> GetAsync(string path, string role = "Supervisor") => SendAsync(HttpMethod.Get, path, role, null, null, null, count: false);

    /// <summary>Files a case; a 201 goes into the ack log as its first event.</summary>
    public async Task<Answer> FileAsync(object body, string role = "Clerk", string? idempotencyKey = null)
    {
        var answer = await SendAsync(HttpMethod.Post, "/api/cases", role, body, null, idempotencyKey);
        if (answer.Id is { } id) Acks.Add(new Ack(id, "file", answer.Version!.Value, idempotencyKey));
        return answer;
    }

    /// <summary>A case command; a 2xx goes into the ack log, no answer is counted against the case.</summary>
    public async Task<Answer> CommandAsync(Guid id, string action, string role, object body, long? ifMatch = null, string? idempotencyKey = null)
    {
        var answer = await SendAsync(HttpMethod.Post, $"/api/cases/{id}/{action}", role, body, ifMatch, idempotencyKey);
        if (answer.Version is { } version) Acks.Add(new Ack(id, action, version, idempotencyKey));
        else if (!answer.Answered) Unanswered.AddOrUpdate(id, 1, (_, n) => n + 1);
        return answer;
    }

    async Task<Answer> SendAsync(HttpMethod method, string path, string role, object? body, long? ifMatch, string? idempotencyKey, bool count = true)
    {
        using var request = new HttpRequestMessage(method, Next(path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[role]);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
        if (ifMatch is { } version) request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var sent = DateTimeOffset.UtcNow;
        Answer answer;
        try
        {
            using var response = await _http.SendAsync(request);
            answer = new Answer((int)response.StatusCode, await response.Content.ReadAsStringAsync(),
                response.Content.Headers.ContentType?.MediaType, null, sent);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            answer = new Answer(0, "", null, e.GetBaseException().Message, sent);
        }
        if (count) Tally.Add(path, answer);
        return answer;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Answers by status class, and the first few server errors in full for the report.</summary>
public sealed class Tally
{
    readonly ConcurrentDictionary<int, int> _byStatus = new();
    readonly ConcurrentQueue<string> _serverErrors = new();
    readonly Stopwatch _watch = Stopwatch.StartNew();

    public int Requests => _byStatus.Values.Sum();
    public int Count(Func<int, bool> status) => _byStatus.Where(s => status(s.Key)).Sum(s => s.Value);
    public int Success => Count(s => s is >= 200 and < 300);
    public int ClientErrors => Count(s => s is >= 400 and < 500);
    public int ServerErrors => Count(s => s >= 500);
    public int NoAnswer => Count(s => s == 0);
    public int Status(int status) => _byStatus.GetValueOrDefault(status);
    public IReadOnlyCollection<string> ServerErrorSamples => _serverErrors;

    /// <summary>503 answers that are not problem details.</summary>
    public int PlainUnavailable => _plainUnavailable;
    int _plainUnavailable;
    public TimeSpan Elapsed => _watch.Elapsed;

    public void Add(string path, Answer answer)
    {
        _byStatus.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);
        if (answer.Status == 503 && answer.ContentType != "application/problem+json") Interlocked.Increment(ref _plainUnavailable);
        var unavailable = answer.Status == 503 && answer.ContentType == "application/problem+json";
        if (answer.Status >= 500 && !unavailable && _serverErrors.Count < 5)
            _serverErrors.Enqueue($"{answer.Status} {answer.ContentType} {path}: {answer.Body[..Math.Min(300, answer.Body.Length)]}");
    }

    /// <summary>"2xx 812, 4xx 301 (409 250, 412 51), 5xx 0, no answer 3".</summary>
    public string Summary()
    {
        var fours = _byStatus.Where(s => s.Key is >= 400 and < 500).OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}");
        var fives = _byStatus.Where(s => s.Key >= 500).OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}");
        return $"2xx {Success}, 4xx {ClientErrors}" + (ClientErrors > 0 ? $" ({string.Join(", ", fours)})" : "") +
               $", 5xx {ServerErrors}" + (ServerErrors > 0 ? $" ({string.Join(", ", fives)})" : "") + $", no answer {NoAnswer}";
    }
}
