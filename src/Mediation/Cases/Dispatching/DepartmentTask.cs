namespace Mediation.Cases.Dispatching;

/// <summary>
/// A department's task on a case as it stands: what it was given and when, its feedback so far, and whether it was
/// completed or recalled. A unit recalled and dispatched again has a task of each dispatch.
/// </summary>
public sealed record DepartmentTask(string UnitCode, DepartmentRole Role, string Task, DateTimeOffset DueAt, DateTimeOffset DispatchedAt)
{
    public int Feedbacks { get; init; }
    public string? LastFeedback { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? RecalledAt { get; init; }

    /// <summary>The service recorded that it passed its due date open.</summary>
    public bool OverdueRecorded { get; init; }

    /// <summary>Neither completed nor recalled: the department is working it.</summary>
    public bool IsOpen => CompletedAt is null && RecalledAt is null;

    public bool CompletedOnTime => CompletedAt is { } done && done <= DueAt;

    /// <summary>Open and past its due date at <paramref name="now"/>.</summary>
    public bool IsOverdueAt(DateTimeOffset now) => IsOpen && now > DueAt;

    /// <summary>The open task of <paramref name="unitCode"/> among <paramref name="tasks"/>, if there is one.</summary>
    public static DepartmentTask? OpenOf(IEnumerable<DepartmentTask>? tasks, string unitCode) =>
        tasks?.LastOrDefault(t => t.UnitCode == unitCode && t.IsOpen);
}

/// <summary>
/// A command about one department's task: a user who takes part in the case only through a department (not handling
/// it) may give it for that department alone.
/// </summary>
public interface IDepartmentCommand
{
    string? UnitCode { get; }
}

/// <summary>A department's task as the case shows it: the task, and whether it is overdue now or was completed on time.</summary>
public sealed record DepartmentTaskView(string UnitCode, DepartmentRole Role, string Task, DateTimeOffset DueAt, DateTimeOffset DispatchedAt,
    int Feedbacks, string? LastFeedback, DateTimeOffset? CompletedAt, DateTimeOffset? RecalledAt, bool Overdue, bool CompletedOnTime)
{
    public static DepartmentTaskView Of(DepartmentTask t, DateTimeOffset now) => new(t.UnitCode, t.Role, t.Task, t.DueAt, t.DispatchedAt,
        t.Feedbacks, t.LastFeedback, t.CompletedAt, t.RecalledAt, t.IsOverdueAt(now), t.CompletedOnTime);
}
