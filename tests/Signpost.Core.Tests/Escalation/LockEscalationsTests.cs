using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Email;
using Signpost.Core.Escalation;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Notifications;
using Signpost.Core.Organizations;
using Signpost.Core.Tests.Fakes;

namespace Signpost.Core.Tests.Escalation;

/// <summary>The lock-outlasts-maintenance escalation over the stores: payer support hears once per lock.</summary>
public sealed class LockEscalationsTests
{
    private const string BaseUrl = "https://signpost.test";
    private static readonly EmailAddress Support = new("support@payer.example", "Payer support");

    // Monday 2026-03-02 09:00 UTC; a portal window 10:00–11:00; the account is locked at 09:50 for 90 minutes.
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WindowStart = Now.AddHours(1);
    private static readonly DateTimeOffset WindowEnd = WindowStart.AddHours(1);
    private static readonly DateTimeOffset LockedAt = WindowStart.AddMinutes(-10);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly InMemoryLockoutStore _lockouts = new();
    private readonly InMemoryAccountStore _accounts = new();
    private readonly InMemoryMaintenanceStore _windows = new();
    private readonly InMemoryNotificationLog _log = new();
    private readonly RecordingEmailSender _email = new();
    private readonly MaintenancePlanner _planner;
    private readonly LockEscalations _escalations;
    private readonly Account _account;
    private readonly LockoutRules _rules = new(Threshold: 3, Window: TimeSpan.FromMinutes(15), Duration: TimeSpan.FromMinutes(90));

    public LockEscalationsTests()
    {
        _planner = new MaintenancePlanner(_windows, _time);
        _escalations = new LockEscalations(_lockouts, _accounts, _windows, new OnceOnlySender(_log, _email, _time), _time);
        var harbor = new Organization { Slug = "harbor", Name = "Harbor Clinic" };
        _account = new Account
        {
            Username = "dr.ivy",
            Email = "ivy@harbor.example",
            DisplayName = "Dr Ivy Park",
            Npi = "1245319599",
            Status = AccountStatus.Active,
        };
        _account.Memberships.Add(new Membership { AccountId = _account.Id, OrganizationId = harbor.Id, Organization = harbor });
        _accounts.Add(_account);
    }

    private async Task ArrangeLockDuringWindowAsync()
    {
        await _planner.ScheduleAsync(new MaintenanceRequest(WindowStart.UtcDateTime, WindowEnd.UtcDateTime, "UTC", MaintenanceScope.Portal, null, "Claims database upgrade.", "test"), CancellationToken.None).Done();
        await LockAsync(LockedAt);
    }

    private async Task LockAsync(DateTimeOffset at)
    {
        for (var i = 0; i < _rules.Threshold; i++)
        {
            await _lockouts.RegisterFailureAsync(_account.Id, LockoutCounter.UntrustedKey, _rules.Threshold, _rules.Window, _rules.Duration, at, CancellationToken.None);
        }
    }

    private Task<LockEscalationRun> RunAsync(EmailAddress? support = null) => _escalations.RunAsync(support ?? Support, BaseUrl, CancellationToken.None);

    [Fact]
    public async Task Run_LockOutlastsTheWindow_OneEmailToPayerSupportWithTheEvidence()
    {
        // Arrange
        await ArrangeLockDuringWindowAsync();
        _time.SetUtcNow(WindowEnd);

        // Act
        var run = await RunAsync();

        // Assert
        var decision = Assert.Single(run.Fired);
        Assert.Equal(_account.Id, decision.Evidence!.AccountId);
        var message = Assert.Single(_email.Sent);
        Assert.Equal(["support@payer.example"], message.To.Select(t => t.Address));
        Assert.Equal("Escalation: dr.ivy still locked after maintenance", message.Subject);
        var text = message.TextBody;
        Assert.Contains($"Rule ID: {LockOutlastsMaintenanceRule.Id}", text, StringComparison.Ordinal);
        Assert.Contains($"Account: Dr Ivy Park (dr.ivy), ID {_account.Id}", text, StringComparison.Ordinal);
        Assert.Contains("NPI: 1245319599", text, StringComparison.Ordinal);
        Assert.Contains("Practices: Harbor Clinic", text, StringComparison.Ordinal);
        Assert.Contains("locked at    2026-03-02 09:50 UTC", text, StringComparison.Ordinal);
        Assert.Contains("locked until 2026-03-02 11:20 UTC", text, StringComparison.Ordinal);
        Assert.Contains("  from  2026-03-02 10:00 UTC", text, StringComparison.Ordinal);
        Assert.Contains("  ended 2026-03-02 11:00 UTC", text, StringComparison.Ordinal);
        Assert.Contains("https://signpost.test/status", text, StringComparison.Ordinal);
        Assert.Equal(NotificationStatus.Sent, Assert.Single(run.Outcomes).Status);
    }

    [Fact]
    public async Task Run_EveryMinuteWhileLocked_OnlyOneEmailPerLock()
    {
        await ArrangeLockDuringWindowAsync();
        _time.SetUtcNow(WindowEnd);

        for (var minute = 0; minute < 5; minute++)
        {
            await RunAsync();
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Single(_email.Sent);
        Assert.Single(_log.SentKeys);
    }

    [Fact]
    public async Task Run_WhileTheWindowIsInForce_NothingYet()
    {
        await ArrangeLockDuringWindowAsync();
        _time.SetUtcNow(WindowEnd.AddMinutes(-1));

        var run = await RunAsync();

        Assert.Empty(run.Fired);
        Assert.Empty(_email.Sent);
    }

    [Fact]
    public async Task Run_AccountUnlockedBeforeTheWindowEnded_Nothing()
    {
        await ArrangeLockDuringWindowAsync();
        await _lockouts.UnlockAllAsync(_account.Id, WindowStart.AddMinutes(30), CancellationToken.None);
        _time.SetUtcNow(WindowEnd);

        await RunAsync();

        Assert.Empty(_email.Sent);
    }

    [Fact]
    public async Task Run_MailServerDown_NotRecorded_SentOnTheNextRun()
    {
        // Arrange
        await ArrangeLockDuringWindowAsync();
        _time.SetUtcNow(WindowEnd);
        _email.BeforeSend = _ => throw RecordingEmailSender.ServerDown();

        // Act
        var failed = await RunAsync();

        // Assert
        Assert.Equal(NotificationStatus.Failed, Assert.Single(failed.Outcomes).Status);
        Assert.Empty(_log.All);

        // Act
        _email.BeforeSend = null;
        _time.Advance(TimeSpan.FromMinutes(1));
        await RunAsync();

        // Assert
        Assert.Single(_email.Sent);
        Assert.Single(_log.SentKeys);
    }

    [Fact]
    public async Task Run_NoSupportAddress_FiresButSendsNothing()
    {
        await ArrangeLockDuringWindowAsync();
        _time.SetUtcNow(WindowEnd);

        var run = await _escalations.RunAsync(null, BaseUrl, CancellationToken.None);

        Assert.Single(run.Fired);
        Assert.Empty(run.Outcomes);
        Assert.Empty(_email.Sent);
        Assert.Empty(_log.All);
    }

    [Fact]
    public async Task Run_LockedAgainAfterTheFirstLockEnded_ASecondEscalationForTheNewLock()
    {
        // Arrange: escalated once; the lock ends; the user is locked again while a second window runs.
        await ArrangeLockDuringWindowAsync();
        _time.SetUtcNow(WindowEnd);
        await RunAsync();
        var secondStart = WindowEnd.AddHours(2);
        await _planner.ScheduleAsync(new MaintenanceRequest(secondStart.UtcDateTime, secondStart.UtcDateTime.AddHours(1), "UTC", MaintenanceScope.SignIn, null, "Sign-in upgrade.", "test"), CancellationToken.None).Done();
        await LockAsync(secondStart.AddMinutes(-5));

        // Act
        _time.SetUtcNow(secondStart.AddHours(1));
        await RunAsync();

        // Assert
        Assert.Equal(2, _email.Sent.Count);
        Assert.Equal(2, _log.SentKeys.Count);
    }
}
