namespace Mediation.Cases;

/// <summary>
/// A form a case command is read from (the workbench's action dialog). Each call names one field, as
/// the API names it, and says what it holds; the form answers with the value entered, or null.
/// </summary>
public interface ICommandForm
{
    string? Text(string field);
    string? LongText(string field);

    /// <summary>The code of a grid, chosen from those the case may go to.</summary>
    string? Grid(string field);

    /// <summary>The code of a department, chosen from those of the case's county.</summary>
    string? Department(string field);

    /// <summary>A yes-or-no box: true when ticked, else null.</summary>
    bool? Flag(string field);

    /// <summary>One value of <typeparamref name="T"/>; <paramref name="except"/> are not offered.</summary>
    T? Choice<T>(string field, params T[] except) where T : struct, Enum;

    int? Number(string field);
    decimal? Money(string field);
    DateTimeOffset? DateTime(string field);
    DateTimeOffset? Date(string field);

    /// <summary>Several names in one field (mediators).</summary>
    IReadOnlyList<string>? List(string field);
}

/// <summary>How a field is entered.</summary>
public enum FieldInput { Text, LongText, Grid, Choice, Number, DateTime, Date, Department, Flag }

/// <summary>One field of a command's form, with the values it offers when it is a choice.</summary>
public sealed record FormField(string Name, FieldInput Input, IReadOnlyList<Enum> Choices);

/// <summary>The fields a command's reading asks for, in the order it asks: the form to show.</summary>
sealed class FormLayout : ICommandForm
{
    readonly List<FormField> _fields = [];

    public static IReadOnlyList<FormField> Of<TCommand>(Func<ICommandForm, TCommand> read)
    {
        var layout = new FormLayout();
        read(layout);
        return layout._fields;
    }

    void Add(string field, FieldInput input, IReadOnlyList<Enum>? choices = null) => _fields.Add(new(field, input, choices ?? []));

    public string? Text(string field) { Add(field, FieldInput.Text); return null; }
    public string? LongText(string field) { Add(field, FieldInput.LongText); return null; }
    public string? Grid(string field) { Add(field, FieldInput.Grid); return null; }
    public string? Department(string field) { Add(field, FieldInput.Department); return null; }
    public bool? Flag(string field) { Add(field, FieldInput.Flag); return null; }

    public T? Choice<T>(string field, params T[] except) where T : struct, Enum
    {
        Add(field, FieldInput.Choice, Enum.GetValues<T>().Where(v => !except.Contains(v)).Cast<Enum>().ToList());
        return null;
    }

    public int? Number(string field) { Add(field, FieldInput.Number); return null; }
    public decimal? Money(string field) { Add(field, FieldInput.Text); return null; }
    public DateTimeOffset? DateTime(string field) { Add(field, FieldInput.DateTime); return null; }
    public DateTimeOffset? Date(string field) { Add(field, FieldInput.Date); return null; }
    public IReadOnlyList<string>? List(string field) { Add(field, FieldInput.Text); return null; }
}
