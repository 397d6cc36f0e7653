using Alba;
using Mediation.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Mediation.Tests.Hosting;

/// <summary>A setting the service cannot work with stops the start, naming it, instead of failing the first request that reads it.</summary>
public class SettingsTests(PostgresForTests postgres)
{
    public static TheoryData<string, string> Invalid => new()
    {
        { "Mediation:Deadlines:Dispute", "-1.00:00:00" },
        { "Mediation:Deadlines:HelpRequest", "00:00:00" },
        { "Mediation:Deadlines:PetitionAcceptance", "-00:00:01" },
        { "Mediation:Deadlines:Petition", "4000.00:00:00" },
        { "Mediation:Deadlines:ReviewRequestWindow", "00:00:00" },
        { "Mediation:Deadlines:Review", "-3.00:00:00" },
        { "Mediation:Deadlines:JudicialConfirmation", "00:00:00" },
        { "Mediation:Deadlines:JudicialConfirmationWarning", "-1.00:00:00" },
        { "Mediation:Deadlines:JudicialConfirmationWarning", "40.00:00:00" },
        { "Mediation:Deadlines:MaxExtensionDaysDispute", "-1" },
        { "Mediation:Recording:LateEntryAfter", "-1.00:00:00" },
        { "Mediation:Statistics:SuccessfulOutcomes:0", "Settled" },
        { "Mediation:Statistics:LegacyDays", "0" },
        { "Mediation:Statistics:MinimumCasesForRanking", "-5" },
        { "Mediation:Statistics:ReadyLag", "00:00:00" },
        { "Mediation:Reports:ExportsPerUser", "0" },
        { "Mediation:Security:SignInsPerMinute", "0" },
        { "Mediation:Security:SignInsPerUserPerMinute", "-1" },
        { "Mediation:Security:SessionLimit", "00:00:00" },
        { "Mediation:Security:TokenLifetime", "-01:00:00" },
        { "Mediation:Security:MaxFailedSignIns", "0" },
        { "Mediation:Security:Lockout", "00:00:00" },
        { "Mediation:Security:AccountCacheTime", "00:05:00" },
        { "Mediation:Security:PasswordHashIterations", "1000" },
        { "Mediation:Security:KnownProxies:0", "proxy.example" },
        { "Mediation:Security:KnownNetworks:0", "10.0.0.0/99" },
        { "Mediation:Deadlines:MaxExtensionDaysPetition", "-2" },
        { "Mediation:Database:AutoCreate", "Sometimes" },
        { "Mediation:CaseFile:MandatoryItems:Dispute", "AgreementInEffect, Photo" },
        { "Mediation:CaseFile:MandatoryItems:Petition", "0" },
        { "Mediation:CaseFile:LongRetentionYears", "0" },
        { "Mediation:CaseFile:ShortRetentionYears", "40" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task An_invalid_setting_stops_the_start_naming_it(string setting, string value)
    {
        var database = await postgres.CreateDatabaseAsync("settings");
        var refusal = await Should.ThrowAsync<OptionsValidationException>(async () =>
        {
            await using var host = await AlbaHost.For<Program>(b => b.UseSetting("ConnectionStrings:Marten", database).WithTestUsers().UseSetting(setting, value));
        });
        var name = setting.EndsWith(":0", StringComparison.Ordinal) ? setting[..^2] : setting;
        refusal.Message.ShouldContain(name);
    }
}
