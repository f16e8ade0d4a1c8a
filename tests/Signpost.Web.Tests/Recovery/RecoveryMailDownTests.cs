using Microsoft.EntityFrameworkCore;
using Signpost.Core.Email;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Email;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Recovery;

/// <summary>
/// Recovery email leaves through the outbox. When the mail server is down, the request that queued an
/// email is answered as usual; once the mail job found the server down, every request fails visibly and
/// the same way for every identifier (so the failure tells nothing about accounts), until the queued
/// email left. An outbox that cannot be written is the degraded case too, and leaves no link behind.
/// </summary>
public sealed class RecoveryMailDownTests : IAsyncLifetime
{
    private readonly int _port = SmtpSink.FreePort();
    private readonly EmailApp _app;

    public RecoveryMailDownTests()
    {
        _app = new EmailApp { SmtpPort = _port };
        _app.Settings["Signpost:Recovery:MinimumResponseMilliseconds"] = "0";
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ForgotPassword_SmtpDown_QueuedThenServiceDegradedForKnownAndUnknown_UntilTheServerIsBack()
    {
        // Arrange
        var account = await _app.CreateAccountAsync(TestAccounts.Unique("down"), null);
        using var browser = _app.CreateBrowser();

        // Act: the first request is answered at once; its email waits in the outbox while the server is down.
        var first = await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", account.Username);
        var waiting = await OutboxAsync(m => m.ServerDownSince != null);

        // Assert: the usual answer, one link, the message kept encrypted with the attempt recorded.
        Assert.Equal(ReasonCodes.ResetRequested, first.QuerySelector("[data-testid=answer]")?.GetAttribute("data-code"));
        var token = Assert.Single(await _app.WithDbAsync(db => db.ActionTokens.AsNoTracking().Where(t => t.AccountId == account.Id).ToListAsync()));
        Assert.Equal(token.Id, waiting.ActionTokenId);
        Assert.Equal(1, waiting.Attempts);
        Assert.Contains("cannot connect", waiting.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(account.Email, waiting.Payload, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("reset-password", waiting.Payload, StringComparison.Ordinal);

        // Act: now that mail is known not to leave, known and unknown identifiers alike.
        var known = await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", account.Username);
        var unknown = await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", TestAccounts.Unique("ghost"));
        var unlock = await ForgotPasswordTests.RequestAsync(browser, "/unlock", account.Username);

        // Assert
        foreach (var page in new[] { known, unknown, unlock })
        {
            Assert.Equal(ReasonCodes.ServiceDegraded, page.QuerySelector("[data-testid=failure]")?.GetAttribute("data-code"));
            Assert.Null(page.QuerySelector("[data-testid=answer]"));
        }

        Assert.Equal(1, await _app.WithDbAsync(db => db.ActionTokens.CountAsync(t => t.AccountId == account.Id)));
        var recorded = await _app.EventAsync(known.QuerySelector("[data-testid=trace-id]")!.TextContent);
        Assert.Equal(ReasonCodes.ServiceDegraded, recorded.ReasonCode);
        Assert.Null(recorded.AccountId);
        Assert.StartsWith("Recovery email is not leaving", recorded.Detail, StringComparison.Ordinal);

        // Act: the server comes back; when the retry is due the queued email leaves.
        await using var sink = await SmtpSink.StartAsync(_port);
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        var mail = Assert.Single(await sink.WaitForAsync(1, TimeSpan.FromSeconds(30)));
        await OutboxEmptyAsync();
        var again = await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", TestAccounts.Unique("ghost"));

        // Assert: the link that was issued is the one delivered; requests are answered as usual again.
        Assert.Equal(account.Email, Assert.Single(mail.To));
        Assert.Contains("/reset-password?token=", mail.Text, StringComparison.Ordinal);
        Assert.Equal(ReasonCodes.ResetRequested, again.QuerySelector("[data-testid=answer]")?.GetAttribute("data-code"));
    }

    [Fact]
    public async Task ForgotPassword_ServerDownUntilTheLinkExpires_MessageDroppedAndLinkWithdrawn()
    {
        // Arrange: a request whose email found the server down.
        var account = await _app.CreateAccountAsync(TestAccounts.Unique("late"), null);
        using var browser = _app.CreateBrowser();
        await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", account.Username);
        await OutboxAsync(m => m.ServerDownSince != null);

        // Act: the link's 30 minutes pass with the server still down.
        _app.Clock.Advance(TimeSpan.FromMinutes(31));
        await OutboxEmptyAsync();

        // Assert: no link is left that nobody received.
        Assert.Equal(0, await _app.WithDbAsync(db => db.ActionTokens.CountAsync(t => t.AccountId == account.Id)));
    }

    [Fact]
    public async Task ForgotPassword_ServerRefusesTheRecipient_MessageDroppedAndLinkWithdrawn_OthersStillDelivered()
    {
        // Arrange: a server that knows no mailbox for one account.
        var refused = await _app.CreateAccountAsync(TestAccounts.Unique("bounce"), null);
        var other = await _app.CreateAccountAsync(TestAccounts.Unique("fine"), null);
        await using var sink = await SmtpSink.StartAsync(_port, refuse: refused.Email);
        using var browser = _app.CreateBrowser();

        // Act
        var answer = await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", refused.Username);
        await OutboxEmptyAsync();
        await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", other.Username);
        var delivered = Assert.Single(await sink.WaitForAsync(1));

        // Assert: the requester got the usual answer; the refused link is gone; the next email went out.
        Assert.Equal(ReasonCodes.ResetRequested, answer.QuerySelector("[data-testid=answer]")?.GetAttribute("data-code"));
        Assert.Equal(0, await _app.WithDbAsync(db => db.ActionTokens.CountAsync(t => t.AccountId == refused.Id)));
        Assert.Equal(other.Email, Assert.Single(delivered.To));
        Assert.Equal(1, await _app.WithDbAsync(db => db.ActionTokens.CountAsync(t => t.AccountId == other.Id)));
    }

    [Fact]
    public async Task ForgotPassword_OutboxCannotBeWritten_ServiceDegraded_NoLinkLeftBehind()
    {
        // Arrange: every insert into the outbox fails, as on a full or read-only database.
        var account = await _app.CreateAccountAsync(TestAccounts.Unique("full"), null);
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "CREATE TRIGGER outbox_refuses BEFORE INSERT ON OutboxMessages BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"));
        using var browser = _app.CreateBrowser();

        // Act
        var page = await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", account.Email);

        // Assert
        Assert.Equal(ReasonCodes.ServiceDegraded, page.QuerySelector("[data-testid=failure]")?.GetAttribute("data-code"));
        Assert.Equal(0, await _app.WithDbAsync(db => db.ActionTokens.CountAsync(t => t.AccountId == account.Id)));
        var recorded = await _app.EventAsync(page.QuerySelector("[data-testid=trace-id]")!.TextContent);
        Assert.Equal(ReasonCodes.ServiceDegraded, recorded.ReasonCode);
        Assert.StartsWith("The password reset email could not be queued (the outbox could not be written", recorded.Detail, StringComparison.Ordinal);
        Assert.EndsWith("the link was withdrawn.", recorded.Detail, StringComparison.Ordinal);
    }

    private async Task<OutboxMessage> OutboxAsync(Func<OutboxMessage, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var rows = await _app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().ToListAsync());
            if (rows.FirstOrDefault(match) is { } row)
            {
                return row;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No outbox message matched; {rows.Count} queued.");
            await Task.Delay(50);
        }
    }

    private async Task OutboxEmptyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await _app.WithDbAsync(db => db.OutboxMessages.CountAsync()) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The outbox did not empty.");
            await Task.Delay(50);
        }
    }
}
