using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Mfa;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Mfa;

/// <summary>
/// Signing in with a second factor on the pages: the challenge after the password, its reason codes, events and
/// shown messages, replay, clock skew both ways, the lock, recovery codes and remembered browsers (docs/mfa.md).
/// </summary>
public sealed class MfaSignInTests(MfaApp app) : IClassFixture<MfaApp>
{
    [Fact]
    public async Task SignIn_RequiredAndEnrolled_AsksForTheCodeThenStartsTheSession()
    {
        // Arrange
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person);
        using var browser = app.CreateBrowser();

        // Act
        var password = await browser.SignInAsync(person.Username, TestAccounts.Password);
        var passwordCookies = browser.AllCookies().Select(c => c.Name).ToList();
        var verified = await MfaApp.VerifyAsync(browser, app.CodeOf(enrolled));

        // Assert: the password step leaves a challenge, not a session.
        Assert.Equal("/sign-in/verify", Redirects.To(password));
        Assert.Contains("sp_challenge", passwordCookies);
        Assert.DoesNotContain("sp_session", passwordCookies);
        Assert.Equal("/", Redirects.To(verified));
        Assert.NotNull(browser.Cookie("sp_session"));
        Assert.Null(browser.Cookie("sp_challenge"));

        var events = await app.EventsForAccountAsync(person.Id);
        Assert.Equal([ReasonCodes.MfaRequired, ReasonCodes.SignedIn], events.Select(e => e.ReasonCode));
        Assert.Equal(ReasonCodes.MfaRequired, events[0].ShownReasonCode);
        Assert.Contains("requires it (everyone)", events[0].Detail, StringComparison.Ordinal);
        Assert.Equal("challenge", events[1].IdentifierKind);
        Assert.Contains("Second factor accepted: authenticator \"front desk phone\"", events[1].Detail, StringComparison.Ordinal);
        Assert.Contains($"Challenge of attempt {events[0].TraceId}", events[1].Detail, StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.AccountId == person.Id && s.TraceId == events[1].TraceId)));
    }

    [Fact]
    public async Task SignIn_WrongPasswordOnAnEnrolledAccount_LooksLikeAnyWrongPassword()
    {
        // Arrange
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        await app.EnrolAsync(person);
        var (_, plain) = await app.PersonAsync(SecondFactorPolicy.Off);
        using var browser = app.CreateBrowser();

        // Act
        var enrolledAnswer = await browser.ApiSignInAsync(person.Username, TestAccounts.WrongPassword);
        var plainAnswer = await browser.ApiSignInAsync(plain.Username, TestAccounts.WrongPassword);

        // Assert: nothing about a second factor before the password is right.
        var enrolledBody = await TestBrowser.JsonAsync(enrolledAnswer);
        var plainBody = await TestBrowser.JsonAsync(plainAnswer);
        Assert.Equal((plainAnswer.StatusCode, ReasonCodes.InvalidCredentials), (enrolledAnswer.StatusCode, enrolledBody.GetProperty("code").GetString()));
        Assert.Equal(plainBody.GetProperty("detail").GetString(), enrolledBody.GetProperty("detail").GetString());
        Assert.False(enrolledBody.TryGetProperty("challengeToken", out _));
        Assert.Equal(ReasonCodes.InvalidCredentials, (await app.EventAsync(enrolledBody.GetProperty("traceId").GetString()!)).ReasonCode);
    }

    [Fact]
    public async Task Verify_ReplayOfAnAcceptedCodeInItsWindow_IsRefusedAndCounted()
    {
        // Arrange: the code is accepted once, by one browser.
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person);
        var code = app.CodeOf(enrolled);
        using var first = app.CreateBrowser();
        await first.SignInAsync(person.Username, TestAccounts.Password);
        Assert.Equal("/", Redirects.To(await MfaApp.VerifyAsync(first, code)));
        using var second = app.CreateBrowser();
        await second.SignInAsync(person.Username, TestAccounts.Password);

        // Act: the same code, ten seconds later, still inside its window.
        app.Clock.Advance(TimeSpan.FromSeconds(10));
        var replay = await MfaApp.VerifyAsync(second, code);

        // Assert
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(replay));
        Assert.Equal(ReasonCodes.MfaCodeInvalid, failure.Code);
        Assert.Null(second.Cookie("sp_session"));
        var last = (await app.EventsForAccountAsync(person.Id))[^1];
        Assert.Equal((ReasonCodes.MfaCodeInvalid, ReasonCodes.MfaCodeInvalid, false), (last.ReasonCode, last.ShownReasonCode, last.Succeeded));
        Assert.Contains("Replay", last.Detail, StringComparison.Ordinal);
        Assert.Equal(1, (await app.StateAsync(person.Id))!.FailureCount);
    }

    [Theory]
    [InlineData(-4, "2 minutes behind")]
    [InlineData(9, "4 minutes 30 seconds ahead")]
    public async Task Verify_SkewedAuthenticatorClock_IsRefusedSayingHowFarAndWhichWay(int skewSteps, string words)
    {
        // Arrange
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person);
        using var browser = app.CreateBrowser();
        await browser.SignInAsync(person.Username, TestAccounts.Password);

        // Act
        var answer = await MfaApp.VerifyAsync(browser, app.CodeOf(enrolled, skewSteps));

        // Assert: the reason, the sentence with the skew, the event with the evidence, the skew remembered.
        var document = await TestBrowser.ParseAsync(answer);
        Assert.Equal(ReasonCodes.MfaClockSkew, PageFailure.Read(document).Code);
        var sentence = document.QuerySelector("[data-testid=clock-skew]")!.TextContent;
        Assert.Contains($"about {words} of the correct time", sentence, StringComparison.Ordinal);
        var last = (await app.EventsForAccountAsync(person.Id))[^1];
        Assert.Equal((ReasonCodes.MfaClockSkew, ReasonCodes.MfaClockSkew), (last.ReasonCode, last.ShownReasonCode));
        Assert.Contains($"the authenticator clock is {words}", last.Detail, StringComparison.Ordinal);
        var authenticator = await app.WithDbAsync(db => db.TotpAuthenticators.AsNoTracking().SingleAsync(a => a.Id == enrolled.Id));
        Assert.Equal(skewSteps, authenticator.MeasuredSkewSteps);
        Assert.Null(browser.Cookie("sp_session"));
    }

    [Fact]
    public async Task Verify_WrongCodesToTheThreshold_LockTheSecondFactorNotThePassword()
    {
        // Arrange
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person);
        using var browser = app.CreateBrowser();
        await browser.SignInAsync(person.Username, TestAccounts.Password);
        var wrong = WrongCode(enrolled);

        // Act: five wrong codes, then the right one.
        var shown = new List<string>();
        for (var i = 0; i < SecondFactorCheck.FailureThreshold; i++)
        {
            shown.Add(PageFailure.Read(await TestBrowser.ParseAsync(await MfaApp.VerifyAsync(browser, wrong))).Code);
        }

        var right = await MfaApp.VerifyAsync(browser, app.CodeOf(enrolled));

        // Assert
        Assert.Equal([.. Enumerable.Repeat(ReasonCodes.MfaCodeInvalid, 4), ReasonCodes.MfaLocked], shown);
        Assert.Equal(ReasonCodes.MfaLocked, PageFailure.Read(await TestBrowser.ParseAsync(right)).Code);
        var events = await app.EventsForAccountAsync(person.Id);
        Assert.Equal(ReasonCodes.MfaLocked, events[^1].ReasonCode);
        Assert.Contains("not counted", events[^1].Detail, StringComparison.Ordinal);
        Assert.Contains("this failure locked the second factor", events[^2].Detail, StringComparison.Ordinal);
        var state = await app.StateAsync(person.Id);
        Assert.Equal(SecondFactorCheck.FailureThreshold, state!.FailureCount);
        Assert.True(state.LockedUntil > app.Clock.GetUtcNow());
        Assert.Equal(0, await app.WithDbAsync(db => db.LockoutCounters.CountAsync(c => c.AccountId == person.Id && c.LockedUntil != null)));

        // A recovery code still works while the codes are locked, and clears the lock.
        var recovered = await MfaApp.VerifyAsync(browser, enrolled.RecoveryCodes[0]);
        Assert.Equal("/", Redirects.To(recovered));
        Assert.Null((await app.StateAsync(person.Id))!.LockedUntil);
    }

    [Fact]
    public async Task Verify_RecoveryCodes_EachWorksOnceAndNewCodesVoidTheOldSet()
    {
        // Arrange
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person);
        Assert.Equal(10, enrolled.RecoveryCodes.Count);

        // Act: the first code twice, typed in lower case and without its dash the second time.
        var first = await SignInWithAsync(person, enrolled.RecoveryCodes[0]);
        var again = await SignInWithAsync(person, enrolled.RecoveryCodes[0].Replace("-", "", StringComparison.Ordinal).ToLowerInvariant());
        var second = await SignInWithAsync(person, enrolled.RecoveryCodes[1]);
        var replaced = await app.WithServicesAsync(services => services.GetRequiredService<SecondFactorEnrolment>()
            .ReplaceRecoveryCodesAsync(person.Id, Core.Audit.AuditActor.Account(person.Id, person.Username, null, null), CancellationToken.None));
        var old = await SignInWithAsync(person, enrolled.RecoveryCodes[2]);
        var fresh = await SignInWithAsync(person, replaced[0]);

        // Assert
        Assert.Equal("/", Redirects.To(first));
        Assert.Equal(ReasonCodes.MfaCodeInvalid, PageFailure.Read(await TestBrowser.ParseAsync(again)).Code);
        Assert.Equal("/", Redirects.To(second));
        Assert.Equal(ReasonCodes.MfaCodeInvalid, PageFailure.Read(await TestBrowser.ParseAsync(old)).Code);
        Assert.Equal("/", Redirects.To(fresh));
        var events = await app.EventsForAccountAsync(person.Id);
        Assert.Contains(events, e => e.Succeeded && e.Detail!.Contains("a recovery code (9 left)", StringComparison.Ordinal));
        Assert.Contains(events, e => e.ReasonCode == ReasonCodes.MfaCodeInvalid && e.Detail!.Contains("not one of the account's unused codes", StringComparison.Ordinal));
        Assert.Equal(9, await app.WithDbAsync(db => db.RecoveryCodes.CountAsync(c => c.AccountId == person.Id && c.UsedAt == null)));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "mfa.recovery_codes_replaced" && a.TargetId == person.Id.ToString())));
    }

    [Fact]
    public async Task Verify_RememberThisBrowser_SkipsTheCodeOnThatBrowserUntilTheDaysRunOut()
    {
        // Arrange
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone, rememberDays: 7);
        var enrolled = await app.EnrolAsync(person);
        using var desk = app.CreateBrowser();
        await desk.SignInAsync(person.Username, TestAccounts.Password);
        Assert.Contains("for 7 days", (await desk.GetPageAsync("/sign-in/verify")).Document.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal("/", Redirects.To(await MfaApp.VerifyAsync(desk, app.CodeOf(enrolled), remember: true)));
        Assert.Contains(desk.AllCookies(), c => c.Name.StartsWith("sp_mfa_", StringComparison.Ordinal));

        // Act
        var remembered = await desk.SignInAsync(person.Username, TestAccounts.Password);
        using var other = app.CreateBrowser();
        var elsewhere = await other.SignInAsync(person.Username, TestAccounts.Password);
        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var expired = await desk.SignInAsync(person.Username, TestAccounts.Password);

        // Assert
        Assert.Equal("/", Redirects.To(remembered));
        Assert.Equal("/sign-in/verify", Redirects.To(elsewhere));
        Assert.Equal("/sign-in/verify", Redirects.To(expired));
        var events = await app.EventsForAccountAsync(person.Id);
        Assert.Contains(events, e => e.ReasonCode == ReasonCodes.SignedIn && e.Detail!.Contains("browser remembered since", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_WithoutRememberTicked_SetsNoRememberCookie()
    {
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person);
        using var frontDesk = app.CreateBrowser();
        await frontDesk.SignInAsync(person.Username, TestAccounts.Password);

        await MfaApp.VerifyAsync(frontDesk, app.CodeOf(enrolled));
        frontDesk.Cookies.GetCookies(TestBrowser.BaseUri)["sp_session"]!.Expired = true;
        var next = await frontDesk.SignInAsync(person.Username, TestAccounts.Password);

        Assert.DoesNotContain(frontDesk.AllCookies(), c => c.Name.StartsWith("sp_mfa_", StringComparison.Ordinal));
        Assert.Equal("/sign-in/verify", Redirects.To(next));
    }

    [Fact]
    public async Task Verify_ChallengeOlderThanFiveMinutes_AsksToSignInAgainAndRecordsTheAttempt()
    {
        // Arrange: the page opened in time, the code typed too late.
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person);
        using var browser = app.CreateBrowser();
        await browser.SignInAsync(person.Username, TestAccounts.Password);
        var form = await browser.OpenFormAsync("/sign-in/verify");
        app.Clock.Advance(SecondFactorChallenge.Lifetime + TimeSpan.FromSeconds(1));

        // Act
        var answer = await browser.SubmitAsync(form, [new("code", app.CodeOf(enrolled)), new("remember", "")]);
        var page = await browser.GetPageAsync("/sign-in/verify");

        // Assert
        var document = await TestBrowser.ParseAsync(answer);
        var failure = PageFailure.Read(document);
        Assert.Equal(ReasonCodes.InvalidRequest, failure.Code);
        Assert.NotNull(document.QuerySelector("[data-testid=challenge-expired]"));
        Assert.NotNull(page.Document.QuerySelector("[data-testid=challenge-expired]"));
        Assert.Null(browser.Cookie("sp_session"));
        var recorded = await app.EventAsync(failure.TraceId);
        Assert.Equal((ReasonCodes.InvalidRequest, (Guid?)null), (recorded.ReasonCode, recorded.AccountId));
        Assert.Contains("missing, forged or expired", recorded.Detail, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SignInWithAsync(Account person, string answer)
    {
        using var browser = app.CreateBrowser();
        Assert.Equal("/sign-in/verify", Redirects.To(await browser.SignInAsync(person.Username, TestAccounts.Password)));
        return await MfaApp.VerifyAsync(browser, answer);
    }

    /// <summary>A 6-digit code that matches no step within ten minutes either side of now.</summary>
    private string WrongCode(MfaApp.Enrolled enrolled)
    {
        var near = Enumerable.Range(-25, 51).Select(o => app.CodeOf(enrolled, o)).ToHashSet();
        return Enumerable.Range(0, 1000).Select(i => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).First(c => !near.Contains(c));
    }
}
