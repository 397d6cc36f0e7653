namespace Mediation.Peer;

public record PartyOnFile(string Role, string Name, string IdNumber, string Phone, string Address);

/// <summary>A filing: the same body the service's filing takes, every member read.</summary>
public record FileCase(string Kind, string Channel, string Category, string Summary, string NodeCode, DateTimeOffset ReceivedAt,
    PartyOnFile[] Parties, string RiskLevel, int GroupSize);

/// <summary>
/// Any later command: the version the client last saw (the aggregate handler workflow checks it) and a
/// note; the other members of the service's bodies are read past.
/// </summary>
public record StepCase(long Version, string? Note);

public record CaseFiled(FileCase Filing);
public record CaseStepped(string Action, string? Note);

/// <summary>The peer's case: a status and a count of steps, kept as an inline snapshot.</summary>
public class PeerCase
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public string Status { get; set; } = "";
    public string Category { get; set; } = "";
    public string NodeCode { get; set; } = "";
    public int Steps { get; set; }

    public static PeerCase Create(CaseFiled filed) =>
        new() { Status = "Filed", Category = filed.Filing.Category, NodeCode = filed.Filing.NodeCode };

    public void Apply(CaseStepped stepped)
    {
        Status = stepped.Action;
        Steps++;
    }
}
