using System.Text.Json;
using System.Text.Json.Serialization;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Core;
using JasperFx.Events.Daemon;
using Marten;
using Mediation.Common;
using Mediation.Security;
using Mediation.Security.Keys;
using Mediation.Telemetry;
using Weasel.Core;
using Wolverine;
using Wolverine.Http;
using Wolverine.ErrorHandling;
using Wolverine.Marten;

namespace Mediation.Hosting;

public static class ServiceSetup
{
    public static WebApplicationBuilder AddMediation(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var database = DatabaseOptions.Read(builder.Configuration);
        var telemetry = builder.AddTelemetry();
        var nodes = NodeOptions.Read(builder.Configuration);
        // First among the start-up work: without its keys the service stops before anything else starts.
        services.AddSingleton<KeyRings>();
        services.AddHostedService<KeyStartup>();
        services.AddSharedDataProtection();
        services.AddSingleton<DatabaseServer>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Organisation.OrgDirectory>();
        services.AddSingleton<Periods.PeriodLocks>();
        services.AddSingleton<Periods.ChangesSinceLock>();
        services.AddSingleton<Cases.CaseCommandRunner>();
        services.AddSingleton<Cases.Filing.CaseNumbers>();
        services.AddSingleton<Parties.PersonIndex>();
        services.AddSingleton<Cases.Documents.DocumentFont>();
        Cases.Deadlines.DeadlinePolicy.AddTo(services);
        Cases.Recording.RecordingPolicy.AddTo(services);
        Cases.Archiving.CaseFilePolicy.AddTo(services);
        Statistics.StatisticsOptions.AddTo(services);
        services.AddSingleton<Statistics.Settlement.SettlementQuery>();
        services.AddSingleton<Statistics.BacklogQuery>();
        services.AddSingleton<Statistics.Departments.DepartmentQuery>();
        services.AddSingleton<Statistics.WorkloadQuery>();
        services.AddSingleton<Seeding.Seeder>();
        services.AddSingleton<Auditing.Chain.ChainListener>();
        services.AddSingleton<Auditing.Chain.ChainVerifier>();
        services.AddSingleton<Auditing.Chain.ChainDigests>();
        services.AddSingleton<Auditing.Chain.LegacyChain>();
        services.AddSingleton<Statistics.Settlement.SettlementReportBuilder>();
        services.AddSingleton<Reports.CaseList.CaseListExport>();
        Reports.ReportOptions.AddTo(services);
        services.AddRateLimiter(limiter => limiter.AddPolicy<string, Reports.ExportLimit>(Reports.ExportLimit.Policy));

        services.AddRazorComponents();
        services.AddAntDesign();
        services.AddScoped<Workbench.CaseFile.CaseActions>();

        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = ClientErrors.Remember);
        services.AddExceptionHandler<DatabaseUnavailable>();
        services.AddOpenApiContract();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [DatabaseHealthCheck.ReadyTag])
            .AddCheck<Statistics.ProjectionHealthCheck>("statistics", tags: [DatabaseHealthCheck.ReadyTag]);
        services.ConfigureSystemTextJsonForWolverineOrMinimalApi(o => Json.ConfigureHttp(o.SerializerOptions));

        var marten = services.AddMarten(sp =>
            {
                var options = new StoreOptions();
                options.Connection(sp.GetRequiredService<DatabaseServer>().ConnectionString);
                options.DatabaseSchemaName = "mediation";
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, Json.Configure);
                options.Events.MetadataConfig.CorrelationIdEnabled = true;
                options.Events.MetadataConfig.UserNameEnabled = true;
                options.Events.MetadataConfig.HeadersEnabled = true;
                if (telemetry.Enabled)
                {
                    // A span per connection a session holds (with the statements under it), and a count of events appended by type.
                    options.OpenTelemetry.TrackConnections = JasperFx.OpenTelemetry.TrackLevel.Normal;
                    options.OpenTelemetry.TrackEventCounters();
                }
                // Recording times from the service's clock, like every other time it keeps.
                options.Events.TimeProvider = sp.GetRequiredService<TimeProvider>();
                // Every append is linked into the keyed chain in its own transaction.
                options.Listeners.Add(sp.GetRequiredService<Auditing.Chain.ChainListener>());
                options.Storage.ExtendedSchemaObjects.AddRange(Auditing.Chain.ChainSchema.Objects(options.DatabaseSchemaName));
                options.Schema.For<Organisation.OrgNode>();
                options.Schema.For<Periods.PeriodLock>();
                options.Schema.For<Parties.Party>().Index(p => p.CaseId);
                // The hourly clean-up deletes by age, so the age needs an index, or each run reads every stored
                // answer. A column of its own rather than an index over the JSON: that index calls a SQL function
                // for every answer stored, on every command's insert.
                options.Schema.For<Idempotency.IdempotentRequest>().Duplicate(r => r.CreatedAt);
                // Sign-in, administrators and the user change accounts: none may write over another's change.
                options.Schema.For<Security.UserAccount>().UseOptimisticConcurrency(true);
                options.Schema.For<StoredDataProtectionKey>();
                options.Schema.For<Auditing.AccessLogEntry>().Index(e => e.CaseId).Index(e => e.UserName).Index(e => e.At);
                Cases.Reading.CaseReadModel.Configure(options);
                options.Storage.ExtendedSchemaObjects.AddRange(Statistics.Projection.StatisticsTables.SchemaObjects(options.DatabaseSchemaName));
                options.Storage.ExtendedSchemaObjects.Add(Security.SigningIn.Lockout.SchemaObject(options.DatabaseSchemaName));
                options.Storage.ExtendedSchemaObjects.AddRange(Cases.Filing.CaseNumbers.SchemaObjects(options.DatabaseSchemaName));
                options.Storage.ExtendedSchemaObjects.Add(Parties.PersonIndex.SchemaObject(options.DatabaseSchemaName));
                options.Storage.ExtendedSchemaObjects.Add(Cases.Documents.AgreementNumbers.SchemaObject(options.DatabaseSchemaName));
                options.Storage.ExtendedSchemaObjects.Add(Cases.Attachments.AttachmentTable.SchemaObject(options.DatabaseSchemaName));
                options.Storage.ExtendedSchemaObjects.Add(Cases.Archiving.CaseFileNumbers.Series.SchemaObject(options.DatabaseSchemaName));
                options.Projections.Add(
                    new Statistics.Projection.StatisticsProjection(options.DatabaseSchemaName, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Statistics.StatisticsOptions>>().Value),
                    JasperFx.Events.Projections.ProjectionLifecycle.Async, Statistics.Projection.StatisticsProjection.ProjectionName, null);
                return options;
            })
            .UseLightweightSessions()
            .InitializeWith<CodeTables.DefaultCategories>()
            .AddAsyncDaemon(nodes.Daemon)
            .IntegrateWithWolverine(integration => integration.MessageStorageSchemaName = "wolverine");
        // Without automatic creation the schema must be there already (db-apply): the start stops, naming
        // what is missing or different, rather than a first request failing on it.
        if (database.CreatesSchema) marten.ApplyAllDatabaseChangesOnStartup();
        else services.AddHostedService<SchemaCheck>();
        // After Marten's own start-up work: these need its tables.
        services.AddHostedService<Auditing.Chain.ChainStartup>();
        services.AddHostedService<Cases.Reading.SnapshotUpgrade>();
        builder.AddSecurity();

        builder.Host.UseWolverine(opts =>
        {
            // Under a test host Wolverine would otherwise scan the test assembly and find no endpoints.
            opts.ApplicationAssembly = typeof(ServiceSetup).Assembly;
            opts.Policies.AutoApplyTransactions();
            opts.Policies.UseDurableLocalQueues();
            opts.Durability.Mode = nodes.Durability;
            // Counts of the message tables (scheduled deadlines among them), for telemetry only: each poll counts
            // the whole envelope table (one scheduled deadline per open case), so as seldom as the service's own gauges.
            opts.Durability.DurabilityMetricsEnabled = telemetry.Enabled;
            opts.Durability.UpdateMetricsPeriod = telemetry.GaugePeriod;
            opts.Schedules.ScheduleRecurring<Idempotency.ForgetExpiredIdempotencyKeys>(Idempotency.ForgetExpiredIdempotencyKeysHandler.Cron, TimeZoneInfo.Utc);
            opts.Schedules.ScheduleRecurring<Auditing.Chain.WriteChainDigests>(Auditing.Chain.WriteChainDigestsHandler.Cron, ChinaStandardTime.Zone);
            opts.Policies.OnException<ConcurrencyException>().RetryWithCooldown(50.Milliseconds(), 100.Milliseconds(), 250.Milliseconds());
        });
        services.AddWolverineHttp();

        var generatedCodeOutputPath = builder.Configuration["Mediation:GeneratedCodeOutputPath"];
        services.CritterStackDefaults(x =>
        {
            // Only set to check the committed code against a fresh generation (see CodegenTests).
            if (generatedCodeOutputPath is { Length: > 0 }) x.GeneratedCodeOutputPath = generatedCodeOutputPath;
            // Production and tests both run on the code committed under Internal/Generated
            // (`codegen write`); there is no runtime compiler in the service.
            x.Production.GeneratedCodeMode = TypeLoadMode.Static;
            x.Development.GeneratedCodeMode = TypeLoadMode.Static;
            // Marten's creation of missing objects on first use, and Wolverine's of its message storage at
            // start (with None it checks that storage instead, and stops when it is missing).
            x.Production.ResourceAutoCreate = database.AutoCreateMode;
            x.Development.ResourceAutoCreate = database.AutoCreateMode;
            x.Production.AssertAllPreGeneratedTypesExist = true;
            x.Development.AssertAllPreGeneratedTypesExist = true;
        });
        return builder;
    }

    public static WebApplication UseMediation(this WebApplication app)
    {
        app.Use(ClientErrors.Log);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurity();
        app.Use(Telemetry.TelemetrySetup.CountExports);
        // After the access table: whoever may not call an endpoint learns nothing about their input.
        app.Use(QueryValues.Check);
        app.Use(RequestBody.Check);

        app.MapApiReference();
        app.MapGet("/", () => Results.Redirect("/workbench")).ExcludeFromDescription();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(DatabaseHealthCheck.ReadyTag) });

        app.MapWolverineEndpoints();
        app.MapStaticAssets();
        app.MapRazorComponents<Workbench.App>();
        return app;
    }
}

public static class Json
{
    /// <summary>One JSON shape for HTTP, Marten documents and events: camelCase, enums as their names.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // PostgreSQL's jsonb orders an object's keys by length, so a type discriminator is not always first.
        options.AllowOutOfOrderMetadataProperties = true;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
            options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
    }

    /// <summary>New options of the one JSON shape, for code that reads or writes stored JSON itself.</summary>
    public static JsonSerializerOptions Configured()
    {
        var options = new JsonSerializerOptions();
        Configure(options);
        return options;
    }

    /// <summary>
    /// For requests and answers: an unknown member is refused (a misspelt field must not be silently
    /// ignored), a number is a JSON number (the web defaults would also read "12", which the OpenAPI
    /// document would then have to call "integer or string"), and times are written in China Standard
    /// Time, as the offices read them.
    /// </summary>
    public static void ConfigureHttp(JsonSerializerOptions options)
    {
        Configure(options);
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        if (!options.Converters.OfType<ChinaStandardTimeConverter>().Any()) options.Converters.Add(new ChinaStandardTimeConverter());
    }
}

/// <summary>Reads any ISO 8601 time with an offset into UTC; writes it at UTC+8.</summary>
public sealed class ChinaStandardTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        // A time without an offset is ambiguous across the clerk's and the server's clocks: refuse it.
        // (No message of our own: the serializer's names the member's path, which a client needs more.)
        if (text is null || !DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var value) || !HasOffset(text))
            throw new JsonException();
        // Inside the service every time is UTC (PostgreSQL's timestamptz takes nothing else).
        return value.ToUniversalTime();
    }

    static bool HasOffset(string text) =>
        text.Contains('T') && (text.EndsWith('Z') || text.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d{2}:?\d{2}$"));

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToOffset(ChinaStandardTime.Offset));
}

public static class HttpJson
{
    /// <summary>The serializer options answers are written with.</summary>
    public static readonly JsonSerializerOptions Options = Create();

    static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Json.ConfigureHttp(options);
        return options;
    }
}
