using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Maintenance;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Maintenance;

/// <summary>
/// The sign-in gate reads the maintenance windows through the node's cache (docs/maintenance.md, "How soon a
/// change takes effect"): a window planned on this node refuses the very next attempt; one written by another
/// node (here: straight into the store, past this node's planner) takes effect after the bound, not before.
/// </summary>
public sealed class MaintenanceCacheTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly SignpostFactory _app;

    public MaintenanceCacheTests() => _app = new SignpostFactory { Time = _time };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task WindowPlannedOnThisNode_RefusesTheNextAttemptAtOnce_AndClosingItLetsTheNextOneIn()
    {
        // Arrange: an attempt that succeeds, so the node holds a copy of the (empty) windows, read just now.
        var account = await AccountInAPracticeAsync("cora");
        using var client = _app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await client.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);

        // Act 1: a portal window from now, planned on this node; the clock does not move.
        var window = await Planner(p => p.ScheduleAsync(
            new MaintenanceRequest(_time.GetUtcNow().UtcDateTime, _time.GetUtcNow().AddHours(1).UtcDateTime, "UTC", MaintenanceScope.Portal, null, "Claims database upgrade.", "test"),
            CancellationToken.None).Done());
        var during = await client.ApiSignInAsync(account.Username, TestAccounts.Password);

        // Assert 1: refused for the window, and the attempt's event names it.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        var body = await TestBrowser.JsonAsync(during);
        Assert.Equal(ReasonCodes.MaintenanceWindow, body.GetProperty("code").GetString());
        var recorded = await _app.EventAsync(body.GetProperty("traceId").GetString()!);
        Assert.Equal((ReasonCodes.MaintenanceWindow, window.Id), (recorded.ReasonCode, recorded.MaintenanceWindowId));

        // Act 2: closed on this node, still without moving the clock.
        await Planner(p => p.CloseAsync(window.Id, CancellationToken.None).Done());
        var after = await client.ApiSignInAsync(account.Username, TestAccounts.Password);

        // Assert 2
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(ReasonCodes.SignedIn, (await _app.EventAsync((await TestBrowser.JsonAsync(after)).GetProperty("traceId").GetString()!)).ReasonCode);
    }

    [Fact]
    public async Task WindowWrittenByAnotherNode_SeenOnlyOnceTheBoundHasPassed()
    {
        // Arrange: the documented default bound; a successful attempt, so the node's copy is read at this instant.
        Assert.Equal(Bound, await _app.WithServicesAsync(s => Task.FromResult(s.GetRequiredService<MaintenanceCache>().Bound)));
        var account = await AccountInAPracticeAsync("cato");
        using var client = _app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await client.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        var readAt = _time.GetUtcNow();

        // Another node plans a window in force from now: it reaches the shared store, not this node's planner.
        var window = new MaintenanceWindow
        {
            StartsAt = readAt,
            EndsAt = readAt.AddHours(1),
            Scope = MaintenanceScope.SignIn,
            Message = "Moving the sign-in servers.",
            EnteredTimeZone = "UTC",
            CreatedAt = readAt,
            CreatedBy = "another node",
        };
        await _app.WithServicesAsync(async s =>
        {
            await s.GetRequiredService<IMaintenanceStore>().AddAsync(window, CancellationToken.None);
            return 0;
        });

        // Act: attempts at once, just before the bound, and at the bound.
        var atOnce = await client.ApiSignInAsync(account.Username, TestAccounts.Password);
        _time.Advance(Bound - TimeSpan.FromMilliseconds(1));
        var justBefore = await client.ApiSignInAsync(account.Username, TestAccounts.Password);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var atBound = await client.ApiSignInAsync(account.Username, TestAccounts.Password);

        // Assert: the copy is used until the bound (not before: the attempts succeed), then the window refuses.
        Assert.Equal(HttpStatusCode.OK, atOnce.StatusCode);
        Assert.Equal(HttpStatusCode.OK, justBefore.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, atBound.StatusCode);
        var refused = await _app.EventAsync((await TestBrowser.JsonAsync(atBound)).GetProperty("traceId").GetString()!);
        Assert.Equal((ReasonCodes.MaintenanceWindow, window.Id), (refused.ReasonCode, refused.MaintenanceWindowId));
    }

    private async Task<Core.Accounts.Account> AccountInAPracticeAsync(string name)
    {
        var slug = TestAccounts.Unique("harbor");
        await _app.CreateOrganizationAsync(slug, "Harbor Clinic");
        return await _app.CreateAccountAsync(TestAccounts.Unique(name), slug);
    }

    private Task<T> Planner<T>(Func<MaintenancePlanner, Task<T>> action) =>
        _app.WithServicesAsync(s => action(s.GetRequiredService<MaintenancePlanner>()));
}
