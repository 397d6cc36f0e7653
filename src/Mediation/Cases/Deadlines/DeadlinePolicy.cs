namespace Mediation.Cases.Deadlines;

/// <summary>
/// Legal and local deadlines (docs/domain.md, "Deadlines"), configurable under <c>Mediation:Deadlines</c>.
/// Durations are calendar time from the business time of the act that starts them.
/// </summary>
public sealed class DeadlinePolicy
{
    public const string Section = "Mediation:Deadlines";

    /// <summary>People's mediation: normally concluded within one month of receipt.</summary>
    public TimeSpan Dispute { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Local service level for help requests.</summary>
    public TimeSpan HelpRequest { get; set; } = TimeSpan.FromDays(7);

    /// <summary>信访工作条例 art. 22-23: decide acceptance and notify within 15 days of registration.</summary>
    public TimeSpan PetitionAcceptance { get; set; } = TimeSpan.FromDays(15);

    /// <summary>信访工作条例 art. 34: handle within 60 days of acceptance.</summary>
    public TimeSpan Petition { get; set; } = TimeSpan.FromDays(60);

    /// <summary>Art. 35-36: a review or re-review is requested within 30 days of the opinion…</summary>
    public TimeSpan ReviewRequestWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>…and decided within 30 days of the request.</summary>
    public TimeSpan Review { get; set; } = TimeSpan.FromDays(30);

    /// <summary>人民调解法 art. 33: the parties jointly apply for judicial confirmation within 30 days of the agreement taking effect…</summary>
    public TimeSpan JudicialConfirmation { get; set; } = TimeSpan.FromDays(30);

    /// <summary>…and are warned this long after it took effect, while no application is made.</summary>
    public TimeSpan JudicialConfirmationWarning { get; set; } = TimeSpan.FromDays(20);

    /// <summary>Most days all approved extensions of one case may add (art. 34: petitions +30).</summary>
    public int MaxExtensionDaysDispute { get; set; } = 30;
    public int MaxExtensionDaysPetition { get; set; } = 30;
    public int MaxExtensionDaysHelpRequest { get; set; } = 7;

    public TimeSpan HandlingTime(CaseKind kind) => kind switch
    {
        CaseKind.Dispute => Dispute,
        CaseKind.HelpRequest => HelpRequest,
        _ => PetitionAcceptance,
    };

    /// <summary>Bound from configuration and checked at start: a duration that is not positive stops the start, naming it.</summary>
    public static void AddTo(IServiceCollection services)
    {
        var options = services.AddOptions<DeadlinePolicy>().BindConfiguration(Section);
        foreach (var (name, duration) in new (string, Func<DeadlinePolicy, TimeSpan>)[]
                 {
                     (nameof(Dispute), p => p.Dispute), (nameof(HelpRequest), p => p.HelpRequest), (nameof(PetitionAcceptance), p => p.PetitionAcceptance),
                     (nameof(Petition), p => p.Petition), (nameof(ReviewRequestWindow), p => p.ReviewRequestWindow), (nameof(Review), p => p.Review),
                     (nameof(JudicialConfirmation), p => p.JudicialConfirmation), (nameof(JudicialConfirmationWarning), p => p.JudicialConfirmationWarning),
                 })
            options.Validate(p => duration(p) > TimeSpan.Zero && duration(p) <= TimeSpan.FromDays(3650),
                $"{Section}:{name} must be a duration of more than zero and at most ten years, such as 30.00:00:00");
        foreach (var (name, days) in new (string, Func<DeadlinePolicy, int>)[]
                 {
                     (nameof(MaxExtensionDaysDispute), p => p.MaxExtensionDaysDispute), (nameof(MaxExtensionDaysPetition), p => p.MaxExtensionDaysPetition),
                     (nameof(MaxExtensionDaysHelpRequest), p => p.MaxExtensionDaysHelpRequest),
                 })
            options.Validate(p => days(p) >= 0, $"{Section}:{name} must not be negative");
        options.Validate(p => p.JudicialConfirmationWarning < p.JudicialConfirmation,
            $"{Section}:{nameof(JudicialConfirmationWarning)} must be shorter than {Section}:{nameof(JudicialConfirmation)}");
        options.ValidateOnStart();
    }

    public int MaxExtensionDays(CaseKind kind) => kind switch
    {
        CaseKind.Dispute => MaxExtensionDaysDispute,
        CaseKind.Petition => MaxExtensionDaysPetition,
        _ => MaxExtensionDaysHelpRequest,
    };
}
