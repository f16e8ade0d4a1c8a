using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>
/// A portal's sign-in that Signpost stops on the way — the password change that is due, a notice after sign-in —
/// still comes back to the portal: the authorization request rides along as a local <c>returnUrl</c> and resumes
/// after the detour (docs/oidc-provider.md "Detours"). A return address that is not local is dropped, never followed.
/// </summary>
public sealed class OidcDetourTests(OidcFixture fixture) : IClassFixture<OidcFixture>
{
    private OidcApp App => fixture.App;

    /// <summary>A browser Signpost supports with a warning: the sign-in succeeds and stops at the browser notice.</summary>
    private const string OldChrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

    [Fact]
    public async Task SignIn_PasswordChangeRequired_AfterTheChangeTheAuthorizeRequestResumesToThePortal()
    {
        var member = await App.CreateMemberAsync("detour-pw", "detour.paula");
        await App.WithDbAsync(db => db.Accounts.Where(a => a.Id == member.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.MustChangePassword, true)));
        var secret = await App.AddClientAsync("portal-detour-pw", ["detour-pw"]);
        await using var rp = await RelyingParty.StartAsync();
        using var browser = App.CreateRealBrowser();
        await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "portal-detour-pw", clientSecret = secret });
        var authorize = (await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid profile" }))["url"]!.GetValue<string>();

        // Act 1: the portal sends the person to sign in; the password is right but must be changed first.
        using var first = await browser.Http.GetAsync(new Uri(authorize));
        var signInPage = first.Headers.Location!.OriginalString;
        var returnUrl = Uri.UnescapeDataString(signInPage[(signInPage.IndexOf("returnUrl=", StringComparison.Ordinal) + "returnUrl=".Length)..]);
        using var signedIn = await browser.SignInAsync("detour.paula", TestAccounts.Password, signInPage);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var changePage = signedIn.Headers.Location!.OriginalString;
        Assert.StartsWith("/account/change-password?ticket=", changePage, StringComparison.Ordinal);
        Assert.EndsWith("&returnUrl=" + Uri.EscapeDataString(returnUrl), changePage, StringComparison.Ordinal);
        Assert.Equal(ReasonCodes.PasswordResetRequired, (await App.EventsForAccountAsync(member.Id)).Last().ReasonCode);

        // Act 2: the change page carries the request in its form; the change hands the browser back to it.
        var (_, page) = await browser.GetPageAsync(changePage);
        Assert.Equal(returnUrl, page.QuerySelector("main form input[name=returnUrl]")?.GetAttribute("value"));
        var form = HtmlForm.From(page, changePage);
        using var changed = await browser.SubmitAsync(form,
            [new("current", TestAccounts.Password), new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)]);
        var target = await OidcFixture.HandoffTargetAsync(changed);
        Assert.Equal(returnUrl, target);

        // Assert: the portal gets its code, and openid-client accepts the tokens of the new session.
        var callback = await OidcFixture.FollowAuthorizeAsync(browser, target);
        var tokens = await rp.MustAsync(new { cmd = "callback", url = callback.ToString() });
        Assert.Equal(member.Id.ToString(), tokens["claims"]!["sub"]!.GetValue<string>());
        var events = await App.EventsForAccountAsync(member.Id);
        Assert.Contains(events, e => e.Method == Core.Events.SignInMethod.ChangePassword && e.ReasonCode == ReasonCodes.SignedIn);
    }

    [Fact]
    public async Task SignIn_BrowserNotice_TheNoticeOffersContinueToThePortal_WhichCompletesTheSignIn()
    {
        var member = await App.CreateMemberAsync("detour-br", "detour.bruno");
        var secret = await App.AddClientAsync("portal-detour-br", ["detour-br"]);
        await using var rp = await RelyingParty.StartAsync();
        using var browser = OldBrowser();
        await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "portal-detour-br", clientSecret = secret });
        var authorize = (await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid" }))["url"]!.GetValue<string>();

        using var first = await browser.Http.GetAsync(new Uri(authorize));
        var signInPage = first.Headers.Location!.OriginalString;
        var returnUrl = Uri.UnescapeDataString(signInPage[(signInPage.IndexOf("returnUrl=", StringComparison.Ordinal) + "returnUrl=".Length)..]);
        using var signedIn = await browser.SignInAsync("detour.bruno", TestAccounts.Password, signInPage);

        // The sign-in stops at the home page's notice, which keeps the request and offers to continue to the portal.
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/?notice=browser&returnUrl=" + Uri.EscapeDataString(returnUrl), signedIn.Headers.Location!.OriginalString);
        Assert.Equal(ReasonCodes.SignedInBrowserWarning, (await App.EventsForAccountAsync(member.Id)).Last().ReasonCode);
        var (_, home) = await browser.GetPageAsync(signedIn.Headers.Location!.OriginalString);
        Assert.NotNull(home.QuerySelector("[data-testid=browser-warning]"));
        var next = home.QuerySelector("a[data-testid=continue]")!;
        Assert.Equal(returnUrl, next.GetAttribute("href"));
        Assert.Equal("Continue to Portal portal-detour-br", next.TextContent.Trim());

        var callback = await OidcFixture.FollowAuthorizeAsync(browser, returnUrl);
        var tokens = await rp.MustAsync(new { cmd = "callback", url = callback.ToString() });
        Assert.Equal(member.Id.ToString(), tokens["claims"]!["sub"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example/steal")]
    public async Task Detours_ReturnUrlNotLocal_IsDroppedNotFollowed(string hostile)
    {
        var slug = TestAccounts.Unique("detour-evil");
        var username = TestAccounts.Unique("detour.eve");
        var member = await App.CreateMemberAsync(slug, username);
        await App.WithDbAsync(db => db.Accounts.Where(a => a.Id == member.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.MustChangePassword, true)));

        // The change page is reached without the hostile address, and the change lands at home.
        using var browser = App.CreateRealBrowser();
        using var signedIn = await browser.SignInAsync(username, TestAccounts.Password, $"/o/{slug}?returnUrl={Uri.EscapeDataString(hostile)}");
        var changePage = signedIn.Headers.Location!.OriginalString;
        Assert.StartsWith("/account/change-password?ticket=", changePage, StringComparison.Ordinal);
        Assert.DoesNotContain("returnUrl", changePage, StringComparison.Ordinal);

        // Even when the address is put on the change page by hand.
        var crafted = changePage + "&returnUrl=" + Uri.EscapeDataString(hostile);
        var (_, page) = await browser.GetPageAsync(crafted);
        Assert.Null(page.QuerySelector("input[name=returnUrl]"));
        using var changed = await browser.SubmitAsync(HtmlForm.From(page, crafted),
            [new("current", TestAccounts.Password), new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)]);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("/?notice=password-changed", changed.Headers.Location!.OriginalString);

        // And a notice given one offers no link.
        var (_, home) = await browser.GetPageAsync("/?notice=password-changed&returnUrl=" + Uri.EscapeDataString(hostile));
        Assert.Null(home.QuerySelector("[data-testid=continue]"));
    }

    private TestBrowser OldBrowser()
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = new Uri(App.Issuer) };
        http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", OldChrome);
        return new TestBrowser(http, cookies);
    }
}
