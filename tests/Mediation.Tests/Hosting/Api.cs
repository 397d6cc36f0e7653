using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mediation.Tests.Hosting;

/// <summary>A thin HTTP client for tests: JSON (or a form given as <see cref="HttpContent"/>) in, status and JSON out, as a client of the API sees it.</summary>
public sealed class Api(HttpClient client)
{
    public HttpClient Client { get; } = client;

    public sealed record Answer(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)
    {
        public int Code => (int)Status;
        public string? ETag => Response.Headers.ETag?.Tag;
        public JsonNode Body => Json ?? throw new InvalidOperationException($"No JSON body (status {Code})");
        public long Version => Body["version"]!.GetValue<long>();
        public Guid Id => Guid.Parse(Body["id"]!.GetValue<string>());
        public override string ToString() => $"{Code} {Json?.ToJsonString()}";

        public Answer ShouldBe(HttpStatusCode expected)
        {
            Status.ShouldBe(expected, ToString());
            return this;
        }
    }

    public Task<Answer> Get(string path) => Send(HttpMethod.Get, path, null);

    public Task<Answer> Post(string path, object? body, Action<HttpRequestMessage>? configure = null) => Send(HttpMethod.Post, path, body, configure);

    public Task<Answer> Put(string path, object? body) => Send(HttpMethod.Put, path, body);

    public async Task<Answer> Send(HttpMethod method, string path, object? body, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is HttpContent content) request.Content = content;
        else if (body is string raw) request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body, options: Options);
        configure?.Invoke(request);
        var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        JsonNode? json = null;
        if (text.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json") ?? false)) json = JsonNode.Parse(text);
        return new Answer(response.StatusCode, json, response);
    }

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
