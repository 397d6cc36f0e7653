using Mediation.Hosting;

namespace Mediation.Tests.Hosting;

/// <summary>The embedded PostgreSQL keeps its data where it lasts: beside the service, or where a service's state belongs, never in a temporary folder.</summary>
[Trait(FastLane.Trait, FastLane.Value)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class DataFolderTests
{
    [Fact]
    public void Data_the_working_directory_cannot_hold_goes_where_a_services_state_belongs_not_to_a_temporary_folder()
    {
        var closed = Path.Combine(Path.GetTempPath(), $"mediation-closed-{Guid.NewGuid():N}");
        var service = Path.Combine(closed, "service");
        Directory.CreateDirectory(service);
        try
        {
            File.SetUnixFileMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var root = DatabaseServer.DefaultDataRoot(service, "root");
            root.ShouldStartWith(DatabaseServer.StateRoot + "/");
            root.ShouldNotStartWith("/tmp");
            root.ShouldNotStartWith("/var/tmp");
            DatabaseServer.DefaultDataRoot(service, "root").ShouldBe(root, "the same working directory finds the same data");
            // Anyone but root runs PostgreSQL as themselves: the data stays beside the service.
            DatabaseServer.DefaultDataRoot(service, "clerk").ShouldBe(Path.Combine(service, ".mediation", "postgres"));
        }
        finally
        {
            File.SetUnixFileMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
            Directory.Delete(closed, recursive: true);
        }
    }
}
