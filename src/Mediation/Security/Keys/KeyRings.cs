using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mediation.Security.Keys;

/// <summary>
/// The service's secrets, all held outside the database so that a copy of the database (a backup, a
/// replica, someone with SQL access) can neither sign a token, nor recompute the event chain, nor open a
/// cookie. Three rings, each <c>Mediation:Keys:{ring}:Current</c> and <c>Mediation:Keys:{ring}:Keys:{id}</c>
/// (base64 of at least 32 random bytes), from any configuration source or from a key file of the same
/// layout (<c>Mediation:KeyFile</c>). Outside Development a missing ring stops the service at start; in
/// Development the missing rings are generated into <c>.mediation/keys.json</c> under the content root.
/// </summary>
public sealed class KeyRings
{
    public const string Section = "Mediation:Keys";
    public const string FileSetting = "Mediation:KeyFile";
    public const string Token = nameof(Token), Chain = nameof(Chain), DataProtection = nameof(DataProtection);
    public static readonly IReadOnlyList<string> Names = [Token, Chain, DataProtection];

    readonly Dictionary<string, KeyRing> _rings;

    public KeyRings(IConfiguration configuration, IHostEnvironment environment)
    {
        var configuredFile = configuration[FileSetting] is { Length: > 0 } file ? Path.GetFullPath(file, environment.ContentRootPath) : null;
        var developmentFile = DevelopmentFile(environment);
        var sources = new List<IConfiguration> { configuration };
        if (configuredFile is not null)
        {
            if (!File.Exists(configuredFile)) throw new InvalidOperationException($"{FileSetting} names {configuredFile}, which does not exist.");
            sources.Add(Read(configuredFile));
        }
        else if (environment.IsDevelopment() && File.Exists(developmentFile)) sources.Add(Read(developmentFile));

        var problems = new List<string>();
        var missing = Names.Where(name => Current(sources, name) is null).ToList();
        if (missing.Count > 0 && environment.IsDevelopment() && configuredFile is null)
        {
            Generate(developmentFile, missing);
            sources.Add(Read(developmentFile));
            GeneratedInto = developmentFile;
            GeneratedRings = missing;
        }

        _rings = new Dictionary<string, KeyRing>();
        foreach (var name in Names)
            if (Load(sources, name, problems) is { } ring) _rings[name] = ring;
        if (problems.Count == 0) return;

        if (configuration["Mediation:Security:SigningKey"] is { Length: > 0 })
            problems.Add("Mediation:Security:SigningKey is no longer read: put that key into Mediation:Keys:Token:Keys:{id} and make it current.");
        throw new InvalidOperationException(
            $"The service's keys are not configured, so it does not start ({environment.EnvironmentName}):{Environment.NewLine}  - " +
            string.Join($"{Environment.NewLine}  - ", problems) + Environment.NewLine +
            "Each ring needs Mediation:Keys:{ring}:Current and Mediation:Keys:{ring}:Keys:{id} = base64 of at least 32 random bytes " +
            "(openssl rand -base64 32), from settings, environment variables (Mediation__Keys__Token__Current, ...) or a key file " +
            $"named by {FileSetting}. See README.md, \"Keys\".");
    }

    public KeyRing this[string name] => _rings[name];

    /// <summary>Development only: the file keys were generated into at this start, if any.</summary>
    public string? GeneratedInto { get; }

    public IReadOnlyList<string> GeneratedRings { get; } = [];

    public static string DevelopmentFile(IHostEnvironment environment) => Path.Combine(environment.ContentRootPath, ".mediation", "keys.json");

    static IConfiguration Read(string path) => new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();

    static string? Current(IEnumerable<IConfiguration> sources, string name) =>
        sources.Select(s => s[$"{Section}:{name}:Current"]).FirstOrDefault(c => c is { Length: > 0 });

    static KeyRing? Load(IReadOnlyList<IConfiguration> sources, string name, List<string> problems)
    {
        var section = $"{Section}:{name}";
        var keys = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        // The first source that names an id wins: settings and environment before the key file.
        foreach (var source in sources.Reverse())
        foreach (var entry in source.GetSection($"{section}:Keys").GetChildren())
        {
            if (!KeyRing.IsValidId(entry.Key))
            {
                problems.Add($"{section}:Keys:{entry.Key}: a key id is 1 to 32 letters, digits or underscores.");
                continue;
            }
            var bytes = Decode(entry.Value);
            if (bytes is null || bytes.Length < KeyRing.MinimumBytes)
            {
                problems.Add($"{section}:Keys:{entry.Key} must be base64 of at least {KeyRing.MinimumBytes} bytes.");
                continue;
            }
            keys[entry.Key] = bytes;
        }
        var current = Current(sources, name);
        if (current is null)
        {
            problems.Add($"{section}:Current is not set ({(keys.Count == 0 ? "and there are no keys" : "keys: " + string.Join(", ", keys.Keys))}).");
            return null;
        }
        if (!keys.ContainsKey(current))
        {
            problems.Add($"{section}:Current names {current}, which is not among {section}:Keys.");
            return null;
        }
        return new KeyRing(name, keys.Keys.First(k => string.Equals(k, current, StringComparison.OrdinalIgnoreCase)), keys);
    }

    static byte[]? Decode(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64)) return null;
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>Adds a fresh key for each missing ring to the development key file, readable by its owner only.</summary>
    static void Generate(string path, IEnumerable<string> rings)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var root = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : new JsonObject();
        var keys = Child(Child(root, "Mediation"), "Keys");
        var id = $"dev{DateTime.UtcNow:yyyyMMddHHmmss}";
        foreach (var ring in rings)
        {
            var node = Child(keys, ring);
            Child(node, "Keys")[id] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            node["Current"] = id;
        }
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }

    static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing) return existing;
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }
}
