using System.Globalization;
using System.Net;
using AngleSharp.Html.Dom;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Reasons;
using Signpost.Core.Tokens;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Recovery;

namespace Signpost.Web.Tests.Lockout;

/// <summary>
/// A trusted browser's own lock, read a few seconds either side of its end (docs/recovery.md, "Lock
/// messages"): the page, the API problem and the unlock email never show an end earlier than the real one
/// and never a time already past, and after the end all of them say the same sentence.
/// </summary>
public sealed class LockEndTests(LockEndApp app) : IClassFixture<LockEndApp>
{
    private const string Ended = "Your account is no longer locked — sign in again.";
    private static readonly TimeSpan Chicago = TimeSpan.FromHours(-6); // standard time in early March 2026

    [Fact]
    public async Task Page_WhenTheLockEngages_DescribesThisBrowsersOwnLock_EndRoundedUp_InPracticeZoneAndUtc()
    {
        var (_, browser, page, until) = await app.LockTrustedBrowserAsync("engage");
        using var owned = browser;

        var box = page.QuerySelector("[data-testid=failure]")!;
        var end = NextMinute(until);
        Assert.Equal(ReasonCodes.AccountLocked, box.GetAttribute("data-code"));
        Assert.Contains("typed on this browser", box.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("does not know", box.TextContent, StringComparison.Ordinal);
        Assert.Equal(
            $"The lock ends at {Local(end)} (America/Chicago), {Utc(end)} UTC — in about {LockEndApp.DurationMinutes} minutes.",
            page.QuerySelector("[data-testid=locked-until]")!.TextContent);
        Assert.Contains("no password reset is needed", page.QuerySelector("[data-testid=lock-advice]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_ThreeSecondsBeforeTheEnd_ShowsTheNextWholeMinute_NeverThePast()
    {
        var (account, browser, _, until) = await app.LockTrustedBrowserAsync("before");
        using var owned = browser;
        app.MoveTo(until, TimeSpan.FromSeconds(-3));

        var page = await TestBrowser.ParseAsync(await browser.SignInAsync(account.Username, TestAccounts.Password, app.PracticePath));

        var shown = page.QuerySelector("[data-testid=locked-until]")!;
        var end = NextMinute(until);
        Assert.Equal(ReasonCodes.AccountLocked, page.QuerySelector("[data-testid=failure]")!.GetAttribute("data-code"));
        Assert.Equal($"The lock ends at {Local(end)} (America/Chicago), {Utc(end)} UTC — in about 1 minute.", shown.TextContent);
        Assert.Equal("false", shown.GetAttribute("data-ended"));
        var ends = DateTimeOffset.Parse(shown.GetAttribute("data-ends")!, CultureInfo.InvariantCulture);
        Assert.True(ends >= until && ends > app.Now, $"Shown end {ends:O} is before the lock's end {until:O} or the page's time {app.Now:O}.");
        var recorded = await app.EventAsync(page.QuerySelector("[data-testid=trace-id]")!.TextContent);
        Assert.Equal(ReasonCodes.AccountLocked, recorded.ReasonCode);
        Assert.Contains("password was correct", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_ThreeSecondsAfterTheEnd_TheSamePasswordSignsIn()
    {
        var (account, browser, _, until) = await app.LockTrustedBrowserAsync("after");
        using var owned = browser;
        app.MoveTo(until, TimeSpan.FromSeconds(3));

        var response = await browser.SignInAsync(account.Username, TestAccounts.Password, app.PracticePath);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(ReasonCodes.SignedIn, (await app.EventsForAccountAsync(account.Id)).Last().ReasonCode);
        // The trusted device's counter is gone; the untrusted key keeps the empty row its first sign-in's check made
        // (kept so the next check is one update, not an insert), with nothing counted or in flight.
        var counters = await app.CountersAsync(account.Id);
        Assert.DoesNotContain(counters, c => c.DeviceKey != LockoutCounter.UntrustedKey);
        Assert.All(counters, c => Assert.Equal((0, 0, (DateTimeOffset?)null), (c.FailureCount, c.InFlight, c.LockedUntil)));
    }

    [Fact]
    public async Task Page_RenderedAfterTheEnd_SaysNoLongerLocked_AndShowsNoTime()
    {
        // Arrange: the attempt finds the lock one second before its end; the page is written two seconds later.
        var (account, browser, _, until) = await app.LockTrustedBrowserAsync("slow");
        using var owned = browser;
        app.MoveTo(until, TimeSpan.FromSeconds(-1));
        app.PauseAfterLockCheck = TimeSpan.FromSeconds(2);

        // Act
        var page = await TestBrowser.ParseAsync(await browser.SignInAsync(account.Username, TestAccounts.Password, app.PracticePath));

        // Assert: refused by the lock it found, but no past end time on the page.
        Assert.Null(app.PauseAfterLockCheck);
        Assert.Equal(ReasonCodes.AccountLocked, page.QuerySelector("[data-testid=failure]")!.GetAttribute("data-code"));
        var shown = page.QuerySelector("[data-testid=locked-until]")!;
        Assert.Equal(Ended, shown.TextContent);
        Assert.Equal("true", shown.GetAttribute("data-ended"));
        Assert.Null(shown.GetAttribute("data-ends"));
        Assert.Null(page.QuerySelector("[data-testid=lock-advice]"));
        var box = page.QuerySelector("[data-testid=failure]")!.TextContent;
        Assert.Contains("The lock has ended", box, StringComparison.Ordinal);
        Assert.DoesNotContain("lock ends", box, StringComparison.Ordinal);
        Assert.DoesNotContain(ReasonCatalogue.Get(ReasonCodes.AccountLocked).UserMessage, box, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d{2}:\d{2} UTC", box.Replace(page.QuerySelector("[data-testid=failure] time")!.TextContent, "", StringComparison.Ordinal));

        // Following it works at once.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(account.Username, TestAccounts.Password, app.PracticePath)).StatusCode);
    }

    [Fact]
    public async Task Api_ThreeSecondsBeforeTheEnd_LockedUntilRoundedUpToTheSecond_AfterTheEndSignsIn()
    {
        var (account, browser, _, until) = await app.LockTrustedBrowserAsync("api");
        using var owned = browser;
        app.MoveTo(until, TimeSpan.FromSeconds(-3));

        var locked = await browser.ApiSignInAsync(account.Username, TestAccounts.Password);
        var problem = await TestBrowser.JsonAsync(locked);
        app.MoveTo(until, TimeSpan.FromSeconds(3));
        var later = await browser.ApiSignInAsync(account.Username, TestAccounts.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Equal(ReasonCodes.AccountLocked, problem.GetProperty("code").GetString());
        var lockedUntil = DateTimeOffset.Parse(problem.GetProperty("lockedUntil").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(NextSecond(until), lockedUntil);
        Assert.True(lockedUntil >= until, "lockedUntil is never before the real end.");
        Assert.Equal("3", locked.Headers.GetValues("Retry-After").Single());
        Assert.EndsWith("— in about 1 minute.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task Api_ProblemWrittenAfterTheEnd_HasNoPastLockedUntil_AndSaysNoLongerLocked()
    {
        var (account, browser, _, until) = await app.LockTrustedBrowserAsync("apislow");
        using var owned = browser;
        app.MoveTo(until, TimeSpan.FromSeconds(-1));
        app.PauseAfterLockCheck = TimeSpan.FromSeconds(2);

        var response = await browser.ApiSignInAsync(account.Username, TestAccounts.Password);
        var problem = await TestBrowser.JsonAsync(response);

        Assert.Equal(ReasonCodes.AccountLocked, problem.GetProperty("code").GetString());
        Assert.False(problem.TryGetProperty("lockedUntil", out _));
        Assert.False(response.Headers.Contains("Retry-After"));
        Assert.Equal(Ended, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UnlockEmail_ThreeSecondsBeforeTheEnd_NamesThisBrowsersLock_AndSaysWaitingIsEnough()
    {
        var (account, browser, _, until) = await app.LockTrustedBrowserAsync("mailbefore");
        using var owned = browser;
        app.MoveTo(until, TimeSpan.FromSeconds(-3));

        var answer = await RequestUnlockAsync(browser, account.Username);
        var mail = Assert.Single(await app.MailForAsync(account.Email));

        var end = NextMinute(until);
        Assert.Equal(ReasonCodes.UnlockRequested, answer.QuerySelector("[data-testid=answer]")?.GetAttribute("data-code"));
        Assert.Equal("Unlock your Signpost account", mail.Subject);
        Assert.Contains($"locked on one browser you have signed in from before, after {LockEndApp.Threshold} wrong passwords", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"The lock ends at {Local(end)} (America/Chicago), {Utc(end)} UTC — in about 1 minute.", mail.Text, StringComparison.Ordinal);
        Assert.Contains("once that time has passed the lock is over", mail.Text, StringComparison.Ordinal);
        RecoveryApp.LinkIn(mail, "/unlock/confirm");
        Assert.Equal(ActionTokenPurpose.Unlock, Assert.Single(await app.TokensAsync(account.Id)).Purpose);
    }

    [Fact]
    public async Task UnlockEmail_ThreeSecondsAfterTheEnd_SaysThePagesWords_SignInFirst_ResetOnlySecond()
    {
        var (account, browser, _, until) = await app.LockTrustedBrowserAsync("mailafter");
        using var owned = browser;
        app.MoveTo(until, TimeSpan.FromSeconds(3));

        var answer = await RequestUnlockAsync(browser, account.Username);
        var mail = Assert.Single(await app.MailForAsync(account.Email));

        Assert.Equal("Your Signpost account is no longer locked", mail.Subject);
        Assert.Contains(Ended, mail.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("it is not locked", mail.Text, StringComparison.Ordinal);
        Assert.True(mail.Text.IndexOf($"{SignpostFactory.PublicBaseUrl}/sign-in", StringComparison.Ordinal) < mail.Text.IndexOf("/reset-password?token=", StringComparison.Ordinal),
            "Signing in again comes first, the reset second.");
        RecoveryApp.LinkIn(mail, "/reset-password");
        var recorded = await app.EventAsync(answer.QuerySelector("[data-testid=trace-id]")!.TextContent);
        Assert.Equal(SignInMethod.Unlock, recorded.Method);
        Assert.Contains("(the account is no longer locked", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnlockEmail_LongAfterTheEnd_IsTheNotLockedAdvice()
    {
        var (account, browser, _, until) = await app.LockTrustedBrowserAsync("mailmuchlater");
        using var owned = browser;
        app.MoveTo(until, TimeSpan.FromMinutes(31));

        await RequestUnlockAsync(browser, account.Username);
        var mail = Assert.Single(await app.MailForAsync(account.Email));

        Assert.Equal("Reset your Signpost password", mail.Subject);
        Assert.Contains("it is not locked", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RightPassword_WhenTheKeyIsLockedDuringItsHash_IsRefusedAsLocked()
    {
        // Arrange: the attempt's check is admitted under an open lock; the key is locked (by support, or another
        // node) before its hash ends. Concurrent wrong passwords cannot do it: their checks count before hashing.
        var account = await app.MemberAsync("burst");
        using var browser = app.CreateBrowser();
        app.LockAfterNextRead = account.Id;

        // Act
        var response = await browser.SignInAsync(account.Username, TestAccounts.Password, app.PracticePath);

        // Assert: refused; the untrusted browser is shown what wrong passwords are shown (a lock is told only to a
        // proven password, and this one is not let through); no session; support reads why.
        var page = await TestBrowser.ParseAsync(response);
        Assert.Equal(ReasonCodes.InvalidCredentials, page.QuerySelector("[data-testid=failure]")!.GetAttribute("data-code"));
        Assert.Null(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        var recorded = (await app.EventsForAccountAsync(account.Id)).Single();
        Assert.Equal(ReasonCodes.AccountLocked, recorded.ReasonCode);
        Assert.Contains("by a concurrent attempt", recorded.Detail, StringComparison.Ordinal);
        Assert.Contains("password was correct", recorded.Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await app.CountersAsync(account.Id)).Single().InFlight);
    }

    [Fact]
    public async Task RightPassword_InsideABurstOfWrongOnes_IsLetInOnlyUnderAnOpenLock_AndNoCheckIsLeftInFlight()
    {
        // Arrange: one failure short of the lock, so the burst fights over the last place.
        var account = await app.MemberAsync("inside");
        for (var i = 0; i < LockEndApp.Threshold - 1; i++)
        {
            using var before = app.CreateBrowser();
            await before.SignInAsync(account.Username, TestAccounts.WrongPassword, app.PracticePath);
        }

        // Act: the right password and six wrong ones at the same moment, each from its own untrusted browser.
        var browsers = Enumerable.Range(0, 7).Select(_ => app.CreateBrowser()).ToList();
        var responses = await Task.WhenAll(browsers.Select((b, i) => b.SignInAsync(account.Username, i == 0 ? TestAccounts.Password : TestAccounts.WrongPassword, app.PracticePath)));
        var rightIn = browsers[0].Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName) is not null;
        browsers.ForEach(b => b.Dispose());

        // Assert: the right password either signed in or was refused, before its check or by the lock, with the
        // wrong passwords' answer; never checked after a lock closed on it.
        var events = (await app.EventsForAccountAsync(account.Id)).Skip(LockEndApp.Threshold - 1).ToList();
        // The burst's story, so that a failure under a loaded CI machine says which rule broke (it has failed once there).
        var story = string.Join("; ", events.Select(e => $"{e.ReasonCode}: {e.Detail}")) + $" (right password signed in: {rightIn})";
        Assert.True(events.Count == 7, $"{events.Count} events, expected 7: {story}");
        var right = Assert.Single(events, e => e.TraceId == responses[0].Headers.GetValues("X-Trace-Id").Single());
        if (rightIn)
        {
            Assert.Equal(ReasonCodes.SignedIn, right.ReasonCode);
        }
        else
        {
            Assert.Contains(right.ReasonCode, new[] { ReasonCodes.AccountLocked, ReasonCodes.RateLimited });
            Assert.Equal(right.ReasonCode == ReasonCodes.RateLimited ? ReasonCodes.RateLimited : ReasonCodes.InvalidCredentials, right.ShownReasonCode);
            // Refused before its check (the last place was taken), or compared against the closed lock (at most
            // LockedPasswordChecks per lock), never let in.
            Assert.True(right.Detail!.Contains("password not checked", StringComparison.Ordinal) || right.Detail.StartsWith("Locked until ", StringComparison.Ordinal)
                || right.ReasonCode == ReasonCodes.RateLimited, right.Detail);
        }

        Assert.False(events.Any(e => e.Detail!.Contains("by a concurrent attempt", StringComparison.Ordinal)), story);
        // (A success that found no check in flight removed the row.)
        var counter = (await app.CountersAsync(account.Id)).SingleOrDefault();
        Assert.True((counter?.InFlight ?? 0) == 0, $"{counter?.InFlight} checks left in flight: {story}");
        Assert.True((counter?.FailureCount ?? 0) is >= 0 and <= LockEndApp.Threshold, $"failure count {counter?.FailureCount}: {story}");

        // Without the right password among them the wrong ones reach the lock; with it, it held the last place
        // (or cleared the count) — either way at most one check per place under the threshold was hashed.
        var checkedOpen = events.Count(e => e.Detail!.StartsWith("Wrong password (", StringComparison.Ordinal)) + (rightIn ? 1 : 0);
        Assert.True(checkedOpen >= 1 && checkedOpen <= (rightIn ? 1 + LockEndApp.Threshold : 1), $"{checkedOpen} checked against an open lock: {story}");
    }

    internal static Task<IHtmlDocument> RequestUnlockAsync(TestBrowser browser, string identifier) =>
        ForgotPasswordTests.RequestAsync(browser, "/unlock", identifier);

    internal static DateTimeOffset NextMinute(DateTimeOffset until)
    {
        var floor = new DateTimeOffset(until.UtcDateTime.Year, until.UtcDateTime.Month, until.UtcDateTime.Day, until.UtcDateTime.Hour, until.UtcDateTime.Minute, 0, TimeSpan.Zero);
        return floor == until ? floor : floor.AddMinutes(1);
    }

    private static DateTimeOffset NextSecond(DateTimeOffset until)
    {
        var floor = new DateTimeOffset(until.UtcTicks - (until.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        return floor == until ? floor : floor.AddSeconds(1);
    }

    internal static string Local(DateTimeOffset instant) => instant.ToOffset(Chicago).ToString("ddd d MMM yyyy HH:mm", CultureInfo.InvariantCulture);

    internal static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("ddd d MMM yyyy HH:mm", CultureInfo.InvariantCulture);
}
