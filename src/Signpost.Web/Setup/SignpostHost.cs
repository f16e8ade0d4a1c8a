using Signpost.Data;
using Signpost.Web.Admin;
using Signpost.Web.Analytics;
using Signpost.Web.Api;
using Signpost.Web.CredentialAudits;
using Signpost.Web.Email;
using Signpost.Web.Incidents;
using Signpost.Web.Infrastructure;
using Signpost.Web.Maintenance;
using Signpost.Web.OpenIdProvider;
using Signpost.Web.Pages;
using Signpost.Web.Passwords;
using Signpost.Web.Platform;
using Signpost.Web.Recovery;
using Signpost.Web.SignIn;
using Signpost.Web.Sso;
using Signpost.Web.Support;
using Signpost.Web.Troubleshooting;

namespace Signpost.Web.Setup;

/// <summary>Builds the Signpost web host; the CLI builds the same host to reach the same services.</summary>
public static class SignpostHost
{
    /// <summary>ASP.NET Core's switch for re-reading static assets at run time (see <see cref="Build"/>).</summary>
    public const string ReloadStaticAssetsKey = "ReloadStaticAssetsAtRuntime";

    /// <param name="args">The command line.</param>
    /// <param name="demo">Seed the demo practice (<c>serve --demo</c>).</param>
    /// <param name="serve">
    /// False for the CLI's commands, which never answer a request: the pipeline and the endpoints (Razor
    /// Pages' discovery above all, about a fifth of a command's start) are left out (docs/cli.md, "What a start costs").
    /// </param>
    /// <param name="servicesBuilt">
    /// Called once the service provider is built, before the pipeline and the endpoints are mapped: <c>serve</c>
    /// starts its schema check there, so that it runs beside the mapping (docs/cli.md, "What a start costs").
    /// </param>
    public static WebApplication Build(string[] args, bool demo = false, bool serve = true, Action<WebApplication>? servicesBuilt = null)
    {
        var builder = CreateBuilder(args);
        StartupTrace.Mark("host: builder made (configuration, logging)");
        var services = builder.Services;
        var database = DatabaseSetup.From(builder.Configuration);

        services.AddSignpostHost(demo);
        services.AddStartupTrace();
        services.AddSignpostDatabase(database);

        // The features. Those with a background job are listed in the order their jobs start.
        services.AddSignpostEmail(database.DataFolder);
        services.AddSignpostMaintenance();
        services.AddSignpostIncidents();
        services.AddPasswordExpiryReminders();
        services.AddSignpostTroubleshooter();
        services.AddSignpostTelemetry(builder.Configuration, database.Provider);
        services.AddSignpostHealthChecks();
        services.AddSignpostSignIn();
        services.AddSignpostRecovery();
        services.AddSignpostPlatformAdministration();
        services.AddSignpostSupport();
        services.AddSignpostPracticeAdministration();
        services.AddCredentialAudits();
        services.AddSignpostAudit();
        services.AddSignpostEventRetention();
        services.AddSignpostAnalytics();

        // The web surface: the key ring (in the database, encrypted with the configured certificate), single
        // sign-on's schemes, who may do what, proxies and HTTPS, the pages and the API.
        services.AddSignpostDataProtection(builder.Configuration, builder.Environment);
        services.AddSignpostSso();
        services.AddSignpostAuthorization();
        services.AddSignpostProxySupport(builder.Configuration);
        services.AddSignpostTransportSecurity();
        services.AddSignpostPages();
        services.AddSignpostApi();
        services.AddSignpostOpenIdProvider(builder.Configuration);

        StartupTrace.Mark("host: services added");
        var app = builder.Build();
        StartupTrace.Mark("host: service provider built");
        servicesBuilt?.Invoke(app);
        if (serve)
        {
            app.UseSignpostPipeline();
            StartupTrace.Mark("host: pipeline used");
            app.MapSignpostEndpoints();
        }

        return app;
    }

    private static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // Run from any folder: settings and pages come from beside the executable unless the working
        // folder has its own appsettings.json. The SQLite file stays relative to the working folder.
        var builder = File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"))
            ? WebApplication.CreateBuilder(args)
            : WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory, WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot") });

        // Under systemd (Type=notify): readiness and stopping reported to it, log lines with its priorities.
        // Nothing changes elsewhere; the command line builds this host but never starts it (docs/deployment.md).
        builder.Host.UseSystemd();

        // Links printed at start (demo, first run) point where this process listens unless an operator
        // configured the public address (behind a proxy it differs).
        if (string.IsNullOrEmpty(builder.Configuration[$"{SignpostOptions.Section}:PublicBaseUrl"]) && builder.Configuration["urls"] is { Length: > 0 } listen)
        {
            // A wildcard listen address (http://*:5080, http://+:5080, 0.0.0.0, [::]) binds every interface and
            // names none: links (and the OpenID Connect issuer) then say localhost.
            var first = listen.Split(';')[0];
            foreach (var wildcard in (string[])["://*:", "://+:", "://0.0.0.0:", "://[::]:"])
            {
                first = first.Replace(wildcard, "://localhost:", StringComparison.Ordinal);
            }

            builder.Configuration[$"{SignpostOptions.Section}:PublicBaseUrl"] = first;
        }

        // MapStaticAssets on a build's manifest (dotnet run, the tests) checks each file against the manifest,
        // re-compresses a changed one uncompressed and sends no-cache, so wwwroot can be edited while it runs.
        // Only Development wants that; elsewhere the manifest's compressed, year-cached answers are served.
        if (!builder.Environment.IsDevelopment() && builder.Configuration[ReloadStaticAssetsKey] is null)
        {
            builder.Configuration[ReloadStaticAssetsKey] = "false";
        }

        return builder;
    }

    /// <summary>
    /// The schema step of <c>signpost migrate</c> (<paramref name="always"/>) and of a command that writes
    /// (<see cref="DatabaseSetup.MigrateUnlessAheadAsync"/>): null, or the line the command refuses with.
    /// </summary>
    public static async Task<string?> MigrateUnlessAheadAsync(IServiceProvider services, bool always, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SignpostDbContext>();
        return await scope.ServiceProvider.GetRequiredService<DatabaseSetup>().MigrateUnlessAheadAsync(db, always, cancellationToken);
    }

    /// <summary>The schema step of <c>serve</c> (<see cref="DatabaseSetup.PrepareToServeAsync"/>): null, or the line a node refuses with.</summary>
    public static async Task<string?> PrepareToServeAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SignpostDbContext>();
        return await scope.ServiceProvider.GetRequiredService<DatabaseSetup>().PrepareToServeAsync(db, cancellationToken);
    }
}
