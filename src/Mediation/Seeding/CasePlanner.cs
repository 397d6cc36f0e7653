using System.Text.Json;
using Mediation.Cases;
using Mediation.Cases.Accepting;
using Mediation.Cases.Assigning;
using Mediation.Cases.Closing;
using Mediation.Cases.Correcting;
using Mediation.Cases.Deadlines;
using Mediation.Cases.Escalating;
using Mediation.Cases.Filing;
using Mediation.Cases.FollowingUp;
using Mediation.Cases.Performance;
using Mediation.Cases.Reopening;
using Mediation.Cases.Resolving;
using Mediation.Cases.Reviewing;
using Mediation.Cases.Sessions;
using Mediation.Cases.Supervising;
using Mediation.Cases.TransferringOut;
using Mediation.Common;
using Mediation.Organisation;

namespace Mediation.Seeding;

/// <summary>
/// One command of a seeded case with its entry of the catalogue: the same validation, decision and
/// runner its HTTP endpoint uses, so seeding goes through the command path a client's request would take.
/// </summary>
public sealed record SeedStep(CaseCommandEntry Entry, ICaseCommand Command);

public sealed record SeedCase(FileCase Filing, IReadOnlyList<SeedStep> Steps);

/// <summary>
/// Plans realistic cases for the demo county: the mix of kinds, channels and categories a county
/// mediation centre sees, most disputes settled at the grid or community, some escalated to the
/// street or county, petitions accepted or not and answered with opinions, follow-up visits, a few
/// reopened, and a backlog of recent (and a few legacy) open cases. Deterministic for a seed: the
/// same seed, case number and window give the same plan.
/// </summary>
public sealed class CasePlanner(OrgTree org, DateTimeOffset windowStart, DateTimeOffset windowEnd)
{
    static readonly (string value, int weight)[] DisputeCategories =
    [
        ("Neighbour", 22), ("MarriageFamily", 18), ("HousingHomestead", 10), ("Contract", 8), ("Damages", 8), ("Labour", 8),
        ("PropertyManagement", 6), ("Traffic", 5), ("Consumer", 4), ("LandForest", 3), ("Requisition", 3), ("Business", 2),
        ("Medical", 1), ("Environment", 1), ("Other", 1),
    ];

    static readonly (string value, int weight)[] PetitionCategories =
        [("Requisition", 30), ("Labour", 20), ("HousingHomestead", 15), ("Environment", 10), ("Medical", 5), ("Other", 20)];

    static readonly (string value, int weight)[] HelpCategories =
        [("Other", 40), ("PropertyManagement", 20), ("Neighbour", 15), ("MarriageFamily", 10), ("Consumer", 15)];

    static readonly (Channel value, int weight)[] DisputeChannels =
    [
        (Channel.WalkIn, 30), (Channel.GridPatrol, 25), (Channel.Phone, 15), (Channel.Hotline12345, 10), (Channel.PoliceReferral, 8),
        (Channel.OwnInitiative, 7), (Channel.CourtReferral, 5),
    ];

    static readonly (Channel value, int weight)[] PetitionChannels = [(Channel.WalkIn, 35), (Channel.Letter, 30), (Channel.Online, 25), (Channel.Phone, 10)];
    static readonly (Channel value, int weight)[] HelpChannels = [(Channel.Online, 40), (Channel.Hotline12345, 35), (Channel.Phone, 15), (Channel.WalkIn, 10)];

    static readonly string[] FamilyNames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    static readonly string[] GivenNames = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英"];

    static readonly Dictionary<string, string[]> Summaries = new()
    {
        ["Neighbour"] = ["楼上漏水导致楼下墙面受损，双方就赔偿发生争执", "相邻院落排水问题引发邻里矛盾", "邻居在公共通道堆放杂物，多次协商未果", "装修噪音扰民引发纠纷"],
        ["MarriageFamily"] = ["赡养老人费用分担产生家庭矛盾", "离婚后子女抚养费支付纠纷", "兄弟之间因房产继承发生争执"],
        ["HousingHomestead"] = ["宅基地界址不清引发邻里纠纷", "房屋买卖过户纠纷", "租房押金退还纠纷"],
        ["Contract"] = ["装修工程款结算纠纷", "民间借贷逾期未还", "农资买卖合同纠纷"],
        ["Damages"] = ["饲养的狗咬伤路人，赔偿未谈妥", "施工损坏相邻房屋", "电动车碰撞致人受伤"],
        ["Labour"] = ["农民工工资拖欠", "工伤赔偿争议", "劳务报酬结算纠纷"],
        ["PropertyManagement"] = ["物业费收取标准争议", "小区停车位管理纠纷", "电梯维修费用分摊纠纷"],
        ["Traffic"] = ["交通事故赔偿纠纷", "停车剐蹭赔偿争议"],
        ["Consumer"] = ["预付卡退费纠纷", "网购商品质量纠纷"],
        ["LandForest"] = ["山林承包经营权争议", "土地流转租金纠纷"],
        ["Requisition"] = ["征地补偿款分配争议", "拆迁安置面积争议"],
        ["Business"] = ["合伙经营利润分配纠纷"],
        ["Medical"] = ["诊疗费用及后果争议"],
        ["Environment"] = ["养殖场异味影响周边居民", "工厂噪声扰民"],
        ["Other"] = ["独居老人请求协助就医", "低保申请咨询求助", "困难家庭临时救助求助"],
    };

    readonly OrgTree _org = org;
    readonly DateTimeOffset _windowEnd = windowEnd;
    readonly OrgNode[] _grids = org.All.Where(n => n.Level == Level.Grid).OrderBy(n => n.Id).ToArray();
    readonly OrgNode[] _communities = org.All.Where(n => n.Level == Level.Community).OrderBy(n => n.Id).ToArray();
    readonly OrgNode[] _streets = org.All.Where(n => n.Level == Level.Street).OrderBy(n => n.Id).ToArray();
    readonly OrgNode _county = org.Roots[0];

    public SeedCase Plan(int seed, int number)
    {
        var r = new Random(unchecked(seed * 1_000_003 + number));
        var kind = Weighted(r, [(CaseKind.Dispute, 65), (CaseKind.HelpRequest, 20), (CaseKind.Petition, 15)]);
        var received = OfficeHours(r, windowStart + (_windowEnd.AddDays(-1) - windowStart) * r.NextDouble());
        var node = kind switch
        {
            CaseKind.Petition => r.NextDouble() < 0.5 ? Pick(r, _streets) : _county,
            CaseKind.HelpRequest => r.NextDouble() < 0.6 ? Pick(r, _grids) : Pick(r, _communities),
            _ => Weighted(r, [(Pick(r, _grids), 50), (Pick(r, _communities), 35), (Pick(r, _streets), 10), (_county, 5)]),
        };
        var category = kind switch
        {
            CaseKind.Petition => Weighted(r, PetitionCategories),
            CaseKind.HelpRequest => Weighted(r, HelpCategories),
            _ => Weighted(r, DisputeCategories),
        };
        var channel = kind switch
        {
            CaseKind.Petition => Weighted(r, PetitionChannels),
            CaseKind.HelpRequest => Weighted(r, HelpChannels),
            _ => Weighted(r, DisputeChannels),
        };
        var groupSize = kind == CaseKind.Dispute && r.NextDouble() < 0.04 ? r.Next(5, 60) : r.Next(1, 3);
        var parties = new List<PartyInput> { Party(r, PartyRole.Applicant) };
        if (kind == CaseKind.Dispute) parties.Add(Party(r, PartyRole.Respondent));
        // Named, in this order: the arguments draw from the seeded random sequence as they are evaluated.
        var filing = new FileCase(Kind: kind,
            PetitionType: kind == CaseKind.Petition ? Weighted(r, [(PetitionType.Claim, 60), (PetitionType.Suggestion, 25), (PetitionType.Accusation, 15)]) : null,
            Channel: channel, Category: category, Summary: Pick(r, Summaries[category]), NodeCode: node.Id, ReceivedAt: received, Parties: parties,
            RiskLevel: groupSize > 4 ? RiskLevel.High : Weighted(r, [(RiskLevel.Low, 80), (RiskLevel.Medium, 17), (RiskLevel.High, 3)]), GroupSize: groupSize);

        var steps = new Walk(this, r, kind, node, received, channel).Steps();
        return new SeedCase(filing, steps);
    }

    /// <summary>The life of one case after filing, cut where business time reaches the window's end.</summary>
    sealed class Walk(CasePlanner planner, Random r, CaseKind kind, OrgNode filedAt, DateTimeOffset received, Channel channel)
    {
        readonly List<SeedStep> _steps = [];
        readonly DateTimeOffset _received = received;
        DateTimeOffset _at = received;
        DateTimeOffset _resolvedAt = received;
        bool _resolved;
        OrgNode _handling = filedAt;
        readonly Stack<OrgNode> _escalatedFrom = new();
        bool _done;

        /// <summary>Moves business time on; false when that passes the window's end (the case stays as it is).</summary>
        bool After(double minHours, double maxHours)
        {
            if (_done) return false;
            var next = planner.OfficeHours(r, _at.AddHours(minHours + (maxHours - minHours) * r.NextDouble()));
            if (next > planner._windowEnd) return !(_done = true);
            _at = next < _at ? _at.AddMinutes(5) : next;
            return true;
        }

        // The seed stands for a county's past year entered from its paper records: every act is a late entry.
        const string Imported = "据历史台账录入";

        void Add<T>(T command) where T : ICaseCommand => _steps.Add(new SeedStep(CaseCommands.For<T>(), command));

        public IReadOnlyList<SeedStep> Steps()
        {
            Lifecycle();
            Afterwards();
            return _steps;
        }

        /// <summary>
        /// What real records also hold, in about one event in a hundred: a filing corrected by a supervisor
        /// (its channel, or its receipt's time) and a return visit entered after the case had moved on, dated
        /// just after the resolution, so that it lands before acts already recorded.
        /// </summary>
        void Afterwards()
        {
            var roll = r.NextDouble();
            if (roll < 0.03)
                Add(new CorrectAct(1, new() { ["channel"] = JsonSerializer.SerializeToElement((channel == Channel.WalkIn ? Channel.Phone : Channel.WalkIn).ToString()) },
                    "来源渠道登记有误"));
            else if (roll < 0.045)
                Add(new CorrectAct(1, new() { ["occurredAt"] = JsonSerializer.SerializeToElement(_received.AddMinutes(-r.Next(60, 360)).ToOffset(ChinaStandardTime.Offset)) },
                    "受理时间登记有误"));
            else if (roll < 0.07 && _resolved)
                Add(new RecordFollowUp(Satisfaction.Satisfied, "补录回访", _resolvedAt.AddMinutes(r.Next(1, 60)), Imported));
        }

        void Lifecycle()
        {
            // A few cases drag on and become legacy backlog; others simply stop where the clock is.
            var lingers = r.NextDouble() < 0.04;
            if (kind == CaseKind.Petition && !Accept()) return;
            if (ShouldAssign() && !Assign(0.1, 48)) return;
            if (lingers) { Supervise(); return; }

            var sessions = kind == CaseKind.Dispute ? r.Next(1, 4) : kind == CaseKind.Petition ? r.Next(0, 2) : 0;
            for (var i = 0; i < sessions; i++)
                if (!After(12, 24 * 7) || !Session()) return;

            if (r.NextDouble() < (kind == CaseKind.Dispute ? 0.25 : 0.12))
            {
                if (!Escalate()) return;
                if (r.NextDouble() < 0.3 && !Escalate()) return;
                if (r.NextDouble() < 0.1 && !Escalate()) return;
                if (kind == CaseKind.Dispute && After(24, 24 * 7)) Session();
            }
            if (r.NextDouble() < 0.08 && After(24, 24 * 10)) Extend();
            // Slow cases pass their due date; supervisors chase some of them.
            var slow = r.NextDouble() < 0.12;
            if (slow && After(24 * 25, 24 * 40) && r.NextDouble() < 0.5) Supervise();
            if (!After(24, 24 * (kind == CaseKind.HelpRequest ? 5 : 20))) return;

            if (r.NextDouble() < 0.03)
            {
                Add(new TransferOut(Weighted(r, [(TransferTarget.Court, 60), (TransferTarget.Arbitration, 20), (TransferTarget.Police, 20)]), "依法引导至相应渠道", _at, Imported));
                return;
            }
            var outcome = Resolve();
            if (outcome == Outcome.AgreementReached && r.NextDouble() < 0.7 && After(24 * 7, 24 * 30))
                Add(new RecordPerformance(Weighted(r, [(PerformanceResult.Full, 80), (PerformanceResult.Partial, 12), (PerformanceResult.None, 8)]), null, _at, Imported));
            if (r.NextDouble() < 0.75 && After(24 * 3, 24 * 14))
                Add(new RecordFollowUp(Weighted(r, [(Satisfaction.Satisfied, 70), (Satisfaction.BasicallySatisfied, 22), (Satisfaction.Dissatisfied, 8)]), "电话回访", _at, Imported));
            // A review is requested within 30 days of the opinion, or not at all.
            var reviewWindow = _resolvedAt.AddDays(30) - _at;
            if (outcome == Outcome.OpinionIssued && r.NextDouble() < 0.08 && reviewWindow > TimeSpan.FromDays(1)
                && _at.AddHours(2) <= planner._windowEnd)
            {
                _at = _at.AddHours(1 + r.NextDouble() * Math.Min(reviewWindow.TotalHours - 2, (planner._windowEnd - _at).TotalHours - 1));
                Add(new RequestReview("对处理意见不服，申请复查", _at, Imported));
                if (After(24 * 5, 24 * 25)) Resolve();
            }
            if (r.NextDouble() < 0.9 && After(24, 24 * 10))
            {
                Add(new CloseCase(_at, Imported));
                if (r.NextDouble() < 0.02 && After(24 * 10, 24 * 60))
                {
                    Add(new Reopen("当事人反映协议未履行", _at, Imported));
                    if (After(24 * 3, 24 * 20) && Resolve() is not null && After(24, 24 * 5))
                        Add(new CloseCase(_at, Imported));
                }
            }
            return;
        }

        bool Accept()
        {
            if (r.NextDouble() < 0.05 || !After(24, 24 * 10)) return false; // still awaiting a decision
            if (r.NextDouble() < 0.12)
            {
                Add(new NotAcceptPetition(NoticeMethod.Written, "已经或者依法应当通过诉讼、仲裁途径解决", _at, Imported));
                return false;
            }
            Add(new AcceptPetition(Weighted(r, [(NoticeMethod.Written, 80), (NoticeMethod.Sms, 20)]), null, _at, Imported));
            return true;
        }

        bool ShouldAssign() => kind switch
        {
            CaseKind.Petition => r.NextDouble() < 0.2,
            CaseKind.HelpRequest => r.NextDouble() < 0.7,
            _ => _handling.Level != Level.Grid || r.NextDouble() < 0.6,
        };

        bool Assign(double minHours, double maxHours)
        {
            if (!After(minHours, maxHours)) return false;
            var scope = planner._org.AssignmentScope(_handling.Id)!;
            var grids = planner._grids.Where(g => planner._org.IsWithin(g.Id, scope.Id)).ToArray();
            var grid = _handling.Level == Level.Grid && r.NextDouble() < 0.85 ? _handling : Pick(r, grids);
            Add(new AssignCase(grid.Id, $"网格员{grid.Id[^5..]}", _at, Imported));
            _handling = grid;
            _escalatedFrom.Clear();
            return true;
        }

        bool Session()
        {
            Add(new RecordSession(HeldAt: _at, Mode: Weighted(r, [(SessionMode.InPerson, 70), (SessionMode.Phone, 20), (SessionMode.Video, 10)]),
                Mediators: [$"{planner._org.Find(_handling.Id)!.Name}调解员"], Note: "组织双方当事人调解", LateReason: Imported));
            return true;
        }

        bool Escalate()
        {
            var parent = planner._org.ParentOf(_handling.Id);
            if (parent is null) return true; // at the county already: nowhere higher to go
            if (!After(24, 24 * 10)) return false;
            Add(new Escalate(Weighted(r, [(EscalationReason.MediationFailed, 50), (EscalationReason.HighRisk, 15), (EscalationReason.PartyRefused, 15),
                    (EscalationReason.CrossDepartment, 10), (EscalationReason.GroupCase, 5), (EscalationReason.RepeatVisit, 5)]), "调解未果，提请上级", _at, Imported));
            _escalatedFrom.Push(_handling);
            _handling = parent;
            return true;
        }

        void Extend() =>
            Add(new ExtendDeadline(kind == CaseKind.HelpRequest ? r.Next(1, 8) : r.Next(5, 31), "中心主任", "案情复杂，需延长办理期限", _at, Imported));

        void Supervise()
        {
            if (After(24 * 31, 24 * 45))
                Add(new Supervise(Weighted(r, [(SupervisionKind.Reminder, 60), (SupervisionKind.Notice, 25), (SupervisionKind.Listed, 15)]), "逾期未办结，请加快办理", _at, Imported));
        }

        Outcome? Resolve()
        {
            if (_done) return null;
            Resolve resolve;
            switch (kind)
            {
                case CaseKind.Dispute:
                    var outcome = Weighted(r, [(Outcome.AgreementReached, 78), (Outcome.TerminatedUnresolved, 15), (Outcome.Withdrawn, 7)]);
                    resolve = outcome == Outcome.AgreementReached
                        ? new Resolve(outcome, Weighted(r, [(AgreementForm.Written, 75), (AgreementForm.Oral, 25)]),
                            r.NextDouble() < 0.6 ? Math.Round((decimal)Math.Exp(6 + 6 * r.NextDouble()), 2) : null,
                            r.NextDouble() < 0.5 ? _at.AddDays(r.Next(7, 60)) : null, null, "双方自愿达成调解协议", _at, Imported)
                        : new Resolve(outcome, null, null, null, null, outcome == Outcome.Withdrawn ? "申请人撤回申请" : "调解不成，告知其他救济途径", _at, Imported);
                    break;
                case CaseKind.Petition:
                    resolve = new Resolve(Outcome.OpinionIssued, null, null, null,
                        Weighted(r, [(Opinion.Explain, 50), (Opinion.Support, 25), (Opinion.NotSupport, 25)]), "出具处理意见书", _at, Imported);
                    break;
                default:
                    var help = Weighted(r, [(Outcome.Done, 92), (Outcome.Withdrawn, 5), (Outcome.TerminatedUnresolved, 3)]);
                    resolve = new Resolve(help, null, null, null, null, help == Outcome.Done ? "已协调解决" : null, _at, Imported);
                    break;
            }
            Add(resolve);
            _resolvedAt = _at;
            _resolved = true;
            return resolve.Outcome;
        }
    }

    /// <summary>Moves a time into office hours (8:30 to 17:30, China Standard Time) on the same or next day.</summary>
    DateTimeOffset OfficeHours(Random r, DateTimeOffset at)
    {
        var local = at.ToOffset(ChinaStandardTime.Offset);
        if (local.TimeOfDay >= TimeSpan.FromHours(8.5) && local.TimeOfDay <= TimeSpan.FromHours(17.5)) return at;
        var day = local.TimeOfDay > TimeSpan.FromHours(17.5) ? local.Date.AddDays(1) : local.Date;
        return new DateTimeOffset(day.AddHours(8.5).AddMinutes(r.Next(0, 540)), ChinaStandardTime.Offset).ToUniversalTime();
    }

    static PartyInput Party(Random r, PartyRole role)
    {
        var name = Pick(r, FamilyNames) + Pick(r, GivenNames);
        var birth = new DateOnly(1945 + r.Next(0, 60), r.Next(1, 13), r.Next(1, 29));
        var body = $"330122{birth:yyyyMMdd}{r.Next(0, 1000):D3}";
        return new PartyInput(role, name, body + Parties.PersonalData.IdCheckCharacter(body), $"1{Pick(r, new[] { "3", "5", "7", "8", "9" })}{r.Next(0, 1_000_000_000):D9}",
            $"浙江省示范县{Pick(r, new[] { "城关", "东城", "西湖", "南山" })}路{r.Next(1, 300)}号");
    }

    static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    static T Weighted<T>(Random r, IReadOnlyList<(T value, int weight)> choices)
    {
        var roll = r.Next(choices.Sum(c => c.weight));
        foreach (var (value, weight) in choices)
        {
            if (roll < weight) return value;
            roll -= weight;
        }
        return choices[^1].value;
    }
}
