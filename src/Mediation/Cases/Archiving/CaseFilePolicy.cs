namespace Mediation.Cases.Archiving;

/// <summary>
/// What a case file (卷宗) must hold and how long an archived one is kept (docs/domain.md, "The case file and
/// archiving"), configurable under <c>Mediation:CaseFile</c>.
/// </summary>
public sealed class CaseFilePolicy
{
    public const string Section = "Mediation:CaseFile";

    /// <summary>
    /// The items a case of each kind that ends with a written agreement must have before it is closed, as a
    /// comma-separated list of <see cref="CaseFileItem"/> names (empty: none). A list of text rather than a
    /// configuration array: the configuration binder adds an array's entries to a default list instead of
    /// replacing it. Help requests end without agreements and have none.
    /// </summary>
    public MandatoryItemLists MandatoryItems { get; set; } = new();

    public sealed class MandatoryItemLists
    {
        const string Usual = "AgreementInEffect, MediationRecord, SignedAgreementScan, FollowUpVisit";
        public string Dispute { get; set; } = Usual;
        public string Petition { get; set; } = Usual;
    }

    /// <summary>Years an archived file of <see cref="Retention.Long"/> retention is kept (长期).</summary>
    public int LongRetentionYears { get; set; } = 30;

    /// <summary>Years an archived file of <see cref="Retention.Short"/> retention is kept (短期).</summary>
    public int ShortRetentionYears { get; set; } = 10;

    /// <summary>The items a case of <paramref name="kind"/> must have before it is closed with a written agreement.</summary>
    public IReadOnlyList<CaseFileItem> ItemsFor(CaseKind kind) => kind switch
    {
        CaseKind.Dispute => Parse(MandatoryItems.Dispute) ?? [],
        CaseKind.Petition => Parse(MandatoryItems.Petition) ?? [],
        _ => [],
    };

    /// <summary>
    /// The last day an archived file is kept: the term runs from 1 January of the year after archiving (as an
    /// archive counts 保管期限), so a short-term file archived in 2026 is kept to the end of 2036; none for good.
    /// </summary>
    public DateOnly? RetainedUntil(Retention retention, int archivedInYear) => retention switch
    {
        Retention.Long => new DateOnly(archivedInYear + LongRetentionYears, 12, 31),
        Retention.Short => new DateOnly(archivedInYear + ShortRetentionYears, 12, 31),
        _ => null,
    };

    /// <summary>The items named by a setting; null when one of its names is no item.</summary>
    static IReadOnlyList<CaseFileItem>? Parse(string? setting)
    {
        var items = new List<CaseFileItem>();
        foreach (var name in (setting ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Enum.GetNames<CaseFileItem>().Contains(name, StringComparer.Ordinal)) return null;
            var item = Enum.Parse<CaseFileItem>(name);
            if (!items.Contains(item)) items.Add(item);
        }
        return items;
    }

    /// <summary>Bound from configuration and checked at start: a setting the service cannot use stops the start, naming it.</summary>
    public static void AddTo(IServiceCollection services)
    {
        var allowed = string.Join(", ", Enum.GetNames<CaseFileItem>());
        services.AddOptions<CaseFilePolicy>().BindConfiguration(Section)
            .Validate(p => Parse(p.MandatoryItems.Dispute) is not null,
                $"{Section}:MandatoryItems:Dispute must be a comma-separated list of {allowed}, or empty")
            .Validate(p => Parse(p.MandatoryItems.Petition) is not null,
                $"{Section}:MandatoryItems:Petition must be a comma-separated list of {allowed}, or empty")
            .Validate(p => p.LongRetentionYears is >= 1 and <= 100, $"{Section}:LongRetentionYears must be a number of years from 1 to 100")
            .Validate(p => p.ShortRetentionYears >= 1 && p.ShortRetentionYears <= p.LongRetentionYears,
                $"{Section}:ShortRetentionYears must be a number of years from 1 to {Section}:LongRetentionYears")
            .ValidateOnStart();
    }
}

/// <summary>The archive a case file is in: its number, how long it is kept and until when (none: for good), and since when.</summary>
public sealed record CaseArchive(string FileNumber, Retention Retention, DateOnly? RetainedUntil, DateTimeOffset ArchivedAt);
