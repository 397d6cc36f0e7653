using Marten;
using Mediation.CodeTables;
using Mediation.Common;
using Mediation.Hosting;
using Mediation.Organisation;
using Mediation.Parties;
using Mediation.Security;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Filing;

public sealed record PartyInput(PartyRole? Role, string? Name, string? IdNumber = null, string? Phone = null, string? Address = null);

/// <summary>A clerk registers a dispute, petition or help request received at a node.</summary>
/// <remarks>What validation may leave out has a default, last: the API's contract says so.</remarks>
public sealed record FileCase(
    CaseKind? Kind,
    Channel? Channel,
    string? Category,
    string? Summary,
    string? NodeCode,
    IReadOnlyList<PartyInput>? Parties,
    PetitionType? PetitionType = null,
    DateTimeOffset? ReceivedAt = null,
    RiskLevel? RiskLevel = null,
    int? GroupSize = null,
    string? LateReason = null,
    string? CourtReference = null,
    RiskColour? RiskColour = null)
{
    /// <summary>The colour the case is graded at filing: the one given, else that of the risk level given (default Blue).</summary>
    public RiskColour GradedColour() => RiskColour ?? Risk.ColourOf(RiskLevel ?? Cases.RiskLevel.Low);
}

public sealed record CaseFiledAnswer(Guid Id, string CaseNumber, long Version);

public static class FileCaseEndpoint
{
    public const int MaxParties = 50;

    /// <summary>The command as refusals and the service's metrics name it.</summary>
    public const string Name = "file";

    public static ProblemDetails Validate(FileCase command)
    {
        if (command is null) return Problems.MissingBody;
        var check = new Validation()
            .Enum(command.Kind, "kind")
            .Enum(command.Channel, "channel")
            .Text(command.Category, "category", 50)
            .Text(command.Summary, "summary", 4000)
            .Text(command.LateReason, "lateReason", 1000, required: false)
            .Text(command.NodeCode, "nodeCode", 32)
            .Enum(command.RiskLevel, "riskLevel", required: false)
            .Enum(command.RiskColour, "riskColour", required: false)
            .Require(command is not { RiskLevel: { } level, RiskColour: { } colour } || Risk.LevelOf(colour) == level, "riskColour", FieldMessage.ColourOfRiskLevel)
            .Within(command.GroupSize, "groupSize", 1, 100_000)
            .Enum(command.PetitionType, "petitionType", required: false)
            .Text(command.CourtReference, "courtReference", 100, required: false)
            .Require(command.CourtReference is null || command.Channel == Channel.CourtReferral, "courtReference", FieldMessage.OnlyForCourtReferral);
        if (command.Kind == CaseKind.Petition) check.Required(command.PetitionType, "petitionType");
        else check.Require(command.PetitionType is null, "petitionType", FieldMessage.OnlyForPetitions);
        if (command.ReceivedAt is { } received) check.Require(received >= DecisionContext.Earliest, "receivedAt", FieldMessage.NotBefore2000);

        if (command.Parties is not { Count: > 0 }) check.Add("parties", FieldMessage.AtLeastOneParty);
        else if (command.Parties.Count > MaxParties) check.Add("parties", FieldMessage.AtMostParties(MaxParties));
        else
        {
            for (var i = 0; i < command.Parties.Count; i++)
            {
                var party = command.Parties[i];
                var at = $"parties[{i}]";
                if (party is null) { check.Add(at, FieldMessage.NotNull); continue; }
                check.Enum(party.Role, $"{at}.role")
                    .Text(party.Name, $"{at}.name", 100)
                    .Text(party.IdNumber, $"{at}.idNumber", 18, required: false)
                    .Text(party.Phone, $"{at}.phone", 30, required: false)
                    .Text(party.Address, $"{at}.address", 300, required: false);
                if (party.IdNumber is { Length: > 0 } id && !PersonalData.IsValidIdNumber(id))
                    check.Add($"{at}.idNumber", FieldMessage.NotAnIdNumber);
                if (party.Phone is { Length: > 0 } phone && !PersonalData.IsValidPhone(phone))
                    check.Add($"{at}.phone", FieldMessage.NotAPhoneNumber);
            }
            if (!command.Parties.Any(p => p?.Role == PartyRole.Applicant)) check.Add("parties", FieldMessage.ApplicantRequired);
        }
        return check.Result();
    }

    [WolverinePost("/api/cases", OperationId = "FileCase")]
    [ProducesResponseType<CaseFiledAnswer>(StatusCodes.Status201Created)]
    public static Task<IResult> Post(FileCase command, HttpContext http, CaseCommandRunner runner, CaseNumbers numbers, PersonIndex index)
    {
        // With an Idempotency-Key the category is read in the batch that looks the key up. Only the first
        // attempt uses it; a later one reads afresh.
        Category? prefetched = null;
        var attempt = Attempt(command, runner, numbers, index, CurrentUser.From(http), () => { var c = prefetched; prefetched = null; return c; });
        return runner.Execute(http, Name, command, attempt, batch =>
        {
            var category = batch.Load<Category>(command.Category!);
            return async () => prefetched = await category;
        });
    }

    /// <summary>Filing as the runner runs it: for the endpoint, and for the seed command.</summary>
    /// <param name="prefetchedCategory">The category if it was read already (null: read it).</param>
    public static CaseCommandRunner.Attempt Attempt(FileCase command, CaseCommandRunner runner, CaseNumbers numbers, PersonIndex index, CurrentUser user,
        Func<Category?>? prefetchedCategory = null) =>
        async (session, messages, cancellation) =>
        {
            var category = prefetchedCategory?.Invoke() ?? await session.LoadAsync<Category>(command.Category!, cancellation);
            var context = await runner.ContextAsync(user, cancellation);
            var filing = Decide(command, category, user, context);

            var caseId = Guid.CreateVersion7();
            var parties = command.Parties!.Select(p => new Party
            {
                Id = Guid.CreateVersion7(),
                CaseId = caseId,
                Role = p.Role!.Value,
                Name = p.Name!.Trim(),
                IdNumber = p.IdNumber?.ToUpperInvariant(),
                Phone = p.Phone,
                Address = p.Address?.Trim(),
            }).ToList();
            var repeat = await Repeats.RelatedCasesQuery.RepeatsFinalPetitionAsync(command, filing.ReceivedAt, session, index, cancellation);
            var filed = filing.Filed(caseId, await numbers.NextAsync(context.Org, filing.Node, filing.ReceivedAt, cancellation),
                parties.Select(p => new PartyReference(p.Id, p.Role)).ToList(), repeat);

            session.Insert<Party>(parties);
            foreach (var party in parties) index.Add(session, party);
            var events = filing.ToCounty(context.Org) is { } escalated ? new object[] { filed, escalated } : [filed];
            session.Events.StartStream<MediationCase>(caseId, events);
            var state = events.Aggregate(new MediationCase(), (s, e) => s.Then(e));
            await Deadlines.DeadlineWatch.ScheduleAsync(messages, null, state, context.Deadlines, context.Now);
            return CommandOutcome.Done(StatusCodes.Status201Created, new CaseFiledAnswer(caseId, filed.CaseNumber, events.Length), events.Length, $"/api/cases/{caseId}");
        };

    /// <summary>
    /// Whether the case may be filed: at a node within the filer's jurisdiction (a node that does not
    /// exist gets the same answer) that handles cases (a county or below, not a city), in an active
    /// category, received not in the future. A case starts at the level of the node it is filed at; its
    /// first due date comes from the policy (petitions: the acceptance decision; the handling deadline is
    /// set on acceptance). The service gives an accepted
    /// filing its ids and case number afterwards, so a refused filing uses no number.
    /// </summary>
    public static AcceptedFiling Decide(FileCase command, Category? category, CurrentUser filer, DecisionContext context)
    {
        if (context.Org.Find(command.NodeCode) is not { } node || !filer.Covers(context.Org, node.Id))
            throw new CaseRefusal.UnknownNode(command.NodeCode);
        if (!node.HandlesCases)
            throw new CaseRefusal.InvalidField("nodeCode", RefusalCode.CityHandlesNoCases, $"{node.Id} is a city, which handles no case; file it at one of its counties or below");
        if (category is not { Active: true })
            throw new CaseRefusal.InvalidField("category", RefusalCode.UnknownCategory, $"there is no category {command.Category}; see GET /api/categories");
        var receivedAt = command.ReceivedAt ?? context.Now;
        if (receivedAt > context.Now + DecisionContext.FutureTolerance)
            throw new CaseRefusal.InvalidField("receivedAt", RefusalCode.InTheFuture, "must not be in the future");
        Recording.CaseTimeline.Unlocked(node.Id, receivedAt, command.LateReason, context);
        return new AcceptedFiling(command, node, receivedAt, receivedAt + context.Deadlines.HandlingTime(command.Kind!.Value));
    }
}

/// <summary>A filing the rules accepted: where and when the case was received, and when it is due.</summary>
public sealed record AcceptedFiling(FileCase Command, OrgNode Node, DateTimeOffset ReceivedAt, DateTimeOffset DueAt)
{
    /// <summary>The event that starts the case, once it has its id, its number and its parties' ids.</summary>
    public CaseFiled Filed(Guid caseId, string caseNumber, IReadOnlyList<PartyReference> parties, bool repeatPetition = false) =>
        new(caseId, caseNumber, Command.Kind!.Value, Command.PetitionType, Command.Channel!.Value, Command.Category!,
            Command.Summary!.Trim(), Node.Id, Node.Level, parties, Risk.LevelOf(Command.GradedColour()), Command.GroupSize ?? 1,
            DueAt, ReceivedAt, Command.CourtReference?.Trim(), Command.GradedColour(), repeatPetition);

    /// <summary>A case filed red below its county goes to the county with its filing.</summary>
    public CaseEscalated? ToCounty(OrgTree org) =>
        Grading.RegradeRiskEndpoint.ToCounty(Command.GradedColour(), Node.Id, Node.Level, null, ReceivedAt, org);
}
