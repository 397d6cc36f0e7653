using JasperFx.CommandLine;
using Marten;
using Spectre.Console;

namespace Mediation.Parties;

public sealed class PersonsInput : NetCoreInput
{
    [Description("reindex")]
    public string Action { get; set; } = "reindex";
}

[Description("Make the person index again from the parties (after an upgrade that brought it; before a rotated-out chain key leaves its ring)")]
public sealed class PersonsCommand : JasperFxAsyncCommand<PersonsInput>
{
    public PersonsCommand()
    {
        Usage("Make the person index again").Arguments(x => x.Action);
    }

    public override async Task<bool> Execute(PersonsInput input)
    {
        if (input.Action != "reindex")
        {
            AnsiConsole.MarkupLine("[red]The action is reindex[/]");
            return false;
        }
        using var host = input.BuildHost();
        await host.Services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var parties = await host.Services.GetRequiredService<PersonIndex>().ReindexAsync(CancellationToken.None);
        AnsiConsole.MarkupLine($"[green]Indexed {parties} parties[/]");
        return true;
    }
}
