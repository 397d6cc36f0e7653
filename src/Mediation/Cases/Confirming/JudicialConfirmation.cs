namespace Mediation.Cases.Confirming;

/// <summary>
/// 司法确认: the parties' joint application to a court to confirm the agreement in effect, the court's
/// ruling, and the application for enforcement of a confirmed agreement.
/// </summary>
public sealed record JudicialConfirmation(string Court, DateTimeOffset AppliedAt)
{
    public ConfirmationRuling? Ruling { get; init; }
    public string? RulingNumber { get; init; }
    public DateTimeOffset? RuledAt { get; init; }
    public DateTimeOffset? EnforcementAppliedAt { get; init; }
}
