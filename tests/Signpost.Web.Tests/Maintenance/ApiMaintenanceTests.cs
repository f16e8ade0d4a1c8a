using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Maintenance;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Maintenance;

/// <summary>During planned maintenance the API says so, with the expected end, and the attempt names the window.</summary>
public sealed class ApiMaintenanceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly SignpostFactory _app;

    public ApiMaintenanceTests() => _app = new SignpostFactory { Time = _time };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SignIn_DuringPortalWindow_503WithMaintenanceCodeEndAndRetryAfter()
    {
        // Arrange
        var account = await _app.CreateAccountAsync(TestAccounts.Unique("ivy"), null);
        var window = await _app.WithServicesAsync(services => services.GetRequiredService<MaintenancePlanner>().ScheduleAsync(
            new MaintenanceRequest(new DateTime(2026, 3, 2, 10, 0, 0), new DateTime(2026, 3, 2, 12, 0, 0), "UTC", MaintenanceScope.Portal, null,
                "Claims database upgrade.", "test"), CancellationToken.None).Done());
        _time.SetUtcNow(new DateTimeOffset(2026, 3, 2, 11, 0, 0, TimeSpan.Zero));
        using var client = _app.CreateBrowser();

        // Act: the right password, which would otherwise succeed.
        var response = await client.ApiSignInAsync(account.Username, TestAccounts.Password);

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("3600", response.Headers.GetValues("Retry-After").Single());
        var body = await TestBrowser.JsonAsync(response);
        Assert.Equal(ReasonCodes.MaintenanceWindow, body.GetProperty("code").GetString());
        Assert.Equal("2026-03-02T12:00:00Z", body.GetProperty("maintenanceEndsAt").GetString());
        Assert.Contains("Claims database upgrade.", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("sp_session=", StringComparison.Ordinal)));

        var recorded = await _app.EventAsync(body.GetProperty("traceId").GetString()!);
        Assert.Equal(ReasonCodes.MaintenanceWindow, recorded.ReasonCode);
        Assert.Equal(window.Id, recorded.MaintenanceWindowId);
        Assert.False(recorded.Succeeded);
    }

    [Fact]
    public async Task SignIn_AfterWindowEnds_SucceedsAgain()
    {
        var slug = TestAccounts.Unique("harbor");
        await _app.CreateOrganizationAsync(slug, "Harbor Clinic");
        var account = await _app.CreateAccountAsync(TestAccounts.Unique("ivo"), slug);
        await _app.WithServicesAsync(services => services.GetRequiredService<MaintenancePlanner>().ScheduleAsync(
            new MaintenanceRequest(new DateTime(2026, 3, 2, 10, 0, 0), new DateTime(2026, 3, 2, 12, 0, 0), "UTC", MaintenanceScope.SignIn, null,
                "Sign-in upgrade.", "test"), CancellationToken.None).Done());
        _time.SetUtcNow(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));
        using var client = _app.CreateBrowser();

        var response = await client.ApiSignInAsync(account.Username, TestAccounts.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TestBrowser.JsonAsync(response);
        var recorded = await _app.EventAsync(body.GetProperty("traceId").GetString()!);
        Assert.Null(recorded.MaintenanceWindowId);
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T12:00:00Z", CultureInfo.InvariantCulture), recorded.OccurredAt);
    }
}
