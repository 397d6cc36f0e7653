using System.Security.Cryptography;
using JasperFx;
using Marten;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Mediation.Security;

/// <summary>A secret the service generated for itself and keeps with its data.</summary>
public sealed record ServiceSecret(string Id, string Value);

/// <summary>
/// The key tokens are signed and checked with: the configured one, else one generated on first
/// start and kept in the database, so tokens survive restarts and every instance agrees.
/// </summary>
public sealed class SigningKeys(IDocumentStore store, IOptions<SecurityOptions> options)
{
    const string SecretId = "jwt-signing-key";
    SymmetricSecurityKey? _key;

    public SymmetricSecurityKey Key => _key ?? throw new InvalidOperationException("The signing key is loaded at start-up (SecurityStartup).");

    public async Task LoadAsync(CancellationToken cancellation)
    {
        if (options.Value.SigningKey is { Length: > 0 } configured)
        {
            var bytes = Convert.FromBase64String(configured);
            if (bytes.Length < 32) throw new InvalidOperationException($"{SecurityOptions.Section}:SigningKey must be base64 of at least 32 bytes.");
            _key = new SymmetricSecurityKey(bytes);
            return;
        }

        await using var session = store.LightweightSession();
        var secret = await session.LoadAsync<ServiceSecret>(SecretId, cancellation);
        if (secret is null)
        {
            session.Insert(new ServiceSecret(SecretId, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64))));
            try
            {
                await session.SaveChangesAsync(cancellation);
            }
            catch (DocumentAlreadyExistsException)
            {
                // Another instance started at the same moment; its key is the key.
            }
            await using var fresh = store.QuerySession();
            secret = await fresh.LoadAsync<ServiceSecret>(SecretId, cancellation);
        }
        _key = new SymmetricSecurityKey(Convert.FromBase64String(secret!.Value));
    }
}
