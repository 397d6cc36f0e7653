namespace Mediation.Tests.Cases;

/// <summary>Request bodies as a client would send them.</summary>
public static class Requests
{
    public const string ValidIdNumber = "11010519491231002X";

    /// <summary><paramref name="body"/> entered late (补录), with the reason a clerk gives.</summary>
    public static System.Text.Json.Nodes.JsonObject Late(object body, string reason = "据纸质台账补录")
    {
        var late = System.Text.Json.JsonSerializer.SerializeToNode(body)!.AsObject();
        late["lateReason"] = reason;
        return late;
    }

    public static object Party(string role = "Applicant", string name = "张三", string? idNumber = ValidIdNumber, string? phone = "13812345678") =>
        new { role, name, idNumber, phone, address = "测试县城关街道东门社区幸福路1号" };

    public static object Dispute(string nodeCode = "S1C1", DateTimeOffset? receivedAt = null, string category = "Neighbour", string channel = "WalkIn") => new
    {
        kind = "Dispute",
        channel,
        category,
        summary = "邻里之间因楼上噪音发生纠纷",
        nodeCode,
        receivedAt,
        parties = new[] { Party(), Party("Respondent", "李四", "110105194912310038", "13987654321") },
        riskLevel = "Low",
        groupSize = 2,
    };

    public static object Petition(string petitionType = "Claim", string nodeCode = "S1", DateTimeOffset? receivedAt = null) => new
    {
        kind = "Petition",
        petitionType,
        channel = "Letter",
        category = "Requisition",
        summary = "反映征地补偿款未按时发放",
        nodeCode,
        receivedAt,
        parties = new[] { Party(name: "王五") },
    };

    public static object HelpRequest(string nodeCode = "S1C1G1", DateTimeOffset? receivedAt = null) => new
    {
        kind = "HelpRequest",
        channel = "Online",
        category = "Other",
        summary = "独居老人请求协助就医",
        nodeCode,
        receivedAt,
        parties = new[] { Party(name: "赵六", idNumber: null) },
    };
}
