using System.Text.Json;
using Mediation.Cases;
using Mediation.Cases.Archiving;
using Mediation.Cases.Closing;
using Mediation.Cases.Correcting;
using Mediation.Cases.Deadlines;
using Mediation.Cases.FollowingUp;
using Mediation.Cases.Recording;
using Mediation.Hosting;
using Mediation.Language;

namespace Mediation.Tests.Cases.Archiving;

/// <summary>
/// The case file's rules as pure decisions: what a case with a written agreement must hold before closing, which
/// case is archived under which number and for how long, and that an archived case is read-only until a
/// supervisor's correction reopens it.
/// </summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class CaseFileRuleTests
{
    static readonly DateTimeOffset Now = CaseStates.Received.AddDays(10);
    static readonly DecisionContext Context = new(Now, DecisionMatrixTests.Org, new DeadlinePolicy());
    static DateTimeOffset At(int hours) => CaseStates.Received.AddHours(hours);

    /// <summary>A dispute resolved with a written agreement, recorded, signed by both parties and the mediator, and sealed.</summary>
    static MediationCase InEffect()
    {
        var recorded = CaseStates.AgreementRecorded();
        return recorded
            .Then(new AgreementSigned(recorded.Parties[0].PartyId, null, At(5)))
            .Then(new AgreementSigned(recorded.Parties[1].PartyId, null, At(5)))
            .Then(new AgreementSigned(null, "王调解", At(5)))
            .Then(new AgreementSealed(At(6)));
    }

    static AttachmentAdded Scan(AttachmentCategory? category = AttachmentCategory.SignedAgreement) =>
        new(Guid.NewGuid(), "协议书.pdf", null, "application/pdf", 100, new string('0', 64), At(7), category);

    /// <summary><see cref="InEffect"/> with a session, the signed agreement's scan and a follow-up visit: every default item.</summary>
    static MediationCase Complete() => InEffect()
        .Then(new MediationSessionHeld(SessionMode.InPerson, ["王调解"], null, At(7)))
        .Then(Scan())
        .Then(new FollowUpRecorded(Satisfaction.Satisfied, null, At(8)));

    static IReadOnlyList<ICaseEvent> Close(MediationCase state, DecisionContext? context = null) =>
        CloseCaseEndpoint.Decide(new CloseCase(), state, context ?? Context);

    [Fact]
    public void Closing_a_case_with_a_written_agreement_names_every_item_its_file_lacks()
    {
        var refusal = Should.Throw<CaseRefusal.NotAllowed>(() => Close(CaseStates.AgreementRecorded()));
        refusal.Code.ShouldBe(RefusalCode.MandatoryItemsMissing);
        refusal.Arguments[0].ShouldBe(new[]
            { CaseFileItem.AgreementInEffect, CaseFileItem.MediationRecord, CaseFileItem.SignedAgreementScan, CaseFileItem.FollowUpVisit });

        var problem = Problems.Refused(refusal);
        problem.Status.ShouldBe(409);
        problem.Extensions["command"].ShouldBe("close");
        problem.Detail!.ShouldContain("AgreementInEffect, MediationRecord, SignedAgreementScan, FollowUpVisit");
        var outcome = CommandOutcome.Refused(problem) with { Refusal = refusal };
        Texts.Zh.Detail(outcome).ShouldBe("书面协议结案须卷宗材料齐全，尚缺：已生效的调解协议、调解记录、签字协议书扫描件（附件）、回访记录。");

        // In effect, the agreement still lacks its session, its scan and the visit; a scan of something else is no scan of it.
        Should.Throw<CaseRefusal.NotAllowed>(() => Close(InEffect().Then(Scan(AttachmentCategory.Receipt)))).Arguments[0]
            .ShouldBe(new[] { CaseFileItem.MediationRecord, CaseFileItem.SignedAgreementScan, CaseFileItem.FollowUpVisit });
    }

    [Fact]
    public void A_case_file_with_every_item_closes()
    {
        Close(Complete()).ShouldHaveSingleItem().ShouldBeOfType<CaseClosed>();
    }

    [Fact]
    public void The_items_are_configured_per_kind_and_a_case_without_a_written_agreement_text_needs_none()
    {
        var onlyVisit = Context with { CaseFile = new CaseFilePolicy { MandatoryItems = { Dispute = "FollowUpVisit" } } };
        Should.Throw<CaseRefusal.NotAllowed>(() => Close(InEffect(), onlyVisit)).Arguments[0].ShouldBe(new[] { CaseFileItem.FollowUpVisit });
        Close(InEffect().Then(new FollowUpRecorded(Satisfaction.Satisfied, null, At(8))), onlyVisit).ShouldHaveSingleItem();
        var none = Context with { CaseFile = new CaseFilePolicy { MandatoryItems = { Dispute = "" } } };
        Close(CaseStates.AgreementRecorded(), none).ShouldHaveSingleItem();

        // Resolved by agreement with no text recorded, withdrawn, or an oral agreement: no 人民调解协议书 to complete a file around.
        Close(CaseStates.Resolved()).ShouldHaveSingleItem();
        Close(CaseStates.Resolved(CaseKind.Dispute, Outcome.Withdrawn)).ShouldHaveSingleItem();
        var oral = CaseStates.Assigned().Then(new CaseResolved(Outcome.AgreementReached, AgreementForm.Oral, null, null, null, null, Level.Grid, "S1C1G1", At(4)));
        oral = oral.Then(new AgreementRecorded(AgreementForm.Oral, "事实", null, [new(oral.Parties[1].PartyId, oral.Parties[0].PartyId, "赔偿")], ["王调解"], At(4)));
        Close(oral).ShouldHaveSingleItem();
    }

    [Fact]
    public void A_closed_case_is_archived_under_its_number_for_the_retention_chosen()
    {
        var command = new ArchiveCase(Retention.Long).NumberedAs("（2026）东门社区人调卷字第7号", "S1C1");
        var archived = ArchiveCaseEndpoint.Decide(command, CaseStates.Closed(), Context).ShouldHaveSingleItem().ShouldBeOfType<CaseArchived>();
        archived.ShouldBe(new CaseArchived("（2026）东门社区人调卷字第7号", "S1C1", Retention.Long, new DateOnly(2056, 12, 31), Now));

        // The term runs from the year after archiving (as archives count it), for the configured years; permanent has no end.
        var policy = new CaseFilePolicy { ShortRetentionYears = 5 };
        ArchiveCaseEndpoint.Decide(command with { Retention = Retention.Short }, CaseStates.Closed(), Context with { CaseFile = policy })
            .OfType<CaseArchived>().Single().RetainedUntil.ShouldBe(new DateOnly(2031, 12, 31));
        ArchiveCaseEndpoint.Decide(command with { Retention = Retention.Permanent }, CaseStates.Closed(), Context)
            .OfType<CaseArchived>().Single().RetainedUntil.ShouldBeNull();

        var state = CaseStates.Closed().Then(archived);
        (state.IsArchived, state.FileNumber, state.Archive!.RetainedUntil).ShouldBe((true, "（2026）东门社区人调卷字第7号", new DateOnly(2056, 12, 31)));
    }

    [Fact]
    public void Only_a_closed_case_not_archived_yet_is_archived()
    {
        foreach (var open in new[] { CaseStates.Assigned(), CaseStates.Resolved(), CaseStates.TransferredOut() })
            Should.Throw<CaseRefusal.NotAllowed>(() => ArchiveCaseEndpoint.Decide(ArchiveCaseEndpoint.Probe, open, Context)).Code.ShouldBe(RefusalCode.WrongStatus);
        Should.Throw<CaseRefusal.NotAllowed>(() => ArchiveCaseEndpoint.Decide(ArchiveCaseEndpoint.Probe, CaseStates.Archived(), Context))
            .Code.ShouldBe(RefusalCode.CaseFileArchived);
    }

    [Fact]
    public void An_archived_case_refuses_every_command_but_a_correction_naming_its_file_number_and_the_command()
    {
        var archived = CaseStates.Archived();
        foreach (var entry in CaseCommands.All.Where(e => e.Name != "corrections"))
        {
            var refusal = Should.Throw<CaseRefusal.NotAllowed>(() => entry.Decide(entry.Probes[0], archived, Context), entry.Name);
            refusal.Code.ShouldBe(RefusalCode.CaseFileArchived, entry.Name);
            var problem = Problems.Refused(refusal);
            problem.Status.ShouldBe(409);
            problem.Extensions["fileNumber"].ShouldBe("（2026）东门社区人调卷字第1号");
            problem.Detail!.ShouldContain("（2026）东门社区人调卷字第1号");
            problem.Extensions["command"].ShouldNotBeNull();
        }

        // Archived is a matter of now: an act dated before the archiving is refused as well.
        Should.Throw<CaseRefusal.NotAllowed>(() => CaseTimeline.Decide(new RecordFollowUp(Satisfaction.Satisfied, null, At(5), "据台账补录"), archived, Context,
            RecordFollowUpEndpoint.Decide)).Code.ShouldBe(RefusalCode.CaseFileArchived);
    }

    [Fact]
    public void A_supervisors_correction_reopens_the_file_and_it_is_archived_again_under_the_same_number()
    {
        var archived = CaseStates.Archived();
        var correction = new CorrectAct(1, new() { ["channel"] = JsonSerializer.SerializeToElement("Phone") }, "登记时误选来源");
        var events = CaseTimeline.Decide(correction, archived, Context, CorrectActEndpoint.Decide);
        events.Select(e => e.GetType()).ShouldBe([typeof(ActCorrected), typeof(CaseFileReopened)]);
        events[1].ShouldBe(new CaseFileReopened("（2026）东门社区人调卷字第1号", "登记时误选来源", Now));

        var reopened = events.Aggregate(archived, (s, e) => s.Then(e));
        (reopened.IsArchived, reopened.FileNumber, reopened.Channel, reopened.Status).ShouldBe((false, "（2026）东门社区人调卷字第1号", Channel.Phone, CaseStatus.Closed));
        // Commands are taken again; archived again, the file keeps its number whatever number was read for it.
        CaseTimeline.Decide(new RecordFollowUp(Satisfaction.Satisfied), reopened, Context, RecordFollowUpEndpoint.Decide).ShouldHaveSingleItem();
        var again = ArchiveCaseEndpoint.Decide(new ArchiveCase(Retention.Short).NumberedAs("（2026）东门社区人调卷字第9号", "S1C1"), reopened, Context);
        again.OfType<CaseArchived>().Single().FileNumber.ShouldBe("（2026）东门社区人调卷字第1号");
    }

    [Fact]
    public void A_correction_that_would_put_an_act_after_the_archiving_contradicts_it()
    {
        var archived = CaseStates.Archived();
        var closing = archived.Acts.Single(a => a.Event is CaseClosed).Version;
        var later = new CorrectAct(closing, new() { ["occurredAt"] = JsonSerializer.SerializeToElement(At(7)) }, "结案时间登记有误");
        var refusal = Should.Throw<CaseRefusal.Contradicts>(() => CaseTimeline.Decide(later, archived, Context, CorrectActEndpoint.Decide));
        refusal.Later.Event.ShouldBeOfType<CaseArchived>();
    }
}
