namespace Mediation.Tests.Security;

/// <summary>
/// The keys every test host and every service process a test starts is configured with (Production
/// refuses to start without them). Test keys only: nothing they protect leaves a test's database.
/// </summary>
public static class TestKeys
{
    public const string Id = "test1";
    public const string Token = "k7VDWvaG9gIUe6/DjIFjlPih8T/YJBiDXWelvArpNvM=";
    public const string Chain = "jfwBR54QXpXAIGOKVYB4Mh1UH55clZ/yElv7ywBzNLA=";
    public const string DataProtection = "MziyVPQ3hYdjORTeX6FUP/y0F0xRO5c9+zCkRwUZDbc=";

    /// <summary>As settings (<c>Mediation:Keys:Token:Current</c>, ...).</summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Mediation:Keys:Token:Current"] = Id,
        [$"Mediation:Keys:Token:Keys:{Id}"] = Token,
        ["Mediation:Keys:Chain:Current"] = Id,
        [$"Mediation:Keys:Chain:Keys:{Id}"] = Chain,
        ["Mediation:Keys:DataProtection:Current"] = Id,
        [$"Mediation:Keys:DataProtection:Keys:{Id}"] = DataProtection,
    };

    /// <summary>As environment variables, for a service process.</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = Settings.ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value);
}
