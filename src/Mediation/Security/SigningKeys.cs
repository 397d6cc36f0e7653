using Mediation.Security.Keys;
using Microsoft.IdentityModel.Tokens;

namespace Mediation.Security;

/// <summary>
/// The keys tokens are signed and checked with: the token ring's current key signs, naming its id in the
/// token's <c>kid</c> header; a token is checked with the key its <c>kid</c> names while the ring holds it.
/// </summary>
public sealed class SigningKeys(KeyRings rings)
{
    readonly Dictionary<string, SymmetricSecurityKey> _keys = rings[KeyRings.Token].Ids
        .ToDictionary(id => id, id => new SymmetricSecurityKey(rings[KeyRings.Token].Find(id)!) { KeyId = id }, StringComparer.OrdinalIgnoreCase);

    public SymmetricSecurityKey Current => _keys[rings[KeyRings.Token].CurrentId];

    public SigningCredentials Credentials => new(Current, SecurityAlgorithms.HmacSha256);

    /// <summary>The key a token names; none (so the token is refused) for a removed or missing id.</summary>
    public IEnumerable<SecurityKey> For(string? keyId) =>
        keyId is not null && _keys.TryGetValue(keyId, out var key) ? [key] : [];
}
