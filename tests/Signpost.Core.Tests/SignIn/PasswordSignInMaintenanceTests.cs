using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Reasons;

namespace Signpost.Core.Tests.SignIn;

public sealed class PasswordSignInMaintenanceTests
{
    private readonly SignInHarness _h = new();

    private async Task<MaintenanceWindow> StartWindowAsync(MaintenanceScope scope, Guid? org = null)
    {
        var start = _h.Time.GetUtcNow() + TimeSpan.FromHours(1);
        var window = await _h.Maintenance.ScheduleAsync(new MaintenanceRequest(start.UtcDateTime, start.UtcDateTime.AddHours(2), "UTC", scope, org, "Database upgrade", "test"), CancellationToken.None).Done();
        _h.Time.SetUtcNow(window.StartsAt + TimeSpan.FromMinutes(5));
        return window;
    }

    [Theory]
    [InlineData(MaintenanceScope.Portal)]
    [InlineData(MaintenanceScope.SignIn)]
    public async Task SignIn_DuringPortalOrSignInWindow_MaintenanceReasonWithTheWindowAndNoCounting(MaintenanceScope scope)
    {
        // Arrange
        var account = _h.AddAccount();
        var window = await StartWindowAsync(scope);

        // Act: even the right password is refused, and a wrong one is not counted.
        var right = await _h.SignInAsync(account.Username, TestPasswords.Correct);
        var wrong = await _h.SignInAsync(account.Username, "not the password at all");

        // Assert
        Assert.Equal(ReasonCodes.MaintenanceWindow, right.Reason.Code);
        Assert.Equal(ReasonCodes.MaintenanceWindow, right.Shown.Code);
        Assert.Equal(window.Id, right.Maintenance!.Id);
        Assert.Equal(ReasonCodes.MaintenanceWindow, wrong.Shown.Code);
        Assert.Null(right.Session);
        Assert.Null(await _h.Lockouts.GetAsync(account.Id, LockoutCounter.UntrustedKey, CancellationToken.None));
        Assert.All(_h.Events.All, e => Assert.Equal(window.Id, e.MaintenanceWindowId));
        Assert.All(_h.Events.All, e => Assert.Equal(ReasonCodes.MaintenanceWindow, e.ReasonCode));
    }

    [Fact]
    public async Task SignIn_DuringPortalWindowWithAnEmptyForm_MaintenanceBeforeTheInputIsRead()
    {
        // Arrange
        var window = await StartWindowAsync(MaintenanceScope.Portal);

        // Act: planned downtime is the first phase, whatever was typed
        var result = await _h.SignInAsync("", null);

        // Assert
        Assert.Equal((ReasonCodes.MaintenanceWindow, ReasonCodes.MaintenanceWindow), (result.Reason.Code, result.Shown.Code));
        Assert.Empty(result.Problems);
        var recorded = Assert.Single(_h.Events.All);
        Assert.Equal(ReasonCodes.MaintenanceWindow, recorded.ReasonCode);
        Assert.Equal(window.Id, recorded.MaintenanceWindowId);
    }

    [Fact]
    public async Task SignIn_AfterTheWindowEnds_WorksAgain()
    {
        var account = _h.AddAccount();
        var window = await StartWindowAsync(MaintenanceScope.Portal);
        _h.Time.SetUtcNow(window.EndsAt);

        var result = await _h.SignInAsync(account.Username, TestPasswords.Correct);

        Assert.True(result.Succeeded);
        Assert.Null(result.Maintenance);
    }

    [Fact]
    public async Task SignIn_DuringOwnPracticesSsoWindow_WrongPasswordsNotCountedButEventRecordsTheWindow()
    {
        // Arrange: the practice's SSO is down for maintenance; people fall back to passwords and mistype.
        var account = _h.AddAccount();
        var window = await StartWindowAsync(MaintenanceScope.OrganizationSso, _h.Practice.Id);

        // Act: more wrong passwords than the practice's threshold (3).
        for (var i = 0; i < 5; i++)
        {
            var wrong = await _h.SignInAsync(account.Username, "not the password at all");
            Assert.Equal(ReasonCodes.InvalidCredentials, wrong.Reason.Code);
        }

        var right = await _h.SignInAsync(account.Username, TestPasswords.Correct);

        // Assert: never locked, and every event names the window.
        Assert.True(right.Succeeded);
        Assert.Equal((0, 0), await _h.Lockouts.GetAsync(account.Id, LockoutCounter.UntrustedKey, CancellationToken.None) is { } c ? (c.FailureCount, c.InFlight) : (0, 0));
        Assert.All(_h.Events.All, e => Assert.Equal(window.Id, e.MaintenanceWindowId));
        Assert.Contains(_h.Events.All, e => e.Detail!.Contains("not counted toward lockout during maintenance", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_DuringAnotherPracticesSsoWindow_CountsAsUsual()
    {
        var account = _h.AddAccount();
        var other = _h.AddOrganization("lakeside");
        await StartWindowAsync(MaintenanceScope.OrganizationSso, other.Id);

        for (var i = 0; i < 3; i++)
        {
            await _h.SignInAsync(account.Username, "not the password at all");
        }

        var counter = await _h.Lockouts.GetAsync(account.Id, LockoutCounter.UntrustedKey, CancellationToken.None);
        Assert.Equal(3, counter!.FailureCount);
        Assert.NotNull(counter.LockedUntil);
        Assert.All(_h.Events.All, e => Assert.Null(e.MaintenanceWindowId));
    }
}
