using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Notifications;
using Signpost.Core.Passwords;
using Signpost.Web.Infrastructure;
using Signpost.Web.Passwords;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Email;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Passwords;

/// <summary>
/// Reminders before a password expires, through a real SMTP server: 14, 7 and 1 days ahead, each exactly
/// once however often the job runs; none where expiry is off; none for a password already replaced.
/// </summary>
public sealed class ExpiryReminderTests : IAsyncLifetime
{
    // EmailApp's clock starts Monday 2 March 2026 09:00 UTC, when the accounts below are created: with a
    // 30-day policy their passwords expire Wednesday 1 April 2026 09:00 UTC.
    private static readonly DateTimeOffset ExpiresAt = EmailApp.Start.AddDays(30);

    private SmtpSink _smtp = null!;
    private EmailApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();

        // The job's own timer is off: the tests run it by hand on the clock they move.
        _app = new EmailApp { SmtpPort = _smtp.Port, Settings = { ["Signpost:ExpiryReminders:Enabled"] = "false" } };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private static Task RunJobAsync(EmailApp app) =>
        app.Services.GetRequiredService<PasswordExpiryReminderJob>().RunOnceAsync(CancellationToken.None);

    private static Task<List<NotificationDelivery>> RemindersRecordedAsync(EmailApp app, Guid accountId) =>
        app.WithDbAsync(db => db.Set<NotificationDelivery>().AsNoTracking()
            .Where(d => d.Key.StartsWith($"password-expiry/{accountId:N}/")).ToListAsync());

    private async Task<Account> MemberOfPracticeAsync(string practiceName, int? expiryDays, string username)
    {
        var slug = TestAccounts.Unique(practiceName.Split(' ')[0].ToLowerInvariant());
        await _app.CreateOrganizationAsync(slug, practiceName, policy => policy.PasswordExpiryDays = expiryDays);
        return await _app.CreateMemberAsync(slug, TestAccounts.Unique(username), PracticeRoles.Staff | PracticeRoles.Provider);
    }

    [Fact]
    public async Task Job_FourteenSevenAndOneDayBefore_EachReminderArrivesOnce_NoneWhereExpiryIsOff()
    {
        // Arrange: Ivy's practice expires passwords every 30 days; Rex's keeps the default (off).
        var ivy = await MemberOfPracticeAsync("Oakridge Cardiology", 30, "ivy");
        var rex = await MemberOfPracticeAsync("Quiet Clinic", null, "rex");

        // Act: at each threshold the job runs twice, and once more an hour later.
        var received = new List<ReceivedMail>();
        foreach (var days in new[] { 14, 7, 1 })
        {
            _app.Clock.SetUtcNow(ExpiresAt.AddDays(-days));
            await RunJobAsync(_app);
            await RunJobAsync(_app);
            _app.Clock.Advance(TimeSpan.FromHours(1));
            await RunJobAsync(_app);
            received = [.. await _smtp.WaitForAsync(received.Count + 1)];
        }

        _app.Clock.SetUtcNow(ExpiresAt.AddHours(-1));
        await RunJobAsync(_app);

        // Assert: three messages, all to Ivy, in order, each recorded as sent once.
        Assert.Equal(3, _smtp.Received().Count);
        Assert.All(received, m => Assert.Equal([ivy.Email], m.To));
        Assert.DoesNotContain(received, m => m.To.Contains(rex.Email));
        Assert.Equal(
            ["Your provider portal password expires in 14 days", "Your provider portal password expires in 7 days", "Your provider portal password expires in 1 day"],
            received.Select(m => m.Subject));
        var text = received[1].Text.ReplaceLineEndings("\n");
        Assert.Contains("Your provider portal password expires on Wed 1 Apr 2026 at 09:00 UTC, in 7 days.", text, StringComparison.Ordinal);
        Assert.Contains("Oakridge Cardiology asks for a new password every 30 days.", text, StringComparison.Ordinal);
        Assert.Contains($"{SignpostFactory.PublicBaseUrl}/account/password", text, StringComparison.Ordinal);
        Assert.Contains("practice administrator", text, StringComparison.Ordinal);
        Assert.Equal("signpost@signpost.test", received[0].From);

        var recorded = await RemindersRecordedAsync(_app, ivy.Id);
        Assert.Equal(
            new[] { 14, 7, 1 }.Select(d => PasswordExpiryReminders.NotificationKey(ivy.Id, EmailApp.Start, d)).Order(StringComparer.Ordinal),
            recorded.Select(d => d.Key).Order(StringComparer.Ordinal));
        Assert.Equal([ExpiresAt.AddDays(-14), ExpiresAt.AddDays(-7), ExpiresAt.AddDays(-1)], recorded.Select(d => d.SentAt!.Value).Order());
        Assert.Empty(await RemindersRecordedAsync(_app, rex.Id));
    }

    [Fact]
    public async Task Job_ExpiryOff_NothingSentEvenForAnOldPassword()
    {
        // Arrange
        var rex = await MemberOfPracticeAsync("Quiet Clinic", null, "rex");
        _app.Clock.SetUtcNow(EmailApp.Start.AddYears(3));

        // Act
        await RunJobAsync(_app);

        // Assert
        Assert.Empty(await RemindersRecordedAsync(_app, rex.Id));
        Assert.Empty(await _app.DeliveriesAsync());
        Assert.Empty(_smtp.Received());
    }

    [Fact]
    public async Task Job_PasswordChangedAfterTheFirstReminder_NoMoreRemindersForTheOldOne()
    {
        // Arrange: the 14-day reminder arrived, then Ivy chose a new password.
        var ivy = await MemberOfPracticeAsync("Oakridge Cardiology", 30, "ivy");
        _app.Clock.SetUtcNow(ExpiresAt.AddDays(-14));
        await RunJobAsync(_app);
        await _smtp.WaitForAsync(1);
        _app.Clock.Advance(TimeSpan.FromDays(3));
        var changedAt = _app.Now;
        await _app.WithServicesAsync(async services =>
        {
            await services.GetRequiredService<IAccountStore>().SetPasswordAsync(
                ivy.Id, services.GetRequiredService<PasswordHashing>().Hash(TestAccounts.NewPassword), changedAt, CancellationToken.None);
            return 0;
        });

        // Act: the old password's 7- and 1-day moments pass.
        _app.Clock.SetUtcNow(ExpiresAt.AddDays(-7));
        await RunJobAsync(_app);
        _app.Clock.SetUtcNow(ExpiresAt.AddDays(-1));
        await RunJobAsync(_app);

        // Assert: only the first reminder; the new password expires 30 days after its change, unannounced yet.
        var recorded = Assert.Single(await RemindersRecordedAsync(_app, ivy.Id));
        Assert.Equal(PasswordExpiryReminders.NotificationKey(ivy.Id, EmailApp.Start, 14), recorded.Key);
        Assert.Single(_smtp.Received());
        var stored = await _app.WithDbAsync(db => db.Accounts.AsNoTracking().Include(a => a.Memberships).ThenInclude(m => m.Organization).SingleAsync(a => a.Id == ivy.Id));
        Assert.Equal(changedAt.AddDays(30), PasswordExpiry.ExpiresAt(stored, PasswordExpiry.OrganizationsOf(stored)));
    }

    [Fact]
    public async Task Job_SmtpServerDown_FailureLoggedWithoutAddress_NothingRecorded_SentOnTheNextRun()
    {
        // Arrange: an app whose mail server is not listening yet, and a job that logs into a list.
        var port = SmtpSink.FreePort();
        await using var app = new EmailApp { SmtpPort = port, Settings = { ["Signpost:ExpiryReminders:Enabled"] = "false" } };
        var slug = TestAccounts.Unique("oakridge");
        await app.CreateOrganizationAsync(slug, "Oakridge Cardiology", policy => policy.PasswordExpiryDays = 30);
        var ivy = await app.CreateMemberAsync(slug, TestAccounts.Unique("ivy"), PracticeRoles.Staff);
        var logger = new ListLogger();
        var job = new PasswordExpiryReminderJob(
            app.Services.GetRequiredService<IServiceScopeFactory>(),
            app.Services.GetRequiredService<IOptionsMonitor<SignpostOptions>>(),
            Options.Create(new ExpiryReminderOptions()),
            app.Services.GetRequiredService<Signpost.Web.Setup.JobLeases>(),
            logger);
        app.Clock.SetUtcNow(ExpiresAt.AddDays(-7));

        // Act
        await job.RunOnceAsync(CancellationToken.None);

        // Assert: a warning naming the reminder by key, never the address or the link; nothing recorded.
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(3402, warning.EventId);
        Assert.Contains(PasswordExpiryReminders.NotificationKey(ivy.Id, EmailApp.Start, 7), warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ivy.Email, warning.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("/account/password", warning.Message, StringComparison.Ordinal);
        Assert.Empty(await app.DeliveriesAsync());

        // Act: the server comes up; the next run delivers, and a further one adds nothing.
        await using var smtp = await SmtpSink.StartAsync(port);
        app.Clock.Advance(TimeSpan.FromHours(1));
        await job.RunOnceAsync(CancellationToken.None);
        await smtp.WaitForAsync(1);
        await job.RunOnceAsync(CancellationToken.None);

        // Assert
        var message = Assert.Single(smtp.Received());
        Assert.Equal([ivy.Email], message.To);
        Assert.NotNull(Assert.Single(await app.DeliveriesAsync()).SentAt);
        Assert.Contains(logger.Entries, e => e.EventId == 3401);
    }

    [Fact]
    public async Task Job_TimerOn_SendsTheReminderWhenTheClockReachesIt()
    {
        // Arrange: the job's own hourly timer, on the app's clock.
        await using var app = new EmailApp { SmtpPort = _smtp.Port };
        var slug = TestAccounts.Unique("oakridge");
        await app.CreateOrganizationAsync(slug, "Oakridge Cardiology", policy => policy.PasswordExpiryDays = 30);
        var ivy = await app.CreateMemberAsync(slug, TestAccounts.Unique("ivy"), PracticeRoles.Staff);

        // Act: half an hour before the 14-day reminder, then the next hourly tick.
        app.Clock.SetUtcNow(ExpiresAt.AddDays(-14).AddMinutes(-30));
        app.Clock.Advance(TimeSpan.FromHours(1));
        var received = await _smtp.WaitForAsync(1);

        // Assert
        Assert.Equal([ivy.Email], Assert.Single(received).To);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await RemindersRecordedAsync(app, ivy.Id)).All(d => d.SentAt is null) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(PasswordExpiryReminders.NotificationKey(ivy.Id, EmailApp.Start, 14), Assert.Single(await RemindersRecordedAsync(app, ivy.Id), d => d.SentAt is not null).Key);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1441")]
    public async Task Start_IntervalOutOfRange_StopsNamingTheSetting(string minutes)
    {
        var run = await ServeRefusal.RunAsync($"Signpost:ExpiryReminders:IntervalMinutes={minutes}");

        Assert.Equal(["signpost: configuration: Signpost:ExpiryReminders:IntervalMinutes must be between 1 and 1440."], run.StderrLines);
    }

    private sealed record LogEntry(LogLevel Level, int EventId, string Message);

    private sealed class ListLogger : ILogger<PasswordExpiryReminderJob>
    {
        private readonly List<LogEntry> _entries = [];

        public IReadOnlyList<LogEntry> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add(new LogEntry(logLevel, eventId.Id, formatter(state, exception)));
            }
        }
    }
}
