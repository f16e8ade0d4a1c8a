using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Signpost.Core.Audit;
using Signpost.Core.Browsers;
using Signpost.Core.Devices;
using Signpost.Core.Events;
using Signpost.Core.Maintenance;
using Signpost.Core.Passwords;
using Signpost.Core.Recovery;
using Signpost.Core.Sessions;
using Signpost.Core.SignIn;
using Signpost.Core.Tokens;
using Signpost.Data;
using Signpost.Web.Admin;
using Signpost.Web.Api;
using Signpost.Web.CredentialAudits;
using Signpost.Web.Email;
using Signpost.Web.Incidents;
using Signpost.Web.Infrastructure;
using Signpost.Web.Maintenance;
using Signpost.Web.Passwords;
using Signpost.Web.Platform;
using Signpost.Web.Support;
using Signpost.Web.Troubleshooting;
using Signpost.Web.Sso;

namespace Signpost.Web.Setup;

/// <summary>Builds the Signpost web host; the CLI builds the same host to reach the same services.</summary>
public static class SignpostHost
{
    /// <summary>ASP.NET Core's switch for re-reading static assets at run time (see <see cref="Build"/>).</summary>
    public const string ReloadStaticAssetsKey = "ReloadStaticAssetsAtRuntime";

    public static WebApplication Build(string[] args, bool demo = false)
    {
        // Run from any folder: settings and pages come from beside the executable unless the working
        // folder has its own appsettings.json. The SQLite file stays relative to the working folder.
        var builder = File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"))
            ? WebApplication.CreateBuilder(args)
            : WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory, WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot") });
        var services = builder.Services;

        // Under systemd (Type=notify): readiness and stopping reported to it, log lines with its priorities.
        // Nothing changes elsewhere; the command line builds this host but never starts it (docs/deployment.md).
        builder.Host.UseSystemd();

        // Links printed at start (demo, first run) point where this process listens unless an operator
        // configured the public address (behind a proxy it differs).
        if (string.IsNullOrEmpty(builder.Configuration[$"{SignpostOptions.Section}:PublicBaseUrl"]) && builder.Configuration["urls"] is { Length: > 0 } listen)
        {
            builder.Configuration[$"{SignpostOptions.Section}:PublicBaseUrl"] = listen.Split(';')[0];
        }

        // MapStaticAssets on a build's manifest (dotnet run, the tests) checks each file against the manifest,
        // re-compresses a changed one uncompressed and sends no-cache, so wwwroot can be edited while it runs.
        // Only Development wants that; elsewhere the manifest's compressed, year-cached answers are served.
        if (!builder.Environment.IsDevelopment() && builder.Configuration[ReloadStaticAssetsKey] is null)
        {
            builder.Configuration[ReloadStaticAssetsKey] = "false";
        }

        services.AddOptions<SignpostOptions>().BindConfiguration(SignpostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section)
            .Validate(o => o.Iterations >= PasswordHashingOptions.MinimumIterations,
                $"Signpost:PasswordHashing:Iterations must be at least {PasswordHashingOptions.MinimumIterations} (OWASP, PBKDF2-HMAC-SHA512).")
            .ValidateOnStart();
        services.AddOptions<BrowserSupportOptions>().BindConfiguration(BrowserSupportOptions.Section)
            .PostConfigure<TimeProvider>((o, time) => o.Clock = time)
            .Validate(o => o.MinimumVersions.Count > 0 || o.Releases.Count > 0, "Signpost:Browsers must name at least one browser family under MinimumVersions or Releases.")
            .Validate(o => o.LatestReleases is >= 1 and <= 10, "Signpost:Browsers:LatestReleases must be between 1 and 10.")
            .ValidateOnStart();

        var database = DatabaseSetup.From(builder.Configuration);
        services.AddSingleton(database);
        services.AddDbContext<SignpostDbContext>(database.Configure);
        services.AddSignpostStores();
        services.AddSignpostEmail(database.DataFolder);
        services.AddMaintenanceNotifier();
        services.AddSignpostIncidents();
        services.AddPasswordExpiryReminders();
        services.AddSignpostTroubleshooter();
        services.AddSignpostTelemetry(builder.Configuration, database.Provider);
        services.AddSignpostHealthChecks();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new DemoMode(demo));
        services.AddSingleton<PasswordHashing>();
        services.AddSignpostPasswordPolicy();
        services.AddSingleton<DeviceCookies>();
        services.AddScoped<SessionManager>();
        services.AddScoped<SignInEventRecorder>();
        services.AddScoped<SignInGate>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<ActivationService>();
        services.AddScoped<LinkTokens>();
        services.AddScoped<RecoveryService>();
        services.AddOptions<RecoveryOptions>().BindConfiguration(RecoveryOptions.Section)
            .Validate(o => o.Validate().Count == 0, "Signpost:Recovery has invalid values; see docs/configuration.md.")
            .ValidateOnStart();
        services.AddScoped<MaintenancePlanner>();
        services.AddSignpostMaintenancePages();
        services.AddScoped<Bootstrap>();
        services.AddScoped<Administration>();
        services.AddScoped<AccountActions>();
        services.AddScoped<AccountHolds>();
        services.AddScoped<PlatformAdministration>();
        services.AddCredentialAudits();
        services.AddHttpContextAccessor();
        services.AddScoped<AuditActors>();
        services.AddScoped<AdminScope>();
        services.AddScoped<AudienceProjection>();
        services.AddPracticeAdministration();
        services.AddScoped<AuditTrail>();
        services.AddAuditCheckpoints();
        services.AddSingleton<PasswordChangeTickets>();
        services.AddSingleton<RecoveryCookie>();
        services.AddSingleton<HeldTraces>();
        services.AddSingleton<JobLeases>();
        services.AddHostedService<EventRetention>();

        // The key ring lives in the database, encrypted with the configured certificate (KeyProtection.cs).
        services.AddSignpostDataProtection(builder.Configuration, builder.Environment);

        services.AddAuthentication(SessionAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, SessionAuthentication>(SessionAuthentication.SchemeName, null);
        services.AddSignpostSso();
        services.AddSignpostAuthorization();
        services.AddSignpostProxySupport(builder.Configuration);
        services.AddSignpostTransportSecurity();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = FormGuard.CookieName;
            options.FormFieldName = FormGuard.FieldName;
        });
        services.AddRazorPages(options =>
        {
            options.Conventions.AddPageRoute("/SignIn", "o/{slug}");
            options.Conventions.AuthorizeFolder("/Account");
            options.Conventions.AllowAnonymousToPage("/Account/ChangePassword");
            options.Conventions.AuthorizePage("/Index");
            options.Conventions.AuthorizeFolder("/Support", Authorization.SupportPolicy);
            options.Conventions.AuthorizeFolder("/Admin");
            options.Conventions.AuthorizeFolder("/Platform", Authorization.PlatformAdminPolicy);
            options.Conventions.AuthorizePage("/Admin/CredentialAudit");
        });
        services.AddScoped<FormGuard>();
        services.AddOpenApi();
        services.AddProblemDetails();

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseSignpostTransportSecurity();
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = FailureHandler.HandleAsync });
        app.UseStatusCodePages(StatusCodeAnswers.WriteAsync);
        if (database.Provider == DatabaseProvider.PostgreSQL)
        {
            app.UseMiddleware<DatabaseReconnect>();
        }

        app.Use(async (context, next) =>
        {
            var traceId = context.GetTraceId();
            context.Response.Headers["X-Trace-Id"] = traceId;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            context.Response.Headers.XFrameOptions = "DENY";

            // Ask Chromium-based browsers for fuller client hints (sent over HTTPS only) for the sign-in event.
            context.Response.Headers["Accept-CH"] = "Sec-CH-UA-Full-Version-List, Sec-CH-UA-Platform-Version";
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";
            await next();
        });
        app.UseRouting();
        app.UseSharedRateLimit();
        app.UseSsoCallbacks();
        app.UseAuthentication();
        app.UseSignpostRequestTelemetry();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapOpenApi("/openapi/{documentName}.json");
        var api = app.MapGroup("/api/v1").WithTags("Signpost");
        api.MapSignInApi();
        api.MapEventsApi();
        api.MapPasswordExpiryApi();
        api.MapHoldsApi();
        api.MapDiagnosesApi();
        api.MapIncidentsApi();
        api.MapWebhookDeliveriesApi();
        api.MapMembersApi();
        // wwwroot from the build's manifest: gzip/Brotli variants, ETags, and content-fingerprinted URLs cached
        // for a year (docs/passwords.md "The strength meter"); pages get those URLs through WithStaticAssets.
        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();
        app.MapSsoEndpoints();
        app.MapStatusFeeds();
        app.MapSignpostHealthEndpoints();
        return app;
    }

    /// <summary>Applies migrations (SQLite: and turns on write-ahead logging).</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SignpostDbContext>();
        await scope.ServiceProvider.GetRequiredService<DatabaseSetup>().MigrateAsync(db, cancellationToken);
    }
}
