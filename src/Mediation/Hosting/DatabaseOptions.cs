using Microsoft.Extensions.Options;

namespace Mediation.Hosting;

/// <summary>
/// Whether the service creates and updates its schema itself (<c>CreateOrUpdate</c>) or runs on a schema an
/// operator applied beforehand with <c>db-apply</c> (<c>None</c>), with an account that has no right to
/// change it. Under <c>Mediation:Database</c>.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Mediation:Database";
    const string CreateOrUpdate = "CreateOrUpdate", None = "None";

    public string AutoCreate { get; set; } = CreateOrUpdate;

    public bool CreatesSchema => AutoCreate.Equals(CreateOrUpdate, StringComparison.OrdinalIgnoreCase);

    public JasperFx.AutoCreate AutoCreateMode => CreatesSchema ? JasperFx.AutoCreate.CreateOrUpdate : JasperFx.AutoCreate.None;

    /// <summary>
    /// Read while the service is put together, since it decides what is registered; a value other than the
    /// two stops the start, naming the setting.
    /// </summary>
    public static DatabaseOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (!options.CreatesSchema && !options.AutoCreate.Equals(None, StringComparison.OrdinalIgnoreCase))
            throw new OptionsValidationException(Section, typeof(DatabaseOptions),
                [$"{Section}:AutoCreate must be {CreateOrUpdate} or {None}, not '{options.AutoCreate}'"]);
        return options;
    }
}
