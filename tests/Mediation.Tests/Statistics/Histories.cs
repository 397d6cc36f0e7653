namespace Mediation.Tests.Statistics;

/// <summary>
/// One command a client sends on a case: the action path and its JSON body (sent with PUT where <paramref name="Put"/>).
/// The body names the case's parties as <see cref="Histories.FirstParty"/> and <see cref="Histories.SecondParty"/>: their
/// ids are given at filing.
/// </summary>
public sealed record PlannedCommand(string Action, object Body, DateTimeOffset At, bool Put = false)
{
    public bool NamesParties => System.Text.Json.JsonSerializer.Serialize(Body) is var json && (json.Contains(Histories.FirstParty) || json.Contains(Histories.SecondParty));
}

/// <summary>A case to file and the commands to send on it afterwards, in order.</summary>
public sealed record CasePlan(object Filing, DateTimeOffset ReceivedAt, IReadOnlyList<PlannedCommand> Commands);

/// <summary>
/// Random valid case histories: each case walks the lifecycle (acceptance, assignment, sessions,
/// escalation up and back, extensions, supervision, transfer, resolution, performance, follow-ups,
/// closing, reopening, petition reviews, the agreement's text and signatures, its judicial confirmation)
/// with business times moving forward from a receipt somewhere
/// in <c>2025</c>, and may stop anywhere, leaving open backlog. The walk keeps a small model of the
/// case only to choose commands the service will accept; figures are checked against the events.
/// </summary>
public static class Histories
{
    static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    public static readonly DateTimeOffset WindowStart = new(2025, 1, 1, 0, 0, 0, Cst);

    /// <summary>Stand for the ids of the case's first and second party in a planned body.</summary>
    public const string FirstParty = "{party:0}", SecondParty = "{party:1}";

    // The CaseFixture tree: county C1; streets S1, S2; communities S1C1, S1C2, S2C1; two grids each.
    static readonly Dictionary<string, (string level, string? parent)> Tree =
        Cases.CaseFixture.Tree.ToDictionary(n => n.code, n => (n.level, n.parent));

    static readonly string[] Categories = ["MarriageFamily", "Neighbour", "HousingHomestead", "Contract", "Damages", "Labour", "Requisition", "Traffic", "Other"];
    static readonly string[] Channels = ["WalkIn", "Phone", "Letter", "Online", "Hotline12345", "GridPatrol", "CourtReferral"];

    static IEnumerable<string> Grids(string under) =>
        Tree.Where(n => n.Value.level == "Grid" && IsWithin(n.Key, under)).Select(n => n.Key).OrderBy(c => c);

    static bool IsWithin(string code, string ancestor)
    {
        for (string? c = code; c is not null; c = Tree[c].parent)
            if (c == ancestor) return true;
        return false;
    }

    static string AssignmentScope(string handling) => Tree[handling].level == "Grid" ? Tree[handling].parent! : handling;

    static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public static CasePlan Plan(int seed)
    {
        var r = new Random(seed);
        var kindRoll = r.NextDouble();
        var kind = kindRoll < 0.6 ? "Dispute" : kindRoll < 0.85 ? "Petition" : "HelpRequest";
        var node = kind switch
        {
            "Petition" => Pick(r, ["S1", "S2", "S1C1", "S1C2", "S2C1"]),
            "HelpRequest" => Pick(r, Grids("C1").ToList()),
            _ => Pick(r, ["S1C1", "S1C2", "S2C1", "S1C1G1", "S1C2G2", "S2C1G1", "S2C1G2"]),
        };
        var received = WindowStart.AddMinutes(r.Next(0, 335 * 24 * 60));
        var filing = new
        {
            kind,
            petitionType = kind == "Petition" ? Pick(r, ["Suggestion", "Accusation", "Claim"]) : null,
            channel = Pick(r, Channels),
            category = Pick(r, Categories),
            summary = $"随机案件 {seed}",
            nodeCode = node,
            receivedAt = received,
            riskColour = Pick(r, ["Blue", "Blue", "Blue", "Yellow", "Orange"]),
            parties = new[] { Cases.Requests.Party(), Cases.Requests.Party("Respondent", "李四", "110105194912310038", "13987654321") },
        };

        var commands = new List<PlannedCommand>();
        var at = received;
        DateTimeOffset Next(int maxHours = 20 * 24) => at = at.AddMinutes(r.Next(30, maxHours * 60));
        void Add(string action, object body, bool put = false) => commands.Add(new PlannedCommand(action, body, at, put));

        // The walk's model: just enough to choose commands the service allows.
        var status = "Registered";
        var colour = filing.riskColour;
        var handling = node;
        var escalatedFrom = new Stack<string>();
        var extensionLeft = kind switch { "Dispute" => 30, "Petition" => 30, _ => 7 };
        string? outcome = null;
        var resolvedAt = at;
        var reviews = 0;
        var refused = false;
        var steps = 0;
        // The agreement in effect since, and how far its judicial confirmation has come.
        DateTimeOffset? effective = null;
        var applied = false;
        var ruled = false;

        if (kind == "Petition")
        {
            if (r.NextDouble() < 0.1) return new CasePlan(filing, received, commands); // still awaiting a decision
            Next(20 * 24); // the decision is due in 15 days: some are late
            if (r.NextDouble() < 0.15)
            {
                Add("not-accept", new { noticeMethod = "Written", reason = "不属于信访事项", occurredAt = at });
                return new CasePlan(filing, received, commands);
            }
            Add("accept", new { noticeMethod = "Written", occurredAt = at });
            status = "Accepted";
        }

        while (steps++ < 14)
        {
            var open = status is "Registered" or "Accepted" or "Assigned";
            if (open)
            {
                if (r.NextDouble() < 0.1) break; // left open: backlog
                Next();
                if (r.NextDouble() < 0.04)
                {
                    Add("assign-leader", new { leader = "县委政法委副书记", duties = "协调人社、公安联合化解", targetAt = at.AddDays(30), occurredAt = at });
                    continue;
                }
                if (r.NextDouble() < 0.06)
                {
                    // Regraded; a red case goes to the county at once, from wherever it is handled.
                    colour = Pick(r, new[] { "Blue", "Yellow", "Orange", "Red" }.Where(c => c != colour).ToList());
                    Add("regrade-risk", new { colour, reason = "风险变化", occurredAt = at });
                    if (colour == "Red" && Tree[handling].level != "County")
                    {
                        escalatedFrom.Push(handling); handling = "C1"; refused = false;
                    }
                    continue;
                }
                var roll = r.NextDouble();
                var parent = Tree[handling].parent;
                if (roll < 0.22)
                {
                    var grids = Grids(AssignmentScope(handling)).ToList();
                    var grid = Pick(r, grids);
                    Add("assign", new { gridCode = grid, assignee = $"网格员{grid}", occurredAt = at });
                    handling = grid; status = "Assigned"; escalatedFrom.Clear(); refused = false;
                }
                else if (roll < 0.32 && !refused)
                    Add("sessions", new { mode = Pick(r, ["InPerson", "Phone", "Video"]), mediators = new[] { "调解员" }, heldAt = at });
                else if (roll < 0.35)
                {
                    Add("refusal", new { partyRole = "Respondent", note = "拒绝调解", occurredAt = at });
                    refused = true;
                }
                else if (roll < 0.47 && parent is not null)
                {
                    Add("escalate", new { reason = Pick(r, ["MediationFailed", "HighRisk", "PartyRefused", "GroupCase"]), occurredAt = at });
                    escalatedFrom.Push(handling); handling = parent; refused = false;
                }
                else if (roll < 0.52 && escalatedFrom.Count > 0)
                {
                    Add("send-back", new { note = "退回", occurredAt = at });
                    handling = escalatedFrom.Pop();
                }
                else if (roll < 0.58 && extensionLeft > 0)
                {
                    var days = r.Next(1, extensionLeft + 1);
                    Add("extend-deadline", new { days, approver = "主任", reason = "情况复杂", occurredAt = at });
                    extensionLeft -= days;
                }
                else if (roll < 0.62)
                    Add("supervise", new { kind = Pick(r, ["Reminder", "Summons", "Notice", "Listed"]), occurredAt = at });
                else if (roll < 0.65)
                {
                    Add("transfer-out", new { target = Pick(r, ["Court", "Arbitration", "Police"]), occurredAt = at });
                    status = "TransferredOut";
                }
                else
                {
                    (outcome, var body, var form) = Resolution(r, kind, at);
                    Add("resolve", body);
                    status = "Resolved"; refused = false; resolvedAt = at;
                    effective = null; applied = ruled = false;
                    if (form is not null && r.NextDouble() < 0.6) effective = Agreement(r, form, Next, Add);
                }
            }
            else if (status is "Resolved" or "Closed")
            {
                var roll = r.NextDouble();
                if (roll < 0.12) break;
                var agreement = outcome == "AgreementReached";
                var opinion = outcome == "OpinionIssued";
                var reviewWindowLeft = resolvedAt.AddDays(30) - at;
                if (opinion && reviews < 2 && roll < 0.22 && reviewWindowLeft > TimeSpan.FromHours(2))
                {
                    at = at.AddMinutes(r.Next(1, (int)reviewWindowLeft.TotalMinutes - 60));
                    Add("review", new { reason = "不服处理意见", occurredAt = at });
                    reviews++; status = "Assigned"; outcome = null; escalatedFrom.Clear();
                    handling = Tree[handling].parent ?? handling;
                    continue;
                }
                // The joint application only within the window of 30 days from the agreement's effect.
                if (effective is { } since && !applied && since.AddDays(30) - at <= TimeSpan.FromHours(2)) effective = null;
                if (effective is { } effectiveAt && !ruled && r.NextDouble() < 0.45)
                {
                    if (!applied)
                    {
                        var left = effectiveAt.AddDays(30) - at;
                        at = at.AddMinutes(r.Next(1, (int)Math.Min(left.TotalMinutes - 60, 10 * 24 * 60)));
                        Add("confirmation", new { @event = "Applied", court = "某区人民法院", at });
                        applied = true;
                        continue;
                    }
                    Next();
                    var ruling = r.NextDouble() < 0.75 ? "Confirmed" : "Rejected";
                    Add("confirmation", new { @event = ruling, court = "某区人民法院", rulingNumber = $"（2025）民特{seed % 1000}号", at });
                    ruled = true;
                    if (ruling == "Confirmed" && r.NextDouble() < 0.3)
                    {
                        Next();
                        Add("confirmation", new { @event = "EnforcementApplied", court = "某区人民法院", at });
                    }
                    continue;
                }
                Next();
                if (agreement && roll < 0.35)
                    Add("performance", new { result = Pick(r, ["Full", "Full", "Partial", "None"]), occurredAt = at });
                else if (status == "Resolved" && roll < 0.65)
                    Add("follow-up", new { satisfaction = Pick(r, ["Satisfied", "Satisfied", "BasicallySatisfied", "Dissatisfied"]), occurredAt = at });
                else if (status == "Resolved")
                {
                    Add("close", new { occurredAt = at });
                    status = "Closed";
                }
                else if (reviews < 2 && roll < 0.8)
                {
                    Add("reopen", new { reason = "当事人反映问题未解决", occurredAt = at });
                    status = "Assigned"; outcome = null; escalatedFrom.Clear();
                    effective = null; applied = ruled = false;
                }
                else break;
            }
            else break;
        }
        return new CasePlan(filing, received, commands);
    }

    /// <summary>A resolution: its outcome, its body, and the agreement's form where it reached one.</summary>
    static (string outcome, object body, string? form) Resolution(Random r, string kind, DateTimeOffset at)
    {
        var roll = r.NextDouble();
        switch (kind)
        {
            case "Dispute" when roll < 0.6:
                var amount = r.NextDouble() < 0.7 ? Math.Round((decimal)r.Next(0, 5_000_000) / 100m, 2) : (decimal?)null;
                var form = Pick(r, ["Written", "Oral"]);
                return ("AgreementReached", new { outcome = "AgreementReached", agreementForm = form, amount, occurredAt = at }, form);
            case "Petition" when roll < 0.8:
                return ("OpinionIssued", new { opinion = Pick(r, ["Support", "Explain", "NotSupport"]), occurredAt = at }, null);
            case "Petition" when roll < 0.85:
                return ("AgreementReached", new { outcome = "AgreementReached", agreementForm = "Written", amount = 1000m, occurredAt = at }, "Written");
            case "HelpRequest" when roll < 0.85:
                return ("Done", new { outcome = "Done", occurredAt = at }, null);
            default:
                var other = roll < 0.93 ? "TerminatedUnresolved" : "Withdrawn";
                return (other, new { outcome = other, occurredAt = at }, null);
        }
    }

    /// <summary>
    /// The agreement's text, then its signatures (a written one signed by both parties and the mediator and
    /// sealed, an oral one confirmed by both parties), each a little later; returns when it took effect.
    /// </summary>
    static DateTimeOffset Agreement(Random r, string form, Func<int, DateTimeOffset> next, Action<string, object, bool> add)
    {
        var at = next(3 * 24);
        add("agreement", new
        {
            form, facts = "随机协议", mediators = new[] { "调解员" }, occurredAt = at,
            terms = new[] { new { obligor = SecondParty, obligee = FirstParty, content = "赔偿损失", amount = 100m } },
        }, true);
        var signatures = form == "Oral"
            ? new object[] { new { signatory = FirstParty, confirmed = true }, new { signatory = SecondParty, confirmed = true } }
            : [new { signatory = FirstParty }, new { signatory = SecondParty }, new { signatory = "调解员" }, new { seal = true }];
        foreach (var signature in signatures.OrderBy(_ => r.Next()))
        {
            at = next(2 * 24);
            var body = System.Text.Json.JsonSerializer.SerializeToNode(signature)!.AsObject();
            body[body.ContainsKey("seal") ? "sealedAt" : "signedAt"] = at;
            add("agreement/signatures", body, false);
        }
        return at;
    }
}
