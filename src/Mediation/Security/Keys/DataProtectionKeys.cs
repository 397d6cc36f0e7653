using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace Mediation.Security.Keys;

/// <summary>A Data Protection key as ASP.NET Core writes it, already encrypted (see <see cref="RingXmlEncryptor"/>).</summary>
public sealed record StoredDataProtectionKey(string Id, string Xml);

/// <summary>
/// Data Protection (the workbench cookie, antiforgery tokens) with its key ring in the database that
/// every instance of the service shares, so a cookie issued by one instance opens on another and
/// survives a restart, with no shared folder to provision. Each key is stored encrypted with the
/// DataProtection ring's key, which is not in the database: a backup holds no usable cookie key.
/// </summary>
public static class DataProtectionKeys
{
    /// <summary>Fixed, so every instance reads the others' cookies whatever folder it runs from.</summary>
    public const string ApplicationName = "Mediation";

    public static void AddSharedDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            options.XmlRepository = new DatabaseXmlRepository(provider.GetRequiredService<IDocumentStore>());
            options.XmlEncryptor = new RingXmlEncryptor(provider.GetRequiredService<KeyRings>()[KeyRings.DataProtection]);
        }));
    }
}

/// <summary>Data Protection's key ring as documents. Data Protection calls it rarely (start, key roll) and synchronously.</summary>
public sealed class DatabaseXmlRepository(IDocumentStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var session = store.QuerySession();
        return session.Query<StoredDataProtectionKey>().ToListAsync().GetAwaiter().GetResult().Select(k => XElement.Parse(k.Xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var session = store.LightweightSession();
        session.Store(new StoredDataProtectionKey(friendlyName, element.ToString(SaveOptions.DisableFormatting)));
        session.SaveChangesAsync().GetAwaiter().GetResult();
    }
}

/// <summary>
/// Encrypts each Data Protection key with AES-256-GCM under the ring's current key, naming the key's id
/// so that older elements still open after the ring's current key changes.
/// </summary>
public sealed class RingXmlEncryptor(KeyRing ring) : IXmlEncryptor
{
    public const string Element = "encryptedKey", KeyIdAttribute = "keyId";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var sealedBytes = new byte[plain.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(RingXmlDecryptor.KeyFor(ring.Current), tag.Length))
            aes.Encrypt(nonce, plain, sealedBytes, tag, RingXmlDecryptor.AssociatedData(ring.CurrentId));
        var element = new XElement(Element, new XAttribute(KeyIdAttribute, ring.CurrentId),
            new XElement("value", Convert.ToBase64String([.. nonce, .. sealedBytes, .. tag])));
        return new EncryptedXmlInfo(element, typeof(RingXmlDecryptor));
    }
}

/// <summary>Opens what <see cref="RingXmlEncryptor"/> sealed; created by Data Protection with the service provider.</summary>
public sealed class RingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var ring = services.GetRequiredService<KeyRings>()[KeyRings.DataProtection];
        var id = encryptedElement.Attribute(RingXmlEncryptor.KeyIdAttribute)?.Value;
        var key = ring.Find(id) ?? throw new CryptographicException(
            $"A Data Protection key was encrypted with the key {id}, which {KeyRings.Section}:{KeyRings.DataProtection}:Keys no longer holds.");
        var bytes = Convert.FromBase64String(encryptedElement.Element("value")!.Value);
        var nonceSize = AesGcm.NonceByteSizes.MaxSize;
        var tagSize = AesGcm.TagByteSizes.MaxSize;
        var plain = new byte[bytes.Length - nonceSize - tagSize];
        using (var aes = new AesGcm(KeyFor(key), tagSize))
            aes.Decrypt(bytes.AsSpan(0, nonceSize), bytes.AsSpan(nonceSize, plain.Length), bytes.AsSpan(bytes.Length - tagSize), plain, AssociatedData(id!));
        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }

    /// <summary>The AES-256 key derived for this one use from the configured key, whatever its length.</summary>
    internal static byte[] KeyFor(byte[] configured) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, configured, 32, info: "mediation data protection key ring"u8.ToArray());

    internal static byte[] AssociatedData(string keyId) => Encoding.UTF8.GetBytes($"mediation data protection key ring, key {keyId}");
}
