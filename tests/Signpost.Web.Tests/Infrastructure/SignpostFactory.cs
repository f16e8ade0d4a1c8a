using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;
using Signpost.Data;
using Signpost.Web.Platform;
using Signpost.Web.Setup;

namespace Signpost.Web.Tests.Infrastructure;

/// <summary>
/// The real Signpost host (its own <c>Main</c>: migrations, bootstrap, then the app) over a real SQLite
/// file in a fresh temp folder. Settings go in through <c>UseSetting</c>, which the factory hands to
/// <c>Main</c> as command-line configuration, so even values read while the host is built apply.
/// </summary>
public class SignpostFactory : WebApplicationFactory<Program>
{
    public const string PublicBaseUrl = "https://signpost.test";

    public SignpostFactory()
    {
        Directory.CreateDirectory(Folder);
    }

    /// <summary>Sign-in attempts per address per minute; high by default so only rate-limit tests meet the limit.</summary>
    public int PermitsPerMinute { get; init; } = 100_000;

    public int FormLifetimeMinutes { get; init; } = 120;

    /// <summary>
    /// Untrusted attempts the hash admission gate lets wait (<c>Signpost:HashAdmission:UntrustedQueue</c>); unset, the
    /// default of 4 per core. Tests that fire a burst at the lockout counter raise it, so the burst reaches the lock.
    /// </summary>
    public int? UntrustedHashQueue { get; init; }

    /// <summary>
    /// PBKDF2 iterations of the test host's password hasher. Most tests are not about hashing, so they get
    /// <see cref="CheapIterations"/> (about a millisecond a hash instead of a few hundred); tests whose
    /// point is the real cost (timing, rehash) set <see cref="PasswordHashingOptions.MinimumIterations"/>
    /// or use <see cref="RealCostApp"/>. The cheap hasher goes in through DI in code, a seam no production
    /// setting reaches (docs/testing.md).
    /// </summary>
    public int PasswordIterations { get; init; } = CheapIterations;

    public const int CheapIterations = 1_000;

    /// <summary>
    /// Whether Signpost's own hosted services run (the escalation worker, incident delivery, email,
    /// maintenance notices, reminders, SSO health, credential audits, event retention). Off by default:
    /// most tests exercise requests, and a host's jobs would only add work beside them. The hosts of the
    /// features that need them (email, incidents, recovery, SSO, maintenance, diagnosis) turn them on.
    /// </summary>
    public bool BackgroundJobs { get; init; }

    /// <summary>
    /// <c>Signpost:JobsStartDelaySeconds</c>. 0 here (jobs start with the host, as tests on a hand-moved clock
    /// expect), where a real node defers them until its first answer (JobStartTests covers that).
    /// </summary>
    public int JobsStartDelaySeconds { get; init; }

    /// <summary>Set to replace the app's clock with one the test moves by hand.</summary>
    public FakeTimeProvider? Time { get; init; }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "signpost-web-tests", Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(Folder, "signpost.db");

    public string ConnectionString => $"Data Source={DatabasePath}";

    /// <summary>
    /// The host starts on a copy of a migrated file (<see cref="MigratedSqliteTemplate"/>) rather than
    /// migrating a new one itself. A test that writes its own file into <see cref="Folder"/> before the host
    /// starts keeps it: the copy is made only where no file is.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        if (!File.Exists(DatabasePath))
        {
            MigratedSqliteTemplate.CopyTo(DatabasePath);
        }

        return base.CreateHost(builder);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Signpost", ConnectionString);
        builder.UseSetting("Signpost:PublicBaseUrl", PublicBaseUrl);
        builder.UseSetting("Signpost:SignInRateLimit:PermitsPerMinute", PermitsPerMinute.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Signpost:FormLifetimeMinutes", FormLifetimeMinutes.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Signpost:JobsStartDelaySeconds", JobsStartDelaySeconds.ToString(CultureInfo.InvariantCulture));
        if (UntrustedHashQueue is { } queue)
        {
            builder.UseSetting("Signpost:HashAdmission:UntrustedQueue", queue.ToString(CultureInfo.InvariantCulture));
        }
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Error");
        if (PasswordIterations < PasswordHashingOptions.MinimumIterations)
        {
            var iterations = PasswordIterations;
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<PasswordHashing>();
                services.AddSingleton(sp => CheapHashing.For(iterations, sp.GetService<Signpost.Core.Telemetry.SignpostMetrics>()));
            });
        }

        if (!BackgroundJobs)
        {
            builder.ConfigureTestServices(services =>
            {
                // Signpost's own jobs only: the web server itself is a hosted service too.
                var signpost = typeof(SignpostHost).Assembly;
                // Not the flush of queued refusal events on stop: that is part of the sign-in, not a job.
                foreach (var job in services.Where(d => d.ServiceType == typeof(IHostedService)
                    && d.ImplementationType != typeof(Signpost.Web.Infrastructure.RateLimitingEventFlush)
                    && (d.ImplementationType?.Assembly == signpost || d.ImplementationFactory?.Method.Module.Assembly == signpost)).ToList())
                {
                    services.Remove(job);
                }
            });
        }

        if (Time is { } time)
        {
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(time);
            });
        }
    }

    /// <summary>A browser-like client: keeps cookies, never follows redirects, says it is a supported Chrome.</summary>
    public TestBrowser CreateBrowser(bool handleCookies = true, string? userAgent = TestBrowser.SupportedChrome)
    {
        var cookies = new CookieContainer();
        var client = handleCookies
            ? CreateDefaultClient(TestBrowser.BaseUri, new CookieContainerHandler(cookies))
            : CreateDefaultClient(TestBrowser.BaseUri);
        if (userAgent is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
        }

        return new TestBrowser(client, cookies);
    }

    public async Task<T> WithServicesAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>
    /// Waits for the host's own first-run check, which <c>serve</c> runs beside the host's start and which may add the
    /// pending <c>admin</c>, its audit entry and its link after a test began: a test that counts platform admins or
    /// audit entries waits for it first.
    /// </summary>
    public Task FirstRunCheckedAsync() => Services.GetRequiredService<Signpost.Web.Setup.FirstRunCheck>().Ended.WaitAsync(TimeSpan.FromSeconds(60));

    public Task<T> WithDbAsync<T>(Func<SignpostDbContext, Task<T>> action) =>
        WithServicesAsync(services => action(services.GetRequiredService<SignpostDbContext>()));

    /// <summary>Creates a practice through the app's own administration service, then applies <paramref name="policy"/>.</summary>
    public Task<Organization> CreateOrganizationAsync(string slug, string name, Action<OrganizationPolicy>? policy = null) =>
        WithServicesAsync(async services =>
        {
            var organization = await services.GetRequiredService<PlatformProvisioning>().CreateOrganizationAsync(slug, name, null, "America/Chicago", CancellationToken.None).Done();
            if (policy is not null)
            {
                policy(organization.Policy);
                await services.GetRequiredService<SignpostDbContext>().SaveChangesAsync();
            }

            return organization;
        });

    /// <summary>Creates an account through the app's own administration service (active when it has a password).</summary>
    public Task<Account> CreateAccountAsync(
        string username,
        string? organizationSlug,
        string? password = TestAccounts.Password,
        string? displayName = null,
        PlatformRoles platformRoles = PlatformRoles.None,
        string? npi = null) =>
        WithServicesAsync(services => services.GetRequiredService<PlatformProvisioning>().CreateAccountAsync(
            organizationSlug, username, $"{username}@clinic.example", displayName ?? username, npi,
            organizationSlug is null ? PracticeRoles.None : PracticeRoles.Staff, platformRoles, password, CancellationToken.None).Done());

    /// <summary>The one event behind a trace ID, read straight from the SignInEvents table.</summary>
    public Task<SignInEvent> EventAsync(string traceId) =>
        WithDbAsync(db => db.SignInEvents.AsNoTracking().SingleAsync(e => e.TraceId == traceId));

    public Task<List<SignInEvent>> EventsForAccountAsync(Guid accountId) =>
        WithDbAsync(db => db.SignInEvents.AsNoTracking().Where(e => e.AccountId == accountId).OrderBy(e => e.Id).ToListAsync());

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            // Also when the app never started (a broken migration, say): no temp folder is left behind.
            DeleteFolder();
        }

        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            DeleteFolder();
        }
    }

    private void DeleteFolder()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Already gone (DisposeAsync also runs Dispose), or a file still held open: the OS cleans the temp folder.
        }
    }
}

/// <summary>A cheap hasher for one test host, timing its hashes on that host's meter (its dummy hash costs about a millisecond).</summary>
internal static class CheapHashing
{
    public static PasswordHashing For(int iterations, Signpost.Core.Telemetry.SignpostMetrics? metrics) => new(iterations, metrics);
}

/// <summary>A host hashing at the production cost, for tests whose point is that cost (timing, rehash).</summary>
public class RealCostApp : SignpostFactory
{
    public RealCostApp() => PasswordIterations = PasswordHashingOptions.MinimumIterations;
}

/// <summary>A plain host whose background jobs run, for tests that wait on a job's work.</summary>
public class JobsApp : SignpostFactory
{
    public JobsApp() => BackgroundJobs = true;
}
