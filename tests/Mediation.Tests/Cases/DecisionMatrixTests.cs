using Mediation.Cases;
using Mediation.Cases.Accepting;
using Mediation.Cases.Agreeing;
using Mediation.Cases.Assigning;
using Mediation.Cases.Closing;
using Mediation.Cases.Correcting;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Dispatching;
using Mediation.Cases.Leading;
using Mediation.Cases.Escalating;
using Mediation.Cases.FollowingUp;
using Mediation.Cases.Grading;
using Mediation.Cases.Performance;
using Mediation.Cases.Reopening;
using Mediation.Cases.Resolving;
using Mediation.Cases.Reviewing;
using Mediation.Cases.Sessions;
using Mediation.Cases.Supervising;
using Mediation.Cases.TransferringOut;
using Mediation.Organisation;

namespace Mediation.Tests.Cases;

/// <summary>Every command against every kind of state: allowed ones give their event, the others a 409 refusal.</summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class DecisionMatrixTests
{
    public static readonly OrgTree Org = new(CaseFixture.Tree.Select(n => new OrgNode
    {
        Id = n.code, Name = n.name, Level = Enum.Parse<Level>(n.level), ParentCode = n.parent, Path = PathOf(n.code),
    }).Append(new OrgNode { Id = "C1-HRSS", Name = "县人社局", Level = Level.Department, ParentCode = "C1", Path = "/C1/C1-HRSS/" }));

    static string PathOf(string code)
    {
        var node = CaseFixture.Tree.Single(n => n.code == code);
        return node.parent is null ? $"/{code}/" : PathOf(node.parent) + code + "/";
    }

    static readonly DecisionContext Context = new(CaseStates.Received.AddDays(10), Org, new DeadlinePolicy());

    /// <summary>
    /// A command of each record the catalogue lists, valid for the tree above, and the event it gives
    /// where it is allowed (resolve's outcome depends on the kind of case).
    /// </summary>
    static readonly IReadOnlyDictionary<Type, (Func<MediationCase, object> command, Type produces)> Samples =
        new Dictionary<Type, (Func<MediationCase, object>, Type)>
        {
            [typeof(AcceptPetition)] = (_ => new AcceptPetition(NoticeMethod.Written, null, null), typeof(PetitionAccepted)),
            [typeof(NotAcceptPetition)] = (_ => new NotAcceptPetition(NoticeMethod.Written, "不属于信访事项", null), typeof(PetitionNotAccepted)),
            [typeof(AssignCase)] = (_ => new AssignCase("S1C1G2", "网格员乙", null), typeof(CaseAssigned)),
            [typeof(RecordSession)] = (_ => new RecordSession(SessionMode.InPerson, ["王调解"]), typeof(MediationSessionHeld)),
            [typeof(RecordRefusal)] = (_ => new RecordRefusal(PartyRole.Respondent, "拒绝", null), typeof(MediationRefused)),
            [typeof(Escalate)] = (_ => new Escalate(EscalationReason.MediationFailed, null, null), typeof(CaseEscalated)),
            [typeof(RegradeRisk)] = (_ => new RegradeRisk(RiskColour.Orange, "矛盾有激化苗头"), typeof(RiskRegraded)),
            // No state of the matrix has a department task open: feedback and recall are refused in each.
            [typeof(DispatchCase)] = (_ => new DispatchCase([new TaskInput("C1-HRSS", DepartmentRole.Lead, "核实欠薪", CaseStates.Received.AddDays(20))]),
                typeof(CaseDispatched)),
            [typeof(RecordDepartmentFeedback)] = (_ => new RecordDepartmentFeedback("已核实", "C1-HRSS"), typeof(DepartmentFeedbackRecorded)),
            [typeof(RecallDispatch)] = (_ => new RecallDispatch("C1-HRSS", "交办有误"), typeof(DispatchRecalled)),
            [typeof(AssignLeader)] = (_ => new AssignLeader("县领导", "牵头化解", CaseStates.Received.AddDays(40)), typeof(LeaderAssigned)),
            [typeof(SendBack)] = (_ => new SendBack(null, null), typeof(CaseSentBack)),
            [typeof(ExtendDeadline)] = (_ => new ExtendDeadline(5, "主任", "案情复杂", null), typeof(DeadlineExtended)),
            [typeof(Supervise)] = (_ => new Supervise(SupervisionKind.Reminder, null, null), typeof(SupervisionOrderIssued)),
            [typeof(TransferOut)] = (_ => new TransferOut(TransferTarget.Court, null, null), typeof(CaseTransferredOut)),
            [typeof(Resolve)] = (state => state.Kind switch
            {
                CaseKind.Dispute => new Resolve(Outcome.AgreementReached, AgreementForm.Written, 100m, null, null, null, null),
                CaseKind.Petition => new Resolve(null, null, null, null, Opinion.Support, null, null),
                _ => new Resolve(Outcome.Done, null, null, null, null, null, null),
            }, typeof(CaseResolved)),
            [typeof(RecordAgreement)] = (state => new RecordAgreement(AgreementForm.Written, "事实",
                [new TermInput(state.Parties[1].PartyId, state.Parties[0].PartyId, "赔偿 100 元", 100m)], ["王调解"]), typeof(AgreementRecorded)),
            [typeof(SignAgreement)] = (_ => new SignAgreement(Seal: true), typeof(AgreementSealed)),
            // No state of the matrix has an agreement in effect: the application is refused in each.
            [typeof(Mediation.Cases.Confirming.RecordConfirmation)] = (_ => new Mediation.Cases.Confirming.RecordConfirmation(ConfirmationStep.Applied, "某区人民法院"),
                typeof(ConfirmationApplied)),
            [typeof(RecordPerformance)] = (_ => new RecordPerformance(PerformanceResult.Full, null, null), typeof(PerformanceRecorded)),
            [typeof(RecordFollowUp)] = (_ => new RecordFollowUp(Satisfaction.Satisfied, null, null), typeof(FollowUpRecorded)),
            [typeof(CloseCase)] = (_ => new CloseCase(null), typeof(CaseClosed)),
            [typeof(Reopen)] = (_ => new Reopen("当事人反映协议未履行", null), typeof(CaseReopened)),
            [typeof(RequestReview)] = (_ => new RequestReview("不服处理意见", null), typeof(PetitionReviewRequested)),
            [typeof(Mediation.Cases.Archiving.ArchiveCase)] = (_ => Mediation.Cases.Archiving.ArchiveCaseEndpoint.Probe, typeof(CaseArchived)),
            // The filing's channel can be corrected whatever became of the case.
            [typeof(CorrectAct)] = (_ => new CorrectAct(1, new() { ["channel"] = System.Text.Json.JsonSerializer.SerializeToElement("Phone") }, "登记时误选"),
                typeof(ActCorrected)),
        };

    /// <summary>
    /// The commands of the catalogue, by name, each deciding its sample through the catalogue's decision.
    /// A command without a sample is missing here, which <see cref="Every_command_of_the_api_is_in_the_matrix"/> reports.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (Func<MediationCase, IReadOnlyList<ICaseEvent>> decide, Type produces)> Commands =
        CaseCommands.All.Where(c => Samples.ContainsKey(c.Record)).ToDictionary(
            c => c.Name,
            c => ((Func<MediationCase, IReadOnlyList<ICaseEvent>>)(state => c.Decide((ICaseCommand)Samples[c.Record].command(state), state, Context)), Samples[c.Record].produces));

    const string Working = "assign sessions refusal escalate regrade-risk dispatch assign-leader extend-deadline supervise transfer-out resolve corrections";

    public static readonly IReadOnlyList<(string name, Func<MediationCase> state, string allowed)> States =
    [
        ("registered dispute", () => CaseStates.Filed(), Working),
        ("registered petition", () => CaseStates.Filed(CaseKind.Petition, "S1", Level.Street), "accept not-accept regrade-risk assign-leader supervise transfer-out corrections"),
        ("accepted petition", CaseStates.Accepted, Working),
        ("not-accepted petition", CaseStates.NotAccepted, "corrections"),
        ("assigned dispute", () => CaseStates.Assigned(), Working),
        ("assigned help request", () => CaseStates.Assigned(CaseKind.HelpRequest), Working),
        ("escalated dispute", CaseStates.Escalated, Working + " send-back"),
        ("dispute a party refused", CaseStates.Refused, "assign refusal escalate regrade-risk dispatch assign-leader extend-deadline supervise transfer-out resolve corrections"),
        ("dispute resolved by agreement", () => CaseStates.Resolved(), "agreement performance follow-up close corrections"),
        // Its case file lacks the items a written agreement is closed with (CaseFileRuleTests).
        ("agreement text recorded", CaseStates.AgreementRecorded, "agreement agreement/signatures performance follow-up corrections"),
        ("dispute withdrawn", () => CaseStates.Resolved(CaseKind.Dispute, Outcome.Withdrawn), "follow-up close corrections"),
        ("petition with an opinion", () => CaseStates.Resolved(CaseKind.Petition, Outcome.OpinionIssued), "follow-up close review corrections"),
        ("closed dispute with agreement", () => CaseStates.Closed(), "performance follow-up reopen archive corrections"),
        ("closed petition with an opinion", () => CaseStates.Closed(CaseKind.Petition, Outcome.OpinionIssued), "follow-up reopen review archive corrections"),
        ("petition under review", () => CaseStates.Reviewed(ReviewStage.Review), Working),
        ("re-reviewed petition", () => CaseStates.Reviewed(ReviewStage.ReReview), "follow-up archive corrections"),
        // Read-only: only a supervisor's correction, which reopens the file.
        ("archived dispute", CaseStates.Archived, "corrections"),
        ("transferred out", CaseStates.TransferredOut, "corrections"),
    ];

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, _, _) in States)
        foreach (var command in Commands.Keys)
            data.Add(name, command);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void A_command_is_allowed_exactly_where_the_lifecycle_allows_it(string stateName, string command)
    {
        var (_, build, allowed) = States.Single(s => s.name == stateName);
        var state = build();
        var (decide, produces) = Commands[command];

        if (allowed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(command))
        {
            var events = decide(state);
            // A correction of an archived case also reopens its file.
            events.Select(e => e.GetType()).ShouldBe(state.IsArchived ? [produces, typeof(CaseFileReopened)] : [produces]);
            events[0].OccurredAt.ShouldBe(Context.Now);
        }
        else
        {
            var refusal = Should.Throw<CaseRefusal.NotAllowed>(() => decide(state));
            var problem = Mediation.Hosting.Problems.Refused(refusal);
            problem.Status.ShouldBe(409);
            problem.Extensions["state"].ShouldBe(state.Status.ToString());
            problem.Extensions["command"].ShouldNotBeNull();
        }
    }

    [Fact]
    public void Every_command_of_the_api_is_in_the_matrix()
    {
        var endpoints = typeof(CaseCommandRunner).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetCustomAttributes(typeof(Wolverine.Http.WolverineHttpMethodAttribute), false).Cast<Wolverine.Http.WolverineHttpMethodAttribute>())
            .Where(a => a.HttpMethod is "POST" or "PUT")
            .Select(a => a.Template)
            .Where(t => t!.StartsWith("/api/cases/{id}/"))
            .Select(t => t!["/api/cases/{id}/".Length..])
            .ToHashSet();
        // The upload is not in the catalogue (a form, not a JSON command); its decision is held below.
        endpoints.Remove(Mediation.Cases.Attachments.AddAttachmentEndpoint.Command).ShouldBeTrue();
        endpoints.ShouldBe(Commands.Keys.ToHashSet(), ignoreOrder: true);
    }

    [Fact]
    public void An_attachment_may_be_added_in_every_state_but_an_archived_one()
    {
        var upload = new Mediation.Cases.Attachments.AddAttachment("协议.pdf", null, "application/pdf", 5, new string('0', 64)) { AttachmentId = Guid.NewGuid() };
        foreach (var (name, build, _) in States.Where(s => !s.state().IsArchived))
        {
            var state = build();
            var added = Mediation.Cases.Attachments.AddAttachmentEndpoint.Decide(upload, state, Context with { At = Context.Now }).ShouldHaveSingleItem();
            added.ShouldBeOfType<AttachmentAdded>(name).AttachmentId.ShouldBe(upload.AttachmentId);
            state.Step(added).Status.ShouldBe(state.Status, name);
            state.Step(added).Attachments.ShouldBe(state.Attachments + 1, name);
        }
        // The upload is decided by its endpoint's decision placed on the case's timeline, which refuses an archived case.
        var archived = CaseStates.Archived();
        Should.Throw<CaseRefusal.NotAllowed>(() => Mediation.Cases.Recording.CaseTimeline.Decide(upload, archived, Context,
            Mediation.Cases.Attachments.AddAttachmentEndpoint.Decide)).Code.ShouldBe(RefusalCode.CaseFileArchived);
    }
}
