namespace Mediation.Tests.Hosting;

/// <summary>
/// The service runs on the Wolverine code committed under src/Mediation/Internal/Generated
/// (TypeLoadMode.Static). This fails when a change to an endpoint or handler was not followed by
/// <c>dotnet run --project src/Mediation -- codegen write</c>.
/// </summary>
public class CodegenTests(PostgresForTests postgres)
{
    static string CommittedFolder => Path.Combine(ServiceProcess.SolutionRoot, "src", "Mediation", "Internal", "Generated");

    [Fact]
    public async Task The_committed_generated_code_is_what_codegen_writes_today()
    {
        var fresh = Path.Combine(Path.GetTempPath(), $"mediation-codegen-{Guid.NewGuid():N}");
        try
        {
            await using var codegen = ServiceProcess.Start(new Dictionary<string, string?>
            {
                ["Mediation__GeneratedCodeOutputPath"] = fresh,
                ["ConnectionStrings__Marten"] = await postgres.CreateDatabaseAsync("codegen"),
            }, "codegen", "write");
            (await codegen.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(0, codegen.Output);

            var expected = Files(fresh);
            var committed = Files(CommittedFolder);
            expected.Keys.ShouldNotBeEmpty();
            committed.Keys.OrderBy(k => k).ShouldBe(expected.Keys.OrderBy(k => k),
                "Generated files differ; run `dotnet run --project src/Mediation -- codegen write` and commit the result");
            foreach (var (file, code) in expected)
                committed[file].ShouldBe(code, $"{file} is stale; run `dotnet run --project src/Mediation -- codegen write` and commit the result");
        }
        finally
        {
            if (Directory.Exists(fresh)) Directory.Delete(fresh, recursive: true);
        }
    }

    static Dictionary<string, string> Files(string root) =>
        Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => File.ReadAllText(f).ReplaceLineEndings("\n"));
}
