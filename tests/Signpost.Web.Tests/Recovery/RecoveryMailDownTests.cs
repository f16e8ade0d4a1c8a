using Microsoft.EntityFrameworkCore;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Email;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Recovery;

/// <summary>
/// The mail server is down: the request fails visibly, the same way for every identifier (so the failure
/// tells nothing about accounts), and no link is left behind that nobody received.
/// </summary>
public sealed class RecoveryMailDownTests : IAsyncLifetime
{
    private readonly EmailApp _app = new() { SmtpPort = SmtpSink.FreePort() };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ForgotPassword_SmtpDown_ServiceDegradedForKnownAndUnknown_NoTokenStored()
    {
        // Arrange
        var account = await _app.CreateAccountAsync(TestAccounts.Unique("down"), null);
        using var browser = _app.CreateBrowser();

        // Act
        var known = await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", account.Username);
        var unknown = await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", TestAccounts.Unique("ghost"));
        var unlock = await ForgotPasswordTests.RequestAsync(browser, "/unlock", account.Username);

        // Assert
        foreach (var page in new[] { known, unknown, unlock })
        {
            Assert.Equal(ReasonCodes.ServiceDegraded, page.QuerySelector("[data-testid=failure]")?.GetAttribute("data-code"));
            Assert.Null(page.QuerySelector("[data-testid=answer]"));
        }

        Assert.Equal(0, await _app.WithDbAsync(db => db.ActionTokens.CountAsync(t => t.AccountId == account.Id)));
        var recorded = await _app.EventAsync(known.QuerySelector("[data-testid=trace-id]")!.TextContent);
        Assert.Equal(ReasonCodes.ServiceDegraded, recorded.ReasonCode);
        Assert.Null(recorded.AccountId);
        Assert.Equal("The email server is not answering; no account looked up, no link issued.", recorded.Detail);
    }
}
