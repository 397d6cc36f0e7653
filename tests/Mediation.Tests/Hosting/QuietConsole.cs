using System.Runtime.CompilerServices;
using Spectre.Console;

namespace Mediation.Tests.Hosting;

/// <summary>
/// Every in-process host runs the service's entry point, and JasperFx's command discovery writes a dozen
/// "Searching … for commands" lines to the console each time. A failing run prints the test process's whole
/// console, and those lines, hundreds of them, bury the failure; nothing a test asserts is written there.
/// </summary>
static class QuietConsole
{
    [ModuleInitializer]
    internal static void Initialize() =>
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
}
