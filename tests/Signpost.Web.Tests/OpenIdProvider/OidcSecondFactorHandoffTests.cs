using Signpost.Core.Organizations;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Mfa;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>
/// A portal's sign-in that needs a second factor: the verify form, not the password form, is the last form before
/// the authorization endpoint, so it too answers with the hand-off page (docs/oidc-provider.md, "Signing in from a browser").
/// </summary>
public sealed class OidcSecondFactorHandoffTests(MfaApp app) : IClassFixture<MfaApp>
{
    [Fact]
    public async Task Verify_ReturnUrlIsAuthorize_AnswersHandOffPageNotRedirect()
    {
        // Arrange
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone, prefix: "oidc-mfa");
        var enrolled = await app.EnrolAsync(person);
        using var browser = app.CreateBrowser();
        const string returnUrl = "/connect/authorize?client_id=portal-mfa&response_type=code&scope=openid";

        // Act: the password, then the code on the verify page the password step sent the person to
        using var password = await browser.SignInAsync(person.Username, TestAccounts.Password, "/sign-in?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var verifyPage = Redirects.To(password);
        Assert.StartsWith("/sign-in/verify?returnUrl=", verifyPage, StringComparison.Ordinal);
        var form = await browser.OpenFormAsync(verifyPage!);
        using var verified = await browser.SubmitAsync(form, [new("code", app.CodeOf(enrolled)), new("remember", "")]);

        // Assert
        Assert.Equal(returnUrl, await OidcFixture.HandoffTargetAsync(verified));
        Assert.NotNull(browser.Cookie("sp_session"));
    }
}
