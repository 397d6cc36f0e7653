using System.Security.Cryptography;
using Marten;
using Microsoft.AspNetCore.Identity;

namespace Mediation.Security;

/// <summary>
/// At start, on an empty user table: the bootstrap administrator <c>admin</c>
/// with the password from <c>Mediation:BootstrapAdminPassword</c> (or, when none is configured, a
/// random one printed once to the log, so a first run is never left with a guessable password).
/// </summary>
public sealed class SecurityStartup(IDocumentStore store, IConfiguration configuration, TimeProvider clock,
    ILogger<SecurityStartup> logger) : IHostedService
{
    public const string BootstrapPasswordSetting = "Mediation:BootstrapAdminPassword";
    public const string BootstrapAdmin = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        if (await session.Query<UserAccount>().AnyAsync(cancellationToken)) return;
        var password = configuration[BootstrapPasswordSetting];
        var generated = string.IsNullOrEmpty(password);
        if (generated) password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
        var admin = new UserAccount
        {
            Id = BootstrapAdmin,
            DisplayName = "Administrator",
            Roles = [Roles.Admin],
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = "bootstrap",
        };
        session.Insert(admin with { PasswordHash = new PasswordHasher<UserAccount>().HashPassword(admin, password!) });
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (JasperFx.DocumentAlreadyExistsException)
        {
            return;
        }
        if (generated)
            logger.LogWarning("Created the administrator '{User}' with the generated password {Password} (shown once; set {Setting} to choose it)",
                BootstrapAdmin, password, BootstrapPasswordSetting);
        else logger.LogInformation("Created the administrator '{User}' with the configured password", BootstrapAdmin);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
