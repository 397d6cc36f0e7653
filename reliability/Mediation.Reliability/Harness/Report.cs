using System.Text;

namespace Mediation.Reliability.Harness;

/// <summary>One scenario's figures and the properties it found violated (none: it passed).</summary>
public sealed class ScenarioReport(string name, string property)
{
    public string Name { get; } = name;
    public string Property { get; } = property;
    public List<(string label, string value)> Figures { get; } = [];
    public List<string> Violations { get; } = [];
    public TimeSpan Elapsed { get; set; }
    public bool Passed => Violations.Count == 0;

    public ScenarioReport Add(string label, object value)
    {
        Figures.Add((label, value.ToString() ?? ""));
        return this;
    }

    /// <summary>Records <paramref name="violation"/> unless <paramref name="holds"/>.</summary>
    public void Check(bool holds, string violation)
    {
        if (!holds) Violations.Add(violation);
    }

    public void Print()
    {
        Console.WriteLine($"== {Name}: {(Passed ? "passed" : "FAILED")} ({Elapsed.TotalSeconds:0} s)");
        foreach (var (label, value) in Figures) Console.WriteLine($"   {label}: {value}");
        foreach (var violation in Violations.Take(20)) Console.WriteLine($"   VIOLATED: {violation}");
        if (Violations.Count > 20) Console.WriteLine($"   … and {Violations.Count - 20} more violations");
    }

    public static string Markdown(string mode, IReadOnlyList<ScenarioReport> reports, TimeSpan total)
    {
        var text = new StringBuilder();
        text.AppendLine($"# Reliability suite: {mode}").AppendLine();
        text.AppendLine($"Run at {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {total.TotalMinutes:0.0} minutes; " +
                        $"{(reports.All(r => r.Passed) ? "every property held" : "PROPERTIES VIOLATED")}.").AppendLine();
        foreach (var report in reports)
        {
            text.AppendLine($"## {report.Name}: {(report.Passed ? "passed" : "failed")}").AppendLine();
            text.AppendLine(report.Property).AppendLine();
            text.AppendLine("| figure | value |").AppendLine("|---|---|");
            foreach (var (label, value) in report.Figures) text.AppendLine($"| {label} | {value.Replace("|", "\\|")} |");
            text.AppendLine();
            foreach (var violation in report.Violations.Take(50)) text.AppendLine($"- violated: {violation}");
            if (!report.Passed) text.AppendLine();
        }
        return text.ToString();
    }
}
