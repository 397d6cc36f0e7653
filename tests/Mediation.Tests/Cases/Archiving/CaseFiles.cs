using System.Net;
using Mediation.Tests.Cases.Attachments;
using Mediation.Tests.Hosting;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Mediation.Tests.Cases.Archiving;

/// <summary>Cases on their way to the archive, made through the API as clerks and mediators would, and PDFs read back by lines.</summary>
public static class CaseFiles
{
    public static async Task<Api.Answer> Do(Api api, Guid id, string action, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        (await api.Post($"/api/cases/{id}/{action}", body)).ShouldBe(expected);

    /// <summary>
    /// A dispute between 张三 and 李四 at a grid of 东门社区, mediated in a session and resolved yesterday with a written
    /// agreement whose text is recorded, signed by both and the mediator and sealed: in effect.
    /// </summary>
    public static async Task<Guid> AgreedAsync(Api api)
    {
        var now = DateTimeOffset.UtcNow;
        var id = (await api.Post("/api/cases", Requests.Dispute("S1C1G1", receivedAt: now.AddDays(-3)))).ShouldBe(HttpStatusCode.Created).Id;
        await Do(api, id, "assign", new { gridCode = "S1C1G1", assignee = "网格员小李", occurredAt = now.AddDays(-3).AddHours(1) });
        await Do(api, id, "sessions", new { mode = "InPerson", mediators = new[] { "王调解" }, heldAt = now.AddDays(-2) });
        await Do(api, id, "resolve", new { outcome = "AgreementReached", agreementForm = "Written", amount = 2000m, occurredAt = now.AddDays(-1) });
        var parties = (await api.Get($"/api/cases/{id}")).ShouldBe(HttpStatusCode.OK).Body["parties"]!.AsArray();
        string Of(string role) => parties.Single(p => p!["role"]!.GetValue<string>() == role)!["id"]!.GetValue<string>();
        (await api.Put($"/api/cases/{id}/agreement", new
        {
            occurredAt = now.AddHours(-2),
            form = "Written",
            facts = "楼上漏水致楼下天花板受损",
            terms = new object[] { new { obligor = Of("Respondent"), obligee = Of("Applicant"), content = "赔偿维修费", amount = 2000m, dueAt = now.AddDays(20) } },
            mediators = new[] { "王调解" },
        })).ShouldBe(HttpStatusCode.OK);
        foreach (var signatory in new[] { Of("Applicant"), Of("Respondent"), "王调解" })
            await Do(api, id, "agreement/signatures", new { signatory, signedAt = now.AddMinutes(-90) });
        (await Do(api, id, "agreement/signatures", new { seal = true, sealedAt = now.AddMinutes(-80) })).Body["effective"]!.GetValue<bool>().ShouldBeTrue();
        return id;
    }

    /// <summary>The scan of the signed agreement, as an attachment of that category.</summary>
    public static async Task<Guid> AttachScanAsync(Api api, Guid id) =>
        (await api.Post($"/api/cases/{id}/attachments", Files.Form(Pdf("Signed agreement scan", "Page two of the scan"), "签字协议书.pdf", "双方签字盖章的协议书",
            ("category", "SignedAgreement")))).ShouldBe(HttpStatusCode.Created).Id;

    /// <summary><see cref="AgreedAsync"/> with the signed agreement's scan and a follow-up visit, closed: every item its file needs.</summary>
    public static async Task<Guid> ClosedWithAgreementAsync(Api api)
    {
        var id = await AgreedAsync(api);
        await AttachScanAsync(api, id);
        await Do(api, id, "follow-up", new { satisfaction = "Satisfied", note = "电话回访" });
        await Do(api, id, "close", new { });
        return id;
    }

    /// <summary>A dispute at 东门社区 withdrawn and closed: no agreement, so its file needs nothing more.</summary>
    public static async Task<Guid> ClosedAsync(Api api, string node = "S1C1")
    {
        var id = (await api.Post("/api/cases", Requests.Dispute(node))).ShouldBe(HttpStatusCode.Created).Id;
        await Do(api, id, "resolve", new { outcome = "Withdrawn", note = "申请人撤回" });
        await Do(api, id, "close", new { });
        return id;
    }

    /// <summary>A PDF of one page per text, in a standard font, as another program would make it.</summary>
    public static byte[] Pdf(params string[] pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var text in pages) builder.AddPage(PageSize.A4).AddText(text, 14, new PdfPoint(72, 720), font);
        return builder.Build();
    }

    /// <summary>A page's text line by line, top first, each line's letters left to right, spaces left out (words of one line may come apart).</summary>
    public static IReadOnlyList<(string Text, IReadOnlyList<Letter> Letters)> Lines(Page page) =>
        page.Letters.Where(l => !string.IsNullOrWhiteSpace(l.Value))
            .GroupBy(l => Math.Round(l.StartBaseLine.Y))
            .OrderByDescending(g => g.Key)
            .Select(g => g.OrderBy(l => l.StartBaseLine.X).ToList())
            .Select(letters => (string.Concat(letters.Select(l => l.Value)), (IReadOnlyList<Letter>)letters))
            .ToList();

    public static string Text(Page page) => page.Text.Replace(" ", "");
}
