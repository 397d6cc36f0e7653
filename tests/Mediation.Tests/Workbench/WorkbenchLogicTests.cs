using Mediation.Cases;
using Mediation.Cases.Deadlines;
using Mediation.Common;
using Mediation.Language;
using Mediation.Organisation;
using Mediation.Security;
using Mediation.Workbench.CaseFile;
using Mediation.Workbench.Intake;
using Mediation.Workbench.Layout;

namespace Mediation.Tests.Workbench;

/// <summary>
/// The workbench's logic that lives in plain classes, without a browser or a renderer (components:
/// <see cref="ComponentTests"/>): which actions a case offers to whom, the words of both languages,
/// reading form text, and where a redirect may go.
/// </summary>
[Trait(FastLane.Trait, FastLane.Value)]
public class WorkbenchLogicTests
{
    static readonly OrgTree Org = new([
        new OrgNode { Id = "C1", Name = "测试县", Level = Level.County, Path = "C1/" },
        new OrgNode { Id = "S1", Name = "城关街道", Level = Level.Street, ParentCode = "C1", Path = "C1/S1/" },
        new OrgNode { Id = "S1C1", Name = "东门社区", Level = Level.Community, ParentCode = "S1", Path = "C1/S1/S1C1/" },
        new OrgNode { Id = "S1C1G1", Name = "东门第一网格", Level = Level.Grid, ParentCode = "S1C1", Path = "C1/S1/S1C1/S1C1G1/" },
    ]);

    static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    static readonly DecisionContext Context = new(Now, Org, new DeadlinePolicy());

    static CurrentUser As(string role) => new(role.ToLowerInvariant(), "C1", new HashSet<string> { role });

    static MediationCase Case(CaseStatus status, Level level = Level.Community, string node = "S1C1", CaseKind kind = CaseKind.Dispute,
        Outcome? outcome = null) => new()
    {
        Id = Guid.NewGuid(), CaseNumber = "2026-000001", Kind = kind, Status = status, Level = level, NodeCode = node, HandlingNodeCode = node,
        ReceivedAt = Now.AddDays(-3), DueAt = Now.AddDays(27), Outcome = outcome,
    };

    static string[] Offered(MediationCase state, string role) => CaseActions.Offered(state, As(role), Context).Select(a => a.Name).ToArray();

    [Fact]
    public void A_registered_dispute_offers_a_clerk_assignment_and_a_mediator_the_handling_actions()
    {
        var state = Case(CaseStatus.Registered);
        Offered(state, Roles.Clerk).ShouldBe(["assign", "regrade-risk", "dispatch"]);
        Offered(state, Roles.Mediator).ShouldBe(["sessions", "refusal", "escalate", "regrade-risk", "transfer-out", "resolve"]);
        Offered(state, Roles.Auditor).ShouldBeEmpty();
    }

    [Fact]
    public void A_registered_petition_must_be_accepted_first()
    {
        var state = Case(CaseStatus.Registered, kind: CaseKind.Petition);
        Offered(state, Roles.Clerk).ShouldBe(["accept", "not-accept", "regrade-risk"]);
        Offered(state, Roles.Mediator).ShouldBe(["regrade-risk", "transfer-out"]);
    }

    [Fact]
    public void Nothing_escalates_above_the_county_and_a_resolved_case_is_followed_up_and_closed()
    {
        Offered(Case(CaseStatus.Assigned, Level.County, "C1"), Roles.Supervisor).ShouldNotContain("escalate");
        Offered(Case(CaseStatus.Assigned), Roles.Supervisor).ShouldContain("escalate");
        var resolved = Case(CaseStatus.Resolved, outcome: Outcome.Withdrawn);
        Offered(resolved, Roles.Clerk).ShouldBe(["follow-up", "close"]);
        Offered(Case(CaseStatus.Resolved, outcome: Outcome.AgreementReached), Roles.Clerk).ShouldBe(["performance", "follow-up", "close"]);
        // A return visit often comes after closing; the case stays closed.
        Offered(Case(CaseStatus.Closed, outcome: Outcome.Withdrawn), Roles.Clerk).ShouldBe(["follow-up", "reopen", "archive"]);
        // Archived, the case is read-only: a supervisor's correction (which reopens the file) is all there is.
        var archived = Case(CaseStatus.Closed, outcome: Outcome.Withdrawn) with
        {
            FileNumber = "（2026）东门社区人调卷字第1号",
            Archive = new Mediation.Cases.Archiving.CaseArchive("（2026）东门社区人调卷字第1号", Retention.Long, new DateOnly(2056, 12, 31), DateTimeOffset.UtcNow),
        };
        Offered(archived, Roles.Clerk).ShouldBeEmpty();
        Offered(archived, Roles.Supervisor).ShouldBe(["corrections"]);
    }

    [Fact]
    public void Every_action_is_a_row_of_the_access_table_and_every_case_command_endpoint_is_an_action()
    {
        foreach (var action in CaseCommands.All) AccessTable.Endpoints.ShouldContainKey(action.AccessKey);
        // An upload is a form with a file, not a command of the catalogue: the attachments section offers it.
        var commandRows = AccessTable.Endpoints.Keys.Where(k =>
            (k.StartsWith("POST /api/cases/{id}/", StringComparison.Ordinal) || k.StartsWith("PUT /api/cases/{id}/", StringComparison.Ordinal))
            && k != "POST " + Mediation.Cases.Attachments.AddAttachmentEndpoint.Route);
        commandRows.Order().ShouldBe(CaseCommands.All.Select(a => a.AccessKey).Order());
    }

    [Fact]
    public void The_agreement_is_not_offered_in_the_workbench_whose_dialogs_cannot_hold_its_terms()
    {
        var withText = Case(CaseStatus.Resolved, outcome: Outcome.AgreementReached);
        Offered(withText, Roles.Supervisor).ShouldNotContain(name => name.StartsWith("agreement", StringComparison.Ordinal));
        CaseCommands.Find("agreement")!.InWorkbench.ShouldBeFalse();
    }

    [Fact]
    public void Both_languages_have_the_same_words_and_every_action_and_enum_has_a_label()
    {
        Texts.Zh.Keys.Order().ShouldBe(Texts.En.Keys.Order());
        foreach (var texts in new[] { Texts.Zh, Texts.En })
        {
            foreach (var action in CaseCommands.All)
            {
                texts.Keys.ShouldContain($"Action.{action.Name}");
                foreach (var field in action.Form) texts.Keys.ShouldContain($"Field.{field.Name}");
            }
            foreach (var value in Enum.GetValues<SessionMode>()) texts.Of(value).ShouldNotStartWith("SessionMode.");
            foreach (var value in Enum.GetValues<Outcome>()) texts.Of(value).ShouldNotStartWith("Outcome.");
            foreach (var value in Enum.GetValues<EscalationReason>()) texts.Of(value).ShouldNotStartWith("EscalationReason.");
            foreach (var value in Enum.GetValues<Mediation.Auditing.AccessAction>()) texts.Of(value).ShouldNotStartWith("AccessAction.");
        }
        Texts.Zh.Of(CaseStatus.Assigned).ShouldBe("办理中");
        Texts.En.Of(CaseStatus.Assigned).ShouldBe("Assigned");
    }

    [Fact]
    public void Form_text_is_read_as_the_api_reads_json_and_bad_text_is_named_by_its_field()
    {
        var reader = new FormReader();
        reader.Time("2026-03-02T09:30", "heldAt").ShouldBe(new DateTimeOffset(2026, 3, 2, 1, 30, 0, TimeSpan.Zero));
        reader.List("甲，乙、丙")!.ShouldBe(["甲", "乙", "丙"]);
        reader.Enum<SessionMode>("InPerson", "mode").ShouldBe(SessionMode.InPerson);
        reader.Check.IsValid.ShouldBeTrue();
        reader.Enum<SessionMode>("Carrier pigeon", "mode").ShouldBeNull();
        reader.Money("12,00x", "amount").ShouldBeNull();
        reader.Check.Errors.Keys.Order().ShouldBe(["amount", "mode"]);
    }

    [Fact]
    public void Intake_errors_land_beside_the_party_they_concern()
    {
        IntakeForm.InputFor("parties[0].phone").ShouldBe("Applicant.phone");
        IntakeForm.InputFor("parties[1].name").ShouldBe("Respondent.name");
        IntakeForm.InputFor("summary").ShouldBe("summary");
        var form = new IntakeForm { Applicant = { Name = "张三" } };
        form.ToCommand(new FormReader()).Parties!.Count.ShouldBe(1);
    }

    [Fact]
    public void Times_and_rates_are_written_as_the_offices_read_them()
    {
        Display.Time(new DateTimeOffset(2026, 3, 1, 17, 30, 0, TimeSpan.Zero)).ShouldBe("2026-03-02 01:30");
        Display.Rate(0.3333).ShouldBe("33.3%");
        Display.Rate(null).ShouldBe("—");
        Display.DaysLeft(Now.AddDays(2.5), Now).ShouldBe(2);
        Display.DaysLeft(Now.AddDays(-0.5), Now).ShouldBe(-1);
    }

    [Fact]
    public void A_refusal_is_headlined_by_its_kind_and_common_messages_are_translated()
    {
        Texts.Zh.Refusal(409).ShouldBe("案件当前状态不允许此操作");
        Texts.Zh.Refusal(412).ShouldBe("此案件已被他人修改，请刷新后再操作。");
        Texts.En.Refusal(412).ShouldBe("Someone else changed this case — reload it before acting.");
        Texts.Zh.Message(FieldMessage.Required).ShouldBe("必填");
        Texts.Zh.Message(new FieldMessage("", "an unusual rule", [])).ShouldBe("an unusual rule");
        Texts.En.Message(FieldMessage.Required).ShouldBe("is required");
    }

    [Fact]
    public void A_contradicted_later_act_is_named_by_its_label_with_the_rule_it_would_break()
    {
        var state = Case(CaseStatus.Resolved, outcome: Outcome.Withdrawn);
        var later = new CaseAct(5, new CaseClosed(new DateTimeOffset(2026, 3, 2, 1, 30, 0, TimeSpan.Zero)));
        var why = new CaseRefusal.NotAllowed("close a case", state, RefusalCode.WrongStatus, "the case is not resolved");
        var refusal = new CaseRefusal.Contradicts("reopen a case", state, later, why);
        var outcome = CommandOutcome.Refused(Mediation.Hosting.Problems.Refused(refusal)) with { Refusal = refusal };

        Texts.Zh.Detail(outcome).ShouldBe("与案件后续已记录的办理环节（结案，版本 5，2026-03-02 09:30）相矛盾。案件当前状态不允许此操作。");
        Texts.En.Detail(outcome).ShouldBe(outcome.Problem!.Detail);
    }

    [Fact]
    public void A_corrections_values_are_shown_as_the_offices_read_them()
    {
        string Category(string code) => code == "Labour" ? "劳动争议" : code;
        HistoryText.Value(Texts.Zh, "occurredAt", "2026-03-02T09:30:00+08:00", Category).ShouldBe("2026-03-02 09:30");
        HistoryText.Value(Texts.Zh, "channel", "Phone", Category).ShouldBe("来电");
        HistoryText.Value(Texts.En, "channel", "Phone", Category).ShouldBe(Texts.En.Of(Channel.Phone));
        HistoryText.Value(Texts.Zh, "category", "Labour", Category).ShouldBe("劳动争议");
        HistoryText.Value(Texts.Zh, "amount", "1200.5", Category).ShouldBe("1200.5");
        HistoryText.Value(Texts.Zh, "agreementForm", null, Category).ShouldBe("—");

        var resolved = new CaseResolved(Outcome.AgreementReached, AgreementForm.Written, 1200m, null, null, null, Level.Community, "S1C1", Now);
        HistoryText.Recorded(Texts.Zh, CaseCommands.Find("corrections")!, resolved, Category).ShouldBe(new Dictionary<string, string>
        {
            ["occurredAt"] = "2026-11-27 16:00", ["outcome"] = "达成协议", ["agreementForm"] = "书面协议", ["amount"] = "1200",
        });
    }

    [Fact]
    public void A_redirect_after_sign_in_or_a_language_switch_stays_inside_the_workbench()
    {
        LanguagePage.SafeBack("/workbench/queue?status=Assigned").ShouldBe("/workbench/queue?status=Assigned");
        LanguagePage.SafeBack("https://evil.example/").ShouldBe("/workbench");
        LanguagePage.SafeBack("//evil.example/workbench").ShouldBe("/workbench");
        LanguagePage.SafeBack(null).ShouldBe("/workbench");
    }
}
