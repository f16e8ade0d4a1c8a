using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Maintenance;
using Signpost.Web.Platform;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Maintenance;

/// <summary>
/// A <see cref="SignpostFactory"/> on a hand-moved clock that starts on Monday 2 March 2026, 09:00 UTC
/// (03:00 in Chicago, before the clocks change), with helpers that plan windows through the app's own
/// <see cref="MaintenancePlanner"/>, as the CLI does.
/// </summary>
public sealed class MaintenanceApp : SignpostFactory
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public MaintenanceApp(FakeTimeProvider clock)
    {
        BackgroundJobs = true;
        Clock = clock;
        Time = clock;
    }

    public MaintenanceApp()
        : this(new FakeTimeProvider(Start))
    {
    }

    public FakeTimeProvider Clock { get; }

    /// <summary>Sets <c>Signpost:MaintenanceNoticeLeadHours</c>; the default (72) when null.</summary>
    public int? NoticeLeadHours { get; init; }

    public DateTimeOffset Now => Clock.GetUtcNow();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (NoticeLeadHours is { } hours)
        {
            builder.UseSetting("Signpost:MaintenanceNoticeLeadHours", hours.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Schedules a window from <paramref name="start"/> to <paramref name="end"/> after now, entered in UTC.</summary>
    public Task<MaintenanceWindow> ScheduleAsync(
        TimeSpan start, TimeSpan end, MaintenanceScope scope = MaintenanceScope.Portal, Guid? organizationId = null, string message = "Claims database upgrade.") =>
        WithServicesAsync(services => services.GetRequiredService<MaintenancePlanner>().ScheduleAsync(
            new MaintenanceRequest((Now + start).UtcDateTime, (Now + end).UtcDateTime, "UTC", scope, organizationId, message, "test"),
            CancellationToken.None).Done());

    public Task<MaintenanceWindow> CloseAsync(Guid id) =>
        WithServicesAsync(services => services.GetRequiredService<MaintenancePlanner>().CloseAsync(id, CancellationToken.None).Done());

    public Task<MaintenanceWindow> CancelAsync(Guid id) =>
        WithServicesAsync(services => services.GetRequiredService<MaintenancePlanner>().CancelAsync(id, CancellationToken.None).Done());

    public Task<MaintenanceWindow> ExtendAsync(Guid id, DateTimeOffset newEnd) =>
        WithServicesAsync(services => services.GetRequiredService<MaintenancePlanner>().ExtendAsync(id, newEnd.UtcDateTime, "UTC", CancellationToken.None).Done());

    /// <summary>A practice administrator of <paramref name="organizationSlug"/>, with the test password.</summary>
    public Task<Account> CreatePracticeAdminAsync(string username, string organizationSlug) =>
        WithServicesAsync(services => services.GetRequiredService<PlatformProvisioning>().CreateAccountAsync(
            organizationSlug, username, $"{username}@clinic.example", username, null, PracticeRoles.PracticeAdmin, PlatformRoles.None,
            TestAccounts.Password, CancellationToken.None).Done());

    public Task<Core.Documents.SiteDocument> WriteProcedureAsync(string markdown) =>
        WithServicesAsync(services => services.GetRequiredService<DowntimeProcedure>().SaveAsync(markdown, "test", CancellationToken.None).Done());
}
