using System.Reflection;
using Bunit;
using Mediation.Cases;
using Mediation.Cases.Deadlines;
using Mediation.Language;
using Mediation.Security;
using Mediation.Seeding;
using Mediation.Workbench.CaseFile;
using Mediation.Workbench.Layout;
using Wolverine.Http;

namespace Mediation.Tests.Cases;

/// <summary>
/// Every command on a case is listed once, in <see cref="CaseCommands"/>, and whatever lists case
/// commands (the access table, the workbench's actions, the seeder) takes them from there.
/// </summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class CaseCommandCatalogueTests
{
    const string CaseCommandRoute = "/api/cases/{id}/";

    static readonly Assembly Service = typeof(CaseCommands).Assembly;

    /// <summary>
    /// The one command on a case that is not a JSON body: an upload is a multipart form, so the workbench's
    /// dialogs and the seeder do not offer it, and its access row is the table's own.
    /// </summary>
    static readonly Type Upload = typeof(Mediation.Cases.Attachments.AddAttachment);
    const string UploadRoute = Mediation.Cases.Attachments.AddAttachmentEndpoint.Route;

    [Fact]
    public void Every_case_command_record_and_endpoint_is_in_the_catalogue_once()
    {
        var records = Service.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICaseCommand).IsAssignableFrom(t) && t != Upload);
        CaseCommands.All.Select(c => c.Record).ShouldBe(records, ignoreOrder: true);

        // Each POST or PUT /api/cases/{id}/... endpoint, with the command record it takes.
        var endpoints = Service.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Select(m => (method: m, route: m.GetCustomAttribute<WolverineHttpMethodAttribute>() is { HttpMethod: "POST" or "PUT" } http ? http.Template : null))
            .Where(e => e.route?.StartsWith(CaseCommandRoute, StringComparison.Ordinal) == true && e.route != UploadRoute)
            .Select(e => (route: e.route!, record: e.method.GetParameters().Single(p => typeof(ICaseCommand).IsAssignableFrom(p.ParameterType)).ParameterType))
            .ToList();
        CaseCommands.All.Select(c => (c.Route, c.Record)).ShouldBe(endpoints, ignoreOrder: true);

        CaseCommands.All.Select(c => c.Name).ShouldBeUnique();
        foreach (var entry in CaseCommands.All)
        {
            entry.Route.ShouldBe(CaseCommandRoute + entry.Name);
            entry.Endpoint.GetParameters().ShouldContain(p => p.ParameterType == entry.Record);
            CaseCommands.Find(entry.Name).ShouldBeSameAs(entry);
        }
    }

    [Fact]
    public void The_access_table_takes_each_case_command_row_from_the_catalogue()
    {
        foreach (var entry in CaseCommands.All)
        {
            AccessTable.Endpoints[entry.AccessKey].ShouldBeSameAs(entry.Access, entry.Name);
            entry.AccessKey.ShouldBe($"{entry.Method} {entry.Route}");
            entry.Access.InJurisdiction.ShouldBeTrue(entry.Name);
        }
        AccessTable.Endpoints.Keys.Where(k => (k.StartsWith("POST " + CaseCommandRoute, StringComparison.Ordinal) || k.StartsWith("PUT " + CaseCommandRoute, StringComparison.Ordinal))
            && k != "POST " + UploadRoute)
            .ShouldBe(CaseCommands.All.Select(c => c.AccessKey), ignoreOrder: true);
    }

    [Fact]
    public void The_workbench_offers_the_catalogue_entries_and_shows_each_one_its_form()
    {
        var supervisor = new CurrentUser("supervisor", "C1", new HashSet<string> { Roles.Supervisor });
        var context = new DecisionContext(CaseStates.Received.AddDays(10), DecisionMatrixTests.Org, new DeadlinePolicy());
        var offered = CaseActions.Offered(CaseStates.Escalated(), supervisor, context);
        offered.ShouldNotBeEmpty();
        foreach (var action in offered) CaseCommands.All.ShouldContain(entry => ReferenceEquals(entry, action));

        using var bunit = new BunitContext();
        foreach (var entry in CaseCommands.All.Where(e => e.InWorkbench))
        {
            var dialog = bunit.Render<ActionFields>(p => p.AddCascadingValue(Texts.En).Add(f => f.Action, entry));
            var inputs = dialog.FindAll("input, select, textarea").Select(e => e.GetAttribute("name") ?? "").ToList();
            inputs.ShouldBe(entry.Form.Select(f => $"Act.{char.ToUpperInvariant(f.Name[0])}{f.Name[1..]}").ToList(), entry.Name);
        }
    }

    [Fact]
    public void The_seeder_plans_its_steps_from_the_catalogue()
    {
        var end = new DateTimeOffset(2026, 6, 30, 0, 0, 0, TimeSpan.Zero);
        var planner = new CasePlanner(DecisionMatrixTests.Org, end.AddDays(-365), end);
        var steps = Enumerable.Range(0, 300).SelectMany(n => planner.Plan(seed: 1, n).Steps).ToList();

        steps.ShouldNotBeEmpty();
        foreach (var step in steps)
        {
            CaseCommands.All.ShouldContain(entry => ReferenceEquals(entry, step.Entry));
            step.Command.GetType().ShouldBe(step.Entry.Record);
        }
        // The demo's lives of cases use most of the catalogue, not a list of their own.
        steps.Select(s => s.Entry).Distinct().Count().ShouldBeGreaterThan(CaseCommands.All.Count / 2);
    }
}
