using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Pages;

/// <summary>A proven but expired password leads to the change page (current + new), then into the portal.</summary>
public sealed class PasswordExpiryTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task SignIn_ExpiredPasswordThenChange_SignsInAndEndsOlderSessions()
    {
        // Arrange: a practice with 30-day expiry, and a person already signed in elsewhere.
        var slug = TestAccounts.Unique("oakridge");
        await app.CreateOrganizationAsync(slug, "Oakridge Cardiology", policy => policy.PasswordExpiryDays = 30);
        var account = await app.CreateAccountAsync(TestAccounts.Unique("ivy"), slug, displayName: "Ivy Expired");
        using var elsewhere = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordChangedAt, DateTimeOffset.UtcNow.AddDays(-31))));
        using var browser = app.CreateBrowser();

        // Act 1: the right, expired password.
        var signIn = await browser.SignInAsync(account.Username, TestAccounts.Password, $"/o/{slug}");

        // Assert 1: no session yet, on to the change page.
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var changePage = signIn.Headers.Location!.OriginalString;
        Assert.StartsWith("/account/change-password?ticket=", changePage, StringComparison.Ordinal);
        Assert.Null(browser.Cookie("sp_session"));
        var expired = (await app.EventsForAccountAsync(account.Id)).Last();
        Assert.Equal(ReasonCodes.PasswordExpired, expired.ReasonCode);
        Assert.Equal(ReasonCodes.PasswordExpired, expired.ShownReasonCode);

        // Act 2: the change page says why, and takes the current and a new password.
        var (page, pageDocument) = await browser.GetPageAsync(changePage);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Password expired", pageDocument.QuerySelector("main [role=status]")!.TextContent, StringComparison.Ordinal);
        var form = HtmlForm.From(pageDocument, changePage);
        var changed = await browser.SubmitAsync(form,
            [new("current", TestAccounts.Password), new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)]);

        // Assert 2: signed in, the change recorded, every older session ended.
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("/?notice=password-changed", changed.Headers.Location!.OriginalString);
        Assert.NotNull(browser.Cookie("sp_session"));
        var (home, document) = await browser.GetPageAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Ivy Expired", document.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);

        var change = (await app.EventsForAccountAsync(account.Id)).Last();
        Assert.Equal(SignInMethod.ChangePassword, change.Method);
        Assert.Equal(ReasonCodes.SignedIn, change.ReasonCode);
        var sessions = await app.WithDbAsync(db => db.Sessions.AsNoTracking().Where(s => s.AccountId == account.Id).ToListAsync());
        Assert.Equal(2, sessions.Count);
        Assert.Single(sessions, s => s.RevokedAt is null);
        Assert.Single(sessions, s => s.RevokedReason == "password changed");
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.GetAsync("/")).StatusCode);

        // The old password no longer works; the new one does.
        using var later = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await later.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await later.ApiSignInAsync(account.Username, TestAccounts.NewPassword)).StatusCode);
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPassword_ShowsInvalidCredentialsAndChangesNothing()
    {
        // Arrange
        var slug = TestAccounts.Unique("pinecrest");
        await app.CreateOrganizationAsync(slug, "Pinecrest Dermatology", policy => policy.PasswordExpiryDays = 30);
        var account = await app.CreateAccountAsync(TestAccounts.Unique("jo"), slug);
        await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordChangedAt, DateTimeOffset.UtcNow.AddDays(-31))));
        using var browser = app.CreateBrowser();
        var signIn = await browser.SignInAsync(account.Username, TestAccounts.Password);
        var form = await browser.OpenFormAsync(signIn.Headers.Location!.OriginalString);

        // Act
        var response = await browser.SubmitAsync(form,
            [new("current", TestAccounts.WrongPassword), new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)]);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(response));
        Assert.Equal(ReasonCodes.InvalidCredentials, failure.Code);
        var recorded = await app.EventAsync(failure.TraceId);
        Assert.Equal(SignInMethod.ChangePassword, recorded.Method);
        Assert.Equal(ReasonCodes.InvalidCredentials, recorded.ReasonCode);
        Assert.Null(browser.Cookie("sp_session"));
        var hash = await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.PasswordHash).SingleAsync());
        Assert.Equal(account.PasswordHash, hash);
    }

    [Fact]
    public async Task ChangePassword_NewPasswordsDiffer_PasswordNotAcceptedAndChangesNothing()
    {
        // Arrange
        var slug = TestAccounts.Unique("elmwood");
        await app.CreateOrganizationAsync(slug, "Elmwood Pediatrics", policy => policy.PasswordExpiryDays = 30);
        var account = await app.CreateAccountAsync(TestAccounts.Unique("lee"), slug);
        await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordChangedAt, DateTimeOffset.UtcNow.AddDays(-31))));
        using var browser = app.CreateBrowser();
        var signIn = await browser.SignInAsync(account.Username, TestAccounts.Password);
        var form = await browser.OpenFormAsync(signIn.Headers.Location!.OriginalString);

        // Act
        var response = await browser.SubmitAsync(form,
            [new("current", TestAccounts.Password), new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword + "x")]);

        // Assert: refused at the edge, recorded against the ticket's account, nothing changed
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(response));
        Assert.Equal(ReasonCodes.PasswordNotAccepted, failure.Code);
        var recorded = await app.EventAsync(failure.TraceId);
        Assert.Equal((SignInMethod.ChangePassword, ReasonCodes.PasswordNotAccepted), (recorded.Method, recorded.ReasonCode));
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.Equal("The two new passwords differ.", recorded.Detail);
        Assert.Null(browser.Cookie("sp_session"));
        var hash = await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.PasswordHash).SingleAsync());
        Assert.Equal(account.PasswordHash, hash);
    }
}
