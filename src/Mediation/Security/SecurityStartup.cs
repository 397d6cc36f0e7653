using System.Security.Cryptography;
using Marten;
using Microsoft.AspNetCore.Identity;

namespace Mediation.Security;

/// <summary>
/// At start: a security stamp for accounts from before stamps existed; and on an empty user table
/// the bootstrap administrator <c>admin</c> with the password from
/// <c>Mediation:BootstrapAdminPassword</c> (or, when none is configured, a random one printed once to
/// the log, so a first run is never left with a guessable password). A configured password is held to
/// the policy every other password is (<see cref="PasswordPolicy"/>): the service does not start with
/// a weaker one.
/// </summary>
public sealed class SecurityStartup(IDocumentStore store, IConfiguration configuration, IPasswordHasher<UserAccount> hasher,
    TimeProvider clock, ILogger<SecurityStartup> logger) : IHostedService
{
    public const string BootstrapPasswordSetting = "Mediation:BootstrapAdminPassword";
    public const string BootstrapAdmin = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var password = configuration[BootstrapPasswordSetting];
        if (!string.IsNullOrEmpty(password) && PasswordPolicy.Problem(password) is { } problem)
            throw new InvalidOperationException($"{BootstrapPasswordSetting} {problem}, like every password; set a longer one or leave it unset for a random one.");

        await StampAsync(cancellationToken);
        await using var session = store.LightweightSession();
        if (await session.Query<UserAccount>().AnyAsync(cancellationToken)) return;
        var generated = string.IsNullOrEmpty(password);
        if (generated) password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
        var admin = new UserAccount
        {
            Id = BootstrapAdmin,
            DisplayName = "Administrator",
            Roles = [Roles.Admin],
            SecurityStamp = UserAccount.NewStamp(),
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = "bootstrap",
        };
        session.Insert(admin with { PasswordHash = hasher.HashPassword(admin, password!) });
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

    /// <summary>
    /// Accounts created before security stamps existed get one; their old tokens carry none and are
    /// refused anyway, so the users simply sign in again.
    /// </summary>
    async Task StampAsync(CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        var unstamped = await session.Query<UserAccount>().Where(u => u.SecurityStamp == "" || u.SecurityStamp == null).ToListAsync(cancellation);
        if (unstamped.Count == 0) return;
        foreach (var user in unstamped) session.Store(user.WithNewStamp());
        try
        {
            await session.SaveChangesAsync(cancellation);
        }
        catch (JasperFx.ConcurrencyException)
        {
            // Another instance starting at the same moment stamped them.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
