using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Lockout;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Recovery;

namespace Signpost.Web.Tests.Lockout;

/// <summary>
/// The other side of the lock messages: a browser the account does not know is never told that a lock
/// exists, whether it asks just before the end, or its page is written just after it (docs/recovery.md).
/// </summary>
public sealed class LockVisibilityTests(LockEndApp app) : IClassFixture<LockEndApp>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UntrustedBrowser_CorrectPasswordJustBeforeTheEnd_PageIsTheWrongPasswordPage(bool pageWrittenAfterTheEnd)
    {
        // Arrange: the lock every unknown browser shares, ending between two minutes.
        var (account, until) = await LockUntrustedAsync(pageWrittenAfterTheEnd ? "seenlate" : "seen");
        app.MoveTo(until, TimeSpan.FromSeconds(-1));
        app.PauseAfterLockCheck = pageWrittenAfterTheEnd ? TimeSpan.FromSeconds(2) : null;
        using var stranger = app.CreateBrowser();
        using var nobody = app.CreateBrowser();

        // Act
        var locked = await TestBrowser.ParseAsync(await stranger.SignInAsync(account.Username, TestAccounts.Password, app.PracticePath));
        var unknown = await TestBrowser.ParseAsync(await nobody.SignInAsync(TestAccounts.Unique("nobody"), TestAccounts.WrongPassword, app.PracticePath));

        // Assert: the same words as for someone with no account at all; the truth only in the event.
        Assert.Equal(ReasonCodes.InvalidCredentials, Code(locked));
        Assert.Equal(Words(unknown), Words(locked));
        Assert.Null(locked.QuerySelector("[data-testid=locked-until]"));
        Assert.Null(locked.QuerySelector("[data-testid=lock-advice]"));
        Assert.DoesNotContain("no longer locked", locked.Body!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("lock ends", locked.Body.TextContent, StringComparison.OrdinalIgnoreCase);
        var recorded = await app.EventAsync(locked.QuerySelector("[data-testid=trace-id]")!.TextContent);
        Assert.Equal(ReasonCodes.AccountLocked, recorded.ReasonCode);
        Assert.Equal(ReasonCodes.InvalidCredentials, recorded.ShownReasonCode);
    }

    [Fact]
    public async Task UntrustedBrowser_ApiJustBeforeTheEnd_NoLockedUntil_NoRetryAfter_SameDetailAsNoAccount()
    {
        var (account, until) = await LockUntrustedAsync("seenapi");
        app.MoveTo(until, TimeSpan.FromSeconds(-3));
        using var stranger = app.CreateBrowser();
        using var nobody = app.CreateBrowser();

        var locked = await stranger.ApiSignInAsync(account.Username, TestAccounts.Password);
        var unknown = await nobody.ApiSignInAsync(TestAccounts.Unique("nobody"), TestAccounts.WrongPassword);
        var lockedProblem = await TestBrowser.JsonAsync(locked);
        var unknownProblem = await TestBrowser.JsonAsync(unknown);

        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Equal(ReasonCodes.InvalidCredentials, lockedProblem.GetProperty("code").GetString());
        Assert.False(lockedProblem.TryGetProperty("lockedUntil", out _));
        Assert.False(locked.Headers.Contains("Retry-After"));
        Assert.Equal(unknownProblem.GetProperty("detail").GetString(), lockedProblem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UnlockRequest_LockedJustEnded_NotLocked_NoAccount_AllGetTheSameAnswer()
    {
        var (locked, until) = await LockUntrustedAsync("samelocked");
        var free = await app.MemberAsync("samefree");
        app.MoveTo(until, TimeSpan.FromSeconds(-3));
        using var browser = app.CreateBrowser();

        var answers = new List<IHtmlDocument>
        {
            await LockEndTests.RequestUnlockAsync(browser, locked.Username),
            await LockEndTests.RequestUnlockAsync(browser, free.Username),
            await LockEndTests.RequestUnlockAsync(browser, TestAccounts.Unique("nobody")),
        };

        Assert.Single(answers.Select(Answer).Distinct());
        Assert.All(answers, a => Assert.Equal(ReasonCodes.UnlockRequested, a.QuerySelector("[data-testid=answer]")?.GetAttribute("data-code")));
        Assert.Equal("Unlock your Signpost account", Assert.Single(await app.MailForAsync(locked.Email)).Subject);
        Assert.Equal("Reset your Signpost password", Assert.Single(await app.MailForAsync(free.Email)).Subject);
    }

    private async Task<(Signpost.Core.Accounts.Account Account, DateTimeOffset Until)> LockUntrustedAsync(string prefix)
    {
        var account = await app.MemberAsync(prefix);
        var until = app.Now + TimeSpan.FromMinutes(LockEndApp.DurationMinutes) + TimeSpan.FromSeconds(13.5);
        await app.WithServicesAsync(async services =>
        {
            var store = services.GetRequiredService<ILockoutStore>();
            await store.LockAsync(account.Id, LockoutCounter.UntrustedKey, 10, until, CancellationToken.None);
            return 0;
        });
        return (account, until);
    }

    private static string? Code(IHtmlDocument page) => page.QuerySelector("[data-testid=failure]")?.GetAttribute("data-code");

    /// <summary>The failure box without its trace ID and time, which differ per request.</summary>
    private static string Words(IHtmlDocument page)
    {
        var box = (AngleSharp.Dom.IElement)page.QuerySelector("[data-testid=failure]")!.Clone();
        foreach (var trace in box.QuerySelectorAll(".trace, a[data-testid=cant-sign-in]").ToList())
        {
            trace.Remove();
        }

        return box.TextContent;
    }

    private static string Answer(IHtmlDocument page)
    {
        var answer = page.QuerySelector("[data-testid=answer]")!.Clone() as AngleSharp.Dom.IElement;
        foreach (var trace in answer!.QuerySelectorAll(".trace, [data-testid=trace-id], time").ToList())
        {
            trace.Remove();
        }

        return answer.TextContent;
    }
}
