using Marten;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Archiving;

/// <summary>
/// 归档: a closed case's file is archived under its file number and kept for the retention chosen; from then on
/// the case is read-only. The number is not the client's to give: it is read before the decision (<see cref="ArchiveCaseEndpoint.NumberAsync"/>).
/// </summary>
public sealed record ArchiveCase(Retention? Retention, DateTimeOffset? OccurredAt = null, string? LateReason = null) : ICaseCommand
{
    public static string Name => ArchiveCaseEndpoint.Command;

    // A field, which no JSON reaches: a request naming a file number is refused as naming a member the command has not.
    (string FileNumber, string UnitCode)? _number;

    /// <summary>The number read for the archiving, and the unit it is counted by; none until it is read.</summary>
    public (string FileNumber, string UnitCode)? Number() => _number;

    public ArchiveCase NumberedAs(string fileNumber, string unitCode) => this with { _number = (fileNumber, unitCode) };
}

/// <summary>The answer to an archiving: the case, the version it reached, and the number its file is archived under.</summary>
public sealed record CaseArchivedAnswer(Guid Id, long Version, string FileNumber);

public static class ArchiveCaseEndpoint
{
    public const string Command = "archive";

    /// <summary>What the workbench tries on a case to see whether to offer archiving: numbered, as a real one is by then.</summary>
    public static readonly ArchiveCase Probe = new ArchiveCase(Retention.Long).NumberedAs("probe", "probe");

    public static ProblemDetails Validate(ArchiveCase command) => command is null ? Problems.MissingBody : new Validation()
        .Required(command.Retention, "retention")
        .Text(command.LateReason, "lateReason", 1000, required: false)
        .Result();

    /// <summary>
    /// Gives the case its file number (the one it was given before, else the next of its unit and year) when the
    /// case may be archived now; committed on its own, so a refused archiving leaves the number with the case.
    /// </summary>
    public static async Task<ArchiveCase> NumberAsync(ArchiveCase command, MediationCase state, DecisionContext context, IDocumentSession session,
        CancellationToken cancellation) =>
        await CaseFileNumbers.ForAsync(session.DocumentStore, state, context.Org, command.OccurredAt ?? context.Now, cancellation) is { } given
            ? command.NumberedAs(given.Number, given.UnitCode)
            : command;

    public static IReadOnlyList<ICaseEvent> Decide(ArchiveCase command, MediationCase state, DecisionContext context)
    {
        CaseFileRules.Archivable(state, Command);
        var (given, unit) = command.Number()
                            ?? throw new InvalidOperationException("An archiving is numbered (ArchiveCaseEndpoint.NumberAsync) before it is decided");
        var retention = command.Retention!.Value;
        var at = context.At;
        return [new CaseArchived(state.FileNumber ?? given, unit, retention, context.CaseFile.RetainedUntil(retention, ChinaStandardTime.DateOf(at).Year), at)];
    }

    [WolverinePost("/api/cases/{id}/archive", OperationId = "ArchiveCase")]
    [ProducesResponseType<CaseArchivedAnswer>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, ArchiveCase command, HttpContext http, CaseCommandRunner runner) =>
        runner.Run(http, id, command, Decide,
            (_, after, reached) => CommandOutcome.Done(StatusCodes.Status200OK, new CaseArchivedAnswer(reached.Id, reached.Version, after.FileNumber!), reached.Version),
            NumberAsync);
}
