using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Mfa;

/// <summary>
/// What the passkey sign-in page does with answers no authenticator wrote (docs/mfa.md, "Passkeys"): each is a
/// refused attempt with <c>invalid_credentials</c> and its event, never a 500, and never a word about accounts.
/// The real ceremonies run in Chromium (tests/Signpost.Browser.Tests, PasskeyBrowserTests).
/// </summary>
public sealed class PasskeySignInPageTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    public static TheoryData<string, string> Answers => new()
    {
        { "not json", "{{{" },
        { "json of the wrong shape", "[1,2,3]" },
        { "fields of the wrong types", "{\"id\":5,\"rawId\":{\"a\":1},\"type\":\"public-key\",\"response\":\"x\"}" },
        { "a credential nobody registered", "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":{\"authenticatorData\":\"AAAA\",\"clientDataJSON\":\"AAAA\",\"signature\":\"AAAA\"},\"clientExtensionResults\":{}}" },
        { "bad base64url", "{\"id\":\"@@@\",\"rawId\":\"@@@\",\"type\":\"public-key\",\"response\":{\"authenticatorData\":\"@@\",\"clientDataJSON\":\"@@\",\"signature\":\"@@\"}}" },
        { "far too long", new string('a', 100_000) },
        { "no answer (a cancelled prompt)", "" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Post_AnswerNoAuthenticatorWrote_IsRefusedAsInvalidCredentialsWithAnEvent(string what, string answer)
    {
        // Arrange: the page's form and options Signpost really issued
        using var browser = app.CreateBrowser();
        var form = await browser.OpenFormAsync("/sign-in/passkey");
        using var options = await browser.Http.PostAsync(new Uri("/sign-in/passkey?handler=Options", UriKind.Relative), new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.OK, options.StatusCode);
        var issued = await TestBrowser.JsonAsync(options);
        Assert.Empty(issued.GetProperty("options").GetProperty("allowCredentials").EnumerateArray());

        // Act
        using var response = await browser.SubmitAsync(form,
            [new("response", answer), new("state", issued.GetProperty("state").GetString()!), new("error", answer.Length == 0 ? "NotAllowedError" : "")]);

        // Assert
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-code=\"invalid_credentials\"", html, StringComparison.Ordinal);
        var traceId = response.Headers.GetValues("X-Trace-Id").Single();
        var recorded = await app.EventAsync(traceId);
        Assert.Equal((SignInMethod.Passkey, ReasonCodes.InvalidCredentials, ReasonCodes.InvalidCredentials, "passkey"),
            (recorded.Method, recorded.ReasonCode, recorded.ShownReasonCode, recorded.IdentifierKind));
        Assert.Null(recorded.AccountId);
        Assert.StartsWith("Passkey refused:", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_OptionsTokenForAnotherPurposeOrForged_IsRefusedBeforeAnyCheck()
    {
        // Arrange
        using var browser = app.CreateBrowser();
        var form = await browser.OpenFormAsync("/sign-in/passkey");

        // Act
        using var response = await browser.SubmitAsync(form, [new("response", "{}"), new("state", "CfDJ8-not-a-token")]);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var recorded = await app.EventAsync(response.Headers.GetValues("X-Trace-Id").Single());
        Assert.Equal(ReasonCodes.InvalidCredentials, recorded.ReasonCode);
        Assert.Contains("no passkey ceremony Signpost started", recorded.Detail, StringComparison.Ordinal);
    }
}
