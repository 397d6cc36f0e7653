namespace Mediation.Cases.Archiving;

/// <summary>
/// The rules of the case file (卷宗): what a case with a written agreement must hold before it is closed,
/// which case may be archived, and that an archived case takes no command but a supervisor's correction.
/// </summary>
public static class CaseFileRules
{
    /// <summary>An archived case is read-only: every command is refused, naming the archive, until a correction reopens the file.</summary>
    public static void Writable(MediationCase state, string command)
    {
        if (state.Archive is { } archive)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.CaseFileArchived,
                $"the case file is archived as {archive.FileNumber} and read-only; a supervisor's correction reopens it", archive.FileNumber);
    }

    /// <summary>A closed case whose file is not in the archive now.</summary>
    public static void Archivable(MediationCase state, string command)
    {
        Writable(state, command);
        Guards.Status(state, command, CaseStatus.Closed);
    }

    /// <summary>
    /// The items a case's file still lacks for closing: a case whose written agreement is recorded (人民调解协议书)
    /// needs those its kind is configured with; any other case none.
    /// </summary>
    public static IReadOnlyList<CaseFileItem> Missing(MediationCase state, CaseFilePolicy policy) =>
        state.Agreement is not { Form: AgreementForm.Written }
            ? []
            : policy.ItemsFor(state.Kind).Where(item => !Has(state, item)).ToList();

    /// <summary>Closing a case whose file lacks a mandatory item is refused, naming every item missing.</summary>
    public static void Complete(MediationCase state, string command, CaseFilePolicy policy)
    {
        var missing = Missing(state, policy);
        if (missing.Count > 0)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.MandatoryItemsMissing,
                $"a case with a written agreement is closed with its case file complete, and it lacks {string.Join(", ", missing)}", missing);
    }

    static bool Has(MediationCase state, CaseFileItem item) => item switch
    {
        CaseFileItem.AgreementInEffect => state.Agreement?.EffectiveAt is not null,
        CaseFileItem.MediationRecord => state.Sessions > 0,
        CaseFileItem.SignedAgreementScan => state.AttachmentCategories?.Contains(AttachmentCategory.SignedAgreement) == true,
        CaseFileItem.FollowUpVisit => state.FollowUps > 0,
        CaseFileItem.PerformanceRecord => state.Performance is not null,
        _ => false,
    };
}
