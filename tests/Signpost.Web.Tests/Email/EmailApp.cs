using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Maintenance;
using Signpost.Core.Notifications;
using Signpost.Core.Organizations;
using Signpost.Web.Maintenance;
using Signpost.Web.Platform;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Email;

/// <summary>
/// The Signpost host on a hand-moved clock (Monday 2 March 2026, 09:00 UTC) sending mail to a real SMTP
/// server on <see cref="SmtpPort"/>, or, without one, to the pickup folder beside its database.
/// </summary>
public class EmailApp : SignpostFactory
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public EmailApp()
    {
        BackgroundJobs = true;
        Clock = new FakeTimeProvider(Start);
        Time = Clock;
    }

    public FakeTimeProvider Clock { get; }

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>The SMTP server's port on 127.0.0.1; null writes mail to the pickup folder.</summary>
    public int? SmtpPort { get; init; }

    public string? SupportEmail { get; init; }

    /// <summary>
    /// Whether the notifier's own timer runs. Off by default: tests that call <c>RunNotifierAsync</c> and move
    /// the fake clock would otherwise race the timer that the same clock drives.
    /// </summary>
    public bool TimerRuns { get; init; }

    public string Environment { get; init; } = "Development";

    /// <summary>Started as <c>signpost --demo</c> (the demo practice seeded, /dev/mail on for loopback).</summary>
    public bool Demo { get; init; }

    /// <summary>Any further settings, as configuration keys.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    public string PickupFolder => Path.Combine(Folder, "mail");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment(Environment);

        // Production refuses to start without a key-ring certificate unless allowed; the tests' own database is.
        builder.UseSetting("Signpost:DataProtection:AllowUnprotectedKeys", "true");
        if (SmtpPort is { } port)
        {
            builder.UseSetting("Signpost:Email:Host", "127.0.0.1");
            builder.UseSetting("Signpost:Email:Port", port.ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Signpost:Email:Security", "None");
            builder.UseSetting("Signpost:Email:TimeoutSeconds", "10");
        }

        builder.UseSetting("Signpost:Email:From", "Signpost <signpost@signpost.test>");

        builder.UseSetting("Signpost:Notifier:Enabled", TimerRuns ? "true" : "false");
        if (SupportEmail is not null)
        {
            builder.UseSetting("Signpost:SupportEmail", SupportEmail);
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (Demo)
        {
            // Handed to Main as "--demo=true", the switch itself.
            builder.UseSetting("demo", "true");
        }

        // A request may name its client address (the in-memory server has none).
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressFilter>());
    }

    /// <summary>One run of the notifier, exactly as its timer runs it; returns when the run is over.</summary>
    public Task RunNotifierAsync() => Services.GetRequiredService<MaintenanceNotifier>().RunOnceAsync(CancellationToken.None);

    public Task<Organization> CreatePracticeAsync(string slug, string name, string timeZone) =>
        WithServicesAsync(services => services.GetRequiredService<PlatformProvisioning>().CreateOrganizationAsync(slug, name, null, timeZone, CancellationToken.None).Done());

    public Task<Account> CreateMemberAsync(string organizationSlug, string username, PracticeRoles roles) =>
        WithServicesAsync(services => services.GetRequiredService<PlatformProvisioning>().CreateAccountAsync(
            organizationSlug, username, $"{username}@clinic.example", $"{username} (display)", null, roles, PlatformRoles.None, TestAccounts.Password, CancellationToken.None).Done());

    public Task<MaintenanceWindow> ScheduleAsync(TimeSpan start, TimeSpan length, MaintenanceScope scope = MaintenanceScope.Portal, Guid? organizationId = null, string message = "Claims database upgrade.") =>
        WithServicesAsync(services => services.GetRequiredService<MaintenancePlanner>().ScheduleAsync(
            new MaintenanceRequest((Now + start).UtcDateTime, (Now + start + length).UtcDateTime, "UTC", scope, organizationId, message, "test"),
            CancellationToken.None).Done());

    public Task<MaintenanceWindow> WindowAsync(Guid id) =>
        WithDbAsync(db => db.MaintenanceWindows.AsNoTracking().SingleAsync(w => w.Id == id));

    public Task<List<NotificationDelivery>> DeliveriesAsync() =>
        WithDbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().ToListAsync());
}
