using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mediation.Tests.Cases;
using Mediation.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using YamlDotNet.RepresentationModel;

namespace Mediation.Tests.Telemetry;

/// <summary>What an operator sees of commands: a trace from the request to the statements, and metrics that move with them.</summary>
public class TelemetryTests(TelemetryFixture service) : IClassFixture<TelemetryFixture>
{
    Api Api => service.Api;

    static async Task<T> Eventually<T>(Func<T?> read, Func<T, bool> done, string what) where T : class
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(15); waited += TimeSpan.FromMilliseconds(100))
        {
            if (read() is { } value && done(value)) return value;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        throw new ShouldAssertException($"Not seen within 15 s: {what}");
    }

    [Fact]
    public async Task A_command_is_traced_from_the_request_through_the_command_to_its_database_calls()
    {
        var filed = (await Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created);
        // Without a correlation id of the client's, the answer carries the request's trace id as one.
        var traceId = filed.Response.Headers.GetValues("X-Correlation-Id").Single();

        var trace = await Eventually(() => service.Spans.Snapshot().Where(s => s.TraceId.ToHexString() == traceId).ToList(),
            spans => spans.Any(s => s.Kind == ActivityKind.Server) && spans.Any(s => s.Source.Name == "Mediation"), "the request's and the command's spans");
        var command = trace.Single(s => s.Source.Name == "Mediation");
        command.DisplayName.ShouldBe("command file");
        command.GetTagItem("http.response.status_code").ShouldBe(201);
        var request = trace.Single(s => s.Kind == ActivityKind.Server);
        request.GetTagItem("http.route").ShouldBe("/api/cases");
        request.GetTagItem("http.response.status_code").ShouldBe(201);
        command.ParentSpanId.ShouldBe(request.SpanId);
        // The statements that read and wrote the case: Npgsql's spans, under the command's.
        var bySpan = trace.ToDictionary(s => s.SpanId);
        bool Under(Activity span, Activity ancestor) =>
            span.ParentSpanId == ancestor.SpanId || (bySpan.TryGetValue(span.ParentSpanId, out var parent) && Under(parent, ancestor));
        trace.Where(s => s.Source.Name == "Npgsql" && Under(s, command)).ShouldNotBeEmpty(
            string.Join(", ", trace.Select(s => $"{s.Source.Name}:{s.DisplayName}")));
    }

    static long Commands(MetricSnapshot? metric, string command, string outcome, int status) =>
        metric?.MetricPoints.Where(p => Tag(p, "command") == command && Tag(p, "outcome") == outcome && Tag(p, "status") == status.ToString())
            .Sum(p => p.GetSumLong()) ?? 0;

    static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags) if (tag.Key == key) return tag.Value?.ToString();
        return null;
    }

    [Fact]
    public async Task Commands_are_counted_by_command_and_outcome_accepted_or_refused_with_the_status()
    {
        var before = service.Latest("mediation.commands");
        var filed = (await Api.Post("/api/cases", Requests.Dispute())).ShouldBe(HttpStatusCode.Created);
        // A stale version, and a command the case's state does not allow (it is not closed).
        (await Api.Post($"/api/cases/{filed.Id}/assign", new { gridCode = "S1C1G1", assignee = "甲" }, r => r.Headers.TryAddWithoutValidation("If-Match", "\"99\"")))
            .ShouldBe(HttpStatusCode.PreconditionFailed);
        var refused = await Api.Post($"/api/cases/{filed.Id}/reopen", new { reason = "当事人反映协议未履行" });
        refused.Code.ShouldBeOneOf(409, 422);

        var after = service.Latest("mediation.commands");
        (Commands(after, "file", "accepted", 201) - Commands(before, "file", "accepted", 201)).ShouldBe(1);
        (Commands(after, "assign", "refused", 412) - Commands(before, "assign", "refused", 412)).ShouldBe(1);
        (Commands(after, "reopen", "refused", refused.Code) - Commands(before, "reopen", "refused", refused.Code)).ShouldBe(1);
    }

    static long Gauge(MetricSnapshot? metric, string level) =>
        metric?.MetricPoints.Where(p => Tag(p, "level") == level).Select(p => p.GetGaugeLastValueLong()).DefaultIfEmpty(0).Single() ?? 0;

    [Fact]
    public async Task The_gauges_count_open_and_overdue_cases_by_level_and_the_statistics_lag()
    {
        var received = DateTimeOffset.UtcNow.AddDays(-90);
        (await Api.Post("/api/cases", Requests.Late(Requests.Dispute("S1C2", receivedAt: received)))).ShouldBe(HttpStatusCode.Created);
        (await Api.Post("/api/cases", Requests.Dispute("S1C2"))).ShouldBe(HttpStatusCode.Created);
        // No case of these tests goes further than registered: the registered ones are the open ones.
        var open = (await Api.Get("/api/cases?status=Registered&level=Community")).ShouldBe(HttpStatusCode.OK).Body["total"]!.GetValue<long>();

        await Eventually(() => service.Latest("mediation.cases.open"), m => Gauge(m, "Community") == open, $"{open} open cases at community level");
        var overdue = await Eventually(() => service.Latest("mediation.cases.overdue"), m => Gauge(m, "Community") >= 1, "an overdue case at community level");
        Gauge(overdue, "Community").ShouldBeLessThan(open);
        var lag = service.Latest("mediation.statistics.lag.events").ShouldNotBeNull();
        lag.MetricPoints.Single().GetGaugeLastValueLong().ShouldBeGreaterThanOrEqualTo(0);
    }

    /// <summary>The running service's own instruments, by the names Prometheus gives them (a counter ends in _total).</summary>
    IReadOnlySet<string> ServiceMetricNames()
    {
        var factory = service.Host.Services.GetRequiredService<IMeterFactory>();
        var names = new HashSet<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name != Mediation.Telemetry.ServiceMetrics.Name || instrument.Meter.Scope != factory) return;
            var name = instrument.Name.Replace('.', '_');
            names.Add(instrument.GetType().Name.StartsWith("Counter", StringComparison.Ordinal) ? name + "_total" : name);
        };
        listener.Start();
        return names;
    }

    [Fact]
    public void The_operators_dashboard_shows_every_metric_of_the_service_and_asks_for_none_it_lacks()
    {
        var folder = TelemetryDeploymentTests.Folder;
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "grafana", "dashboards", "mediation.json")))!;
        var panels = dashboard["panels"]!.AsArray();
        var queries = panels.SelectMany(p => p!["targets"]!.AsArray().Select(t => t!["expr"]!.GetValue<string>())).ToList();
        var asked = queries.SelectMany(q => Regex.Matches(q, @"\bmediation_\w+").Select(m => m.Value)).Order().Distinct().ToList();
        var service = ServiceMetricNames();
        service.Count.ShouldBeGreaterThanOrEqualTo(6);
        asked.ShouldBe(service.Order().ToList());
        // Every panel reads the data source Grafana is provisioned with.
        var source = TelemetryDeploymentTests.Yaml(Path.Combine(folder, "grafana", "provisioning", "datasources", "prometheus.yaml"));
        var uid = ((YamlScalarNode)TelemetryDeploymentTests.At(((YamlSequenceNode)TelemetryDeploymentTests.At(source, "datasources")).Children[0], "uid")).Value;
        panels.ShouldAllBe(p => p!["datasource"]!["uid"]!.GetValue<string>() == uid);
    }
}
