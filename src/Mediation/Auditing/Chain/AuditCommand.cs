using System.Globalization;
using JasperFx.CommandLine;
using Spectre.Console;

namespace Mediation.Auditing.Chain;

public sealed class AuditInput : NetCoreInput
{
    [Description("verify: check every case (or one) and digest lines kept outside; digests: list (or --write) the daily lines; " +
                 "upgrade-chain: take over the SHA-256 chain of an earlier version")]
    public string Action { get; set; } = "verify";

    [Description("verify: only this case (its id)")]
    public string? CaseFlag { get; set; }

    [Description("verify: also check the digest lines in this file (one a line, as printed), e.g. those sent upward")]
    public string? DigestsFlag { get; set; }

    [Description("digests: first day, yyyy-MM-dd")]
    public string? FromFlag { get; set; }

    [Description("digests: last day, yyyy-MM-dd")]
    public string? ToFlag { get; set; }

    [Description("digests: first write the lines of every day that has ended and has none (as the daily schedule does)")]
    public bool WriteFlag { get; set; }

    [Description("upgrade-chain: seal the events as they are even where the old chain does not hold (the list is printed, keep it)")]
    public bool AcceptBrokenFlag { get; set; }
}

[Description("Tamper evidence: verify cases and digest lines, list the daily digests, upgrade an earlier version's chain")]
public sealed class AuditCommand : JasperFxAsyncCommand<AuditInput>
{
    public AuditCommand()
    {
        Usage("Verify every case").Arguments(x => x.Action);
    }

    public override async Task<bool> Execute(AuditInput input)
    {
        // The host is built, not started: the upgrade must run where the service itself refuses to start.
        using var host = input.BuildHost();
        var services = host.Services;
        return input.Action switch
        {
            "verify" => await VerifyAsync(input, services),
            "digests" => await DigestsAsync(input, services),
            "upgrade-chain" => await UpgradeAsync(input, services),
            _ => Fail("the action is verify, digests or upgrade-chain"),
        };
    }

    static async Task<bool> VerifyAsync(AuditInput input, IServiceProvider services)
    {
        Guid? caseId = null;
        if (input.CaseFlag is not null)
        {
            if (!Guid.TryParse(input.CaseFlag, out var parsed)) return Fail("--case must be a case id");
            caseId = parsed;
        }
        List<ChainDigest>? lines = null;
        if (input.DigestsFlag is not null)
        {
            if (!File.Exists(input.DigestsFlag)) return Fail($"there is no file {input.DigestsFlag}");
            lines = [];
            foreach (var text in (await File.ReadAllLinesAsync(input.DigestsFlag)).Where(l => l.Trim() is { Length: > 0 } t && !t.StartsWith('#')))
            {
                if (ChainDigest.Parse(text) is not { } line) return Fail($"not a digest line: {text}");
                lines.Add(line);
            }
        }

        var verifier = services.GetRequiredService<ChainVerifier>();
        var checks = caseId is { } id ? [await verifier.VerifyCaseAsync(id, CancellationToken.None)] : await verifier.VerifyAllAsync(CancellationToken.None);
        var broken = checks.Where(c => !c.Intact).ToList();
        foreach (var check in broken)
        foreach (var problem in check.Problems)
            AnsiConsole.MarkupLine($"[red]case {check.CaseId}: {problem.Kind}{(problem.Version is { } v ? $" at version {v}" : "")}: {Markup.Escape(problem.Detail)}[/]");
        AnsiConsole.MarkupLine(broken.Count == 0
            ? $"[green]{checks.Count} cases, {checks.Sum(c => c.Events)} events: every case is as recorded[/]"
            : $"[red]{broken.Count} of {checks.Count} cases are not as recorded[/]");

        var digestsHold = true;
        if (lines is { Count: > 0 })
        {
            var results = await services.GetRequiredService<ChainDigests>().CheckAsync(lines, CancellationToken.None);
            foreach (var result in results.Where(r => !r.Holds))
            foreach (var problem in result.Problems)
                AnsiConsole.MarkupLine($"[red]digest {result.Digest.Day:yyyy-MM-dd}: {problem.Kind}: {Markup.Escape(problem.Detail)}[/]");
            digestsHold = results.All(r => r.Holds);
            AnsiConsole.MarkupLine(digestsHold
                ? $"[green]{results.Count} digest lines: the database agrees with every one[/]"
                : $"[red]{results.Count(r => !r.Holds)} of {results.Count} digest lines do not agree with the database[/]");
        }
        return broken.Count == 0 && digestsHold;
    }

    static async Task<bool> DigestsAsync(AuditInput input, IServiceProvider services)
    {
        DateOnly? from = null, to = null;
        if (input.FromFlag is not null && !TryDate(input.FromFlag, out from)) return Fail("--from must be a date, yyyy-MM-dd");
        if (input.ToFlag is not null && !TryDate(input.ToFlag, out to)) return Fail("--to must be a date, yyyy-MM-dd");
        var digests = services.GetRequiredService<ChainDigests>();
        if (input.WriteFlag) await digests.WriteDueAsync(CancellationToken.None);
        foreach (var digest in await digests.ListAsync(from, to, CancellationToken.None)) Console.WriteLine(digest.Line);
        return true;
    }

    static async Task<bool> UpgradeAsync(AuditInput input, IServiceProvider services)
    {
        var result = await services.GetRequiredService<LegacyChain>().UpgradeAsync(input.AcceptBrokenFlag, CancellationToken.None);
        if (!result.Found)
        {
            AnsiConsole.MarkupLine("[green]This database has no chain of an earlier version: nothing to upgrade[/]");
            return true;
        }
        if (result.Cases > 0 || result.Broken.Count > 0)
        {
            AnsiConsole.MarkupLine($"The SHA-256 chain covers {result.Cases} cases and {result.Events} events recorded " +
                                   $"from {result.FirstRecorded:yyyy-MM-dd HH:mm:ss} to {result.LastRecorded:yyyy-MM-dd HH:mm:ss} (UTC).");
            AnsiConsole.MarkupLine($"Fingerprint of its heads (SHA-256 over \"case version hash\" lines by case): {result.HeadsFingerprint}");
            foreach (var (caseId, version, problem) in result.Broken)
                AnsiConsole.MarkupLine($"[red]case {caseId}: the old chain does not hold at version {version}: {Markup.Escape(problem)}[/]");
        }
        if (!result.Sealed) return Fail($"Not upgraded: {result.Refusal}");
        AnsiConsole.MarkupLine($"[green]Sealed {result.Events} events of {result.Cases} cases with the keyed chain; the trigger, its functions and " +
                               $"{LegacyChain.Table} are dropped. The service starts on this database again.[/]");
        return true;
    }

    static bool TryDate(string text, out DateOnly? date)
    {
        var ok = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed);
        date = ok ? parsed : null;
        return ok;
    }

    static bool Fail(string message)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        return false;
    }
}
