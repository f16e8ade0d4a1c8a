using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Email;
using Signpost.Core.Notifications;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;
using Signpost.Core.Tests.Fakes;

namespace Signpost.Core.Tests.Passwords;

/// <summary>Who is reminded before their password expires, when, exactly once — and what the email says.</summary>
public sealed class PasswordExpiryRemindersTests
{
    private const string BaseUrl = "https://signpost.test/";

    // Monday 2026-03-02 09:00 UTC; with a 30-day policy a password changed now expires Wednesday 1 April 09:00 UTC.
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ExpiresAt = Now.AddDays(30);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly InMemoryAccountStore _accounts = new();
    private readonly InMemoryPasswordExpiryDirectory _directory;
    private readonly InMemoryNotificationLog _log = new();
    private readonly RecordingEmailSender _email = new();
    private readonly PasswordExpiryReminders _reminders;
    private readonly Organization _oakridge = Practice("Oakridge Cardiology", 30);

    public PasswordExpiryRemindersTests()
    {
        _directory = new InMemoryPasswordExpiryDirectory(_accounts);
        _reminders = new PasswordExpiryReminders(_directory, _accounts, new OnceOnlySender(_log, _email, _time), _time);
    }

    private static Organization Practice(string name, int? expiryDays) => new()
    {
        Slug = name.ToLowerInvariant().Replace(' ', '-'),
        Name = name,
        Policy = new OrganizationPolicy { PasswordExpiryDays = expiryDays },
    };

    private Account Member(string username, params Organization[] organizations)
    {
        var account = new Account
        {
            Username = username,
            Email = $"{username}@clinic.example",
            DisplayName = $"{username} (display)",
            Status = AccountStatus.Active,
            PasswordHash = "hash",
            PasswordChangedAt = Now,
            CreatedAt = Now.AddYears(-1),
        };
        account.Memberships.AddRange(organizations.Select(o => new Membership { AccountId = account.Id, OrganizationId = o.Id, Organization = o }));
        _directory.Track(account);
        return account;
    }

    private Task<IReadOnlyList<NotificationOutcome>> RunAsync() => _reminders.RunAsync(BaseUrl, CancellationToken.None);

    private async Task RunAtAsync(DateTimeOffset at, int times = 1)
    {
        _time.SetUtcNow(at);
        for (var i = 0; i < times; i++)
        {
            await RunAsync();
        }
    }

    [Fact]
    public async Task Run_FourteenSevenAndOneDayBefore_EachReminderOnceAcrossRepeatedRuns()
    {
        // Arrange
        var ivy = Member("ivy", _oakridge);

        // Act: hourly runs from a day before the first reminder to the expiry itself.
        for (var at = ExpiresAt.AddDays(-15); at <= ExpiresAt; at = at.AddHours(1))
        {
            await RunAtAsync(at);
        }

        // Assert
        Assert.Equal(
            ["Your provider portal password expires in 14 days", "Your provider portal password expires in 7 days", "Your provider portal password expires in 1 day"],
            _email.Sent.Select(m => m.Subject));
        Assert.Equal(
            new[] { 14, 7, 1 }.Select(days => PasswordExpiryReminders.NotificationKey(ivy.Id, Now, days)).Order(StringComparer.Ordinal),
            _log.SentKeys);
        Assert.Equal([ExpiresAt.AddDays(-14), ExpiresAt.AddDays(-7), ExpiresAt.AddDays(-1)], _log.All.Select(d => d.SentAt!.Value).Order());
    }

    [Fact]
    public async Task Run_SameMomentTwice_SendsOnce()
    {
        Member("ivy", _oakridge);

        await RunAtAsync(ExpiresAt.AddDays(-7), times: 3);

        var outcomes = await RunAsync();
        Assert.Single(_email.Sent);
        Assert.Equal(NotificationStatus.AlreadySent, Assert.Single(outcomes).Status);
    }

    [Fact]
    public async Task Run_ExpiryTurnedOnFiveDaysBeforeTheDeadline_OnlyTheNearestReminderThenTheLastOne()
    {
        // Arrange: a password 85 days old when the practice turns on 90-day expiry.
        var practice = Practice("Pinecrest Dermatology", null);
        var jo = Member("jo", practice);
        jo.PasswordChangedAt = Now.AddDays(-85);
        practice.Policy.PasswordExpiryDays = 90;

        // Act: hourly runs until the deadline.
        for (var at = Now; at <= Now.AddDays(5); at = at.AddHours(1))
        {
            await RunAtAsync(at);
        }

        // Assert: the 7-day reminder (it says 5 days), then the 1-day one; never the 14-day one.
        Assert.Equal(["Your provider portal password expires in 5 days", "Your provider portal password expires in 1 day"], _email.Sent.Select(m => m.Subject));
        Assert.Equal(
            new[] { 7, 1 }.Select(days => PasswordExpiryReminders.NotificationKey(jo.Id, Now.AddDays(-85), days)).Order(StringComparer.Ordinal),
            _log.SentKeys);
    }

    [Fact]
    public async Task Run_ExpiryOff_SendsNothing()
    {
        // Arrange: the default policy, a password untouched for ten years.
        var rex = Member("rex", Practice("Quiet Clinic", null));
        rex.PasswordChangedAt = Now.AddYears(-10);

        // Act
        var outcomes = await RunAsync();

        // Assert
        Assert.Empty(outcomes);
        Assert.Empty(_email.Sent);
        Assert.Empty(_log.All);
    }

    [Fact]
    public async Task Run_PasswordChangedAfterTheFirstReminder_NothingMoreForTheOldPassword()
    {
        // Arrange: the 14-day reminder went out, then the person changed the password.
        var ivy = Member("ivy", _oakridge);
        await RunAtAsync(ExpiresAt.AddDays(-14));
        ivy.PasswordChangedAt = ExpiresAt.AddDays(-10);

        // Act: the old password's 7- and 1-day moments pass.
        await RunAtAsync(ExpiresAt.AddDays(-7));
        await RunAtAsync(ExpiresAt.AddDays(-1));

        // Assert
        Assert.Single(_email.Sent);
        Assert.Equal([PasswordExpiryReminders.NotificationKey(ivy.Id, Now, 14)], _log.SentKeys);
    }

    [Fact]
    public async Task Run_PasswordChangedWhileTheRunWasUnderWay_NotSent()
    {
        // Arrange: the person changes the password between the list and the send.
        var ivy = Member("ivy", _oakridge);
        _time.SetUtcNow(ExpiresAt.AddDays(-7));
        _directory.AfterList = () => ivy.PasswordChangedAt = ExpiresAt.AddDays(-7);

        // Act
        var outcomes = await RunAsync();

        // Assert: nothing sent, nothing recorded, so nothing blocks the new password's own reminders.
        Assert.Equal(NotificationStatus.NoLongerWanted, Assert.Single(outcomes).Status);
        Assert.Empty(_email.Sent);
        Assert.Empty(_log.All);
    }

    [Fact]
    public async Task Run_ServerDown_NothingRecordedAndTheNextRunSends()
    {
        // Arrange
        Member("ivy", _oakridge);
        Member("jo", _oakridge);
        _email.BeforeSend = _ => throw RecordingEmailSender.ServerDown();
        _time.SetUtcNow(ExpiresAt.AddDays(-14));

        // Act: the first message fails and the run stops there; the server comes back for the next run.
        var failed = await RunAsync();
        _email.BeforeSend = null;
        _time.Advance(TimeSpan.FromHours(1));
        var retried = await RunAsync();

        // Assert
        var outcome = Assert.Single(failed);
        Assert.Equal(NotificationStatus.Failed, outcome.Status);
        Assert.True(outcome.ServerUnavailable);
        Assert.Equal(2, retried.Count(o => o.Status == NotificationStatus.Sent));
        Assert.Equal(2, _email.Sent.Count);
        Assert.Equal(2, _log.SentKeys.Count);
    }

    [Theory]
    [InlineData(AccountStatus.Disabled, false, false)]
    [InlineData(AccountStatus.PendingActivation, false, false)]
    [InlineData(AccountStatus.Active, true, false)]
    [InlineData(AccountStatus.Active, false, true)]
    public async Task Run_AccountThatCannotOrNeedNotAct_NoReminder(AccountStatus status, bool flagged, bool mustChange)
    {
        var ivy = Member("ivy", _oakridge);
        ivy.Status = status;
        ivy.Flagged = flagged;
        ivy.MustChangePassword = mustChange;

        await RunAtAsync(ExpiresAt.AddDays(-1));

        Assert.Empty(_email.Sent);
    }

    [Fact]
    public async Task Run_RemovedFromTheOnlyPracticeWithExpiry_NoReminder()
    {
        var strict = Practice("Strict Clinic", 30);
        var ivy = Member("ivy", strict, Practice("Quiet Clinic", null));
        ivy.Memberships.Single(m => m.Organization == strict).Status = MembershipStatus.Removed;

        await RunAtAsync(ExpiresAt.AddDays(-1));

        Assert.Empty(_email.Sent);
    }

    [Theory]
    [InlineData(15.0, null)]
    [InlineData(14.0, 14)]
    [InlineData(10.0, 14)]
    [InlineData(7.0, 7)]
    [InlineData(1.5, 7)]
    [InlineData(1.0, 1)]
    [InlineData(0.01, 1)]
    [InlineData(0.0, null)]
    [InlineData(-3.0, null)]
    public void Due_DaysBeforeExpiry_TheNearestThresholdReached(double daysLeft, int? threshold)
    {
        var ivy = Member("ivy", _oakridge);

        var due = PasswordExpiryReminders.Due(ivy, [_oakridge], ExpiresAt.AddDays(-daysLeft));

        Assert.Equal(threshold, due?.ThresholdDays);
        if (due is not null)
        {
            Assert.Equal(ExpiresAt, due.ExpiresAt);
            Assert.Equal((int)Math.Ceiling(daysLeft), due.DaysLeft);
        }
    }

    [Fact]
    public async Task Compose_Reminder_UtcDateHowToChangeExtensionAndLinkFromTheConfiguredBase()
    {
        // Arrange
        var ivy = Member("ivy", _oakridge, Practice("Lenient Clinic", 365));

        // Act
        await RunAtAsync(ExpiresAt.AddDays(-7));

        // Assert
        var message = Assert.Single(_email.Sent);
        Assert.Equal([new EmailAddress("ivy@clinic.example", "ivy (display)")], message.To);
        Assert.Equal("Your provider portal password expires in 7 days", message.Subject);
        var text = message.TextBody.ReplaceLineEndings("\n");
        Assert.StartsWith("Hello ivy (display),\n", text, StringComparison.Ordinal);
        Assert.Contains("Your provider portal password expires on Wed 1 Apr 2026 at 09:00 UTC, in 7 days.", text, StringComparison.Ordinal);
        Assert.Contains("Oakridge Cardiology asks for a new password every 30 days.", text, StringComparison.Ordinal);
        Assert.Contains("  1. Open https://signpost.test/account/password (sign in first if you are asked to).", text, StringComparison.Ordinal);
        Assert.Contains("current password, then the new one twice", text, StringComparison.Ordinal);
        Assert.Contains("Need more time? Ask a practice administrator: they can have an extension granted to you.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Lenient Clinic", text, StringComparison.Ordinal);
        Assert.Null(message.HtmlBody);
        Assert.Equal(ivy.Id.ToString("N"), PasswordExpiryReminders.NotificationKey(ivy.Id, Now, 7).Split('/')[1]);
    }

    [Theory]
    [InlineData(15.0, null)]
    [InlineData(14.0, 14)]
    [InlineData(13.5, 14)]
    [InlineData(0.25, 1)]
    [InlineData(0.0, null)]
    public void Upcoming_WithinFourteenDays_WhenAndDaysLeft(double daysLeft, int? expected)
    {
        var ivy = Member("ivy", _oakridge);

        var upcoming = PasswordExpiryReminders.Upcoming(ivy, [_oakridge], ExpiresAt.AddDays(-daysLeft));

        Assert.Equal(expected, upcoming?.DaysLeft);
        Assert.Equal(expected is null ? null : ExpiresAt, upcoming?.ExpiresAt);
    }
}
