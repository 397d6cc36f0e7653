using System.Text.RegularExpressions;

namespace Mediation.Security.Keys;

/// <summary>
/// The keys of one purpose by id, and the id new material is signed or encrypted with. Older keys stay
/// to check or open what they protected: rotating is adding a key, making it current, and removing the
/// old one once nothing it protected needs checking any more.
/// </summary>
public sealed partial class KeyRing
{
    public const int MinimumBytes = 32;

    readonly IReadOnlyDictionary<string, byte[]> _keys;

    public KeyRing(string name, string currentId, IReadOnlyDictionary<string, byte[]> keys)
    {
        Name = name;
        CurrentId = currentId;
        _keys = keys;
    }

    /// <summary>Token, Chain or DataProtection.</summary>
    public string Name { get; }

    public string CurrentId { get; }

    public byte[] Current => _keys[CurrentId];

    public IEnumerable<string> Ids => _keys.Keys;

    /// <summary>The key with this id, if the ring still holds it.</summary>
    public byte[]? Find(string? id) => id is not null && _keys.TryGetValue(id, out var key) ? key : null;

    /// <summary>
    /// Letters, digits and underscores: an id is part of a setting's name (<c>Mediation__Keys__Chain__Keys__c2026</c>
    /// in an environment variable), of a token's header and of every chain link.
    /// </summary>
    public static bool IsValidId(string id) => IdPattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9_]{1,32}$")]
    private static partial Regex IdPattern();
}
