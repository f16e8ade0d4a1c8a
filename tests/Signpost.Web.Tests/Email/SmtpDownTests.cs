using Signpost.Core.Accounts;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Email;

/// <summary>A mail server that is down delays the notice; nothing is marked sent, and the next run delivers it.</summary>
public sealed class SmtpDownTests : IAsyncLifetime
{
    private readonly int _port = SmtpSink.FreePort();
    private EmailApp _app = null!;
    private SmtpSink? _smtp;

    public ValueTask InitializeAsync()
    {
        _app = new EmailApp { SmtpPort = _port };
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }
    }

    [Fact]
    public async Task Notifier_SmtpServerDown_NothingMarked_DeliveredOnceTheServerIsBack()
    {
        // Arrange: nothing listens on the configured port.
        var harbor = TestAccounts.Unique("harbor");
        await _app.CreateOrganizationAsync(harbor, "Harbor Clinic");
        var ann = await _app.CreateMemberAsync(harbor, TestAccounts.Unique("ann"), PracticeRoles.PracticeAdmin);
        var window = await _app.ScheduleAsync(TimeSpan.FromDays(2), TimeSpan.FromHours(1));

        // Act
        await _app.RunNotifierAsync();

        // Assert: no timestamp, no delivery record, no claim left behind.
        Assert.Null((await _app.WindowAsync(window.Id)).ScheduledNoticeSentAt);
        Assert.Empty(await _app.DeliveriesAsync());

        // Act: the server comes up on that port; the next run (a minute later) delivers.
        _smtp = await SmtpSink.StartAsync(_port);
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        await _app.RunNotifierAsync();
        var received = await _smtp.WaitForAsync(1);
        await _app.RunNotifierAsync();

        // Assert
        var message = Assert.Single(_smtp.Received());
        Assert.Equal([ann.Email], message.To);
        Assert.StartsWith("Planned maintenance: provider portal on ", message.Subject, StringComparison.Ordinal);
        Assert.Single(received);
        Assert.NotNull((await _app.WindowAsync(window.Id)).ScheduledNoticeSentAt);
        Assert.NotNull(Assert.Single(await _app.DeliveriesAsync()).SentAt);
    }
}
