using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Signpost.Core.Events;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>One Signpost on a real port for the class; each test brings its own practice, people, client and relying party.</summary>
public sealed class OidcFixture : IAsyncLifetime
{
    public OidcApp App { get; } = new();

    public ValueTask InitializeAsync()
    {
        App.Start();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();

    /// <summary>
    /// Plays the person: opens the portal's authorization URL, is sent to Signpost's sign-in page, signs in there
    /// with <paramref name="username"/>, returns to the authorization endpoint and is redirected to the portal.
    /// Returns that final redirect (the portal's callback with the code, or with an OAuth error).
    /// </summary>
    public static async Task<Uri> SignInThroughAsync(TestBrowser browser, string authorizeUrl, string username, string? expectedSignInPage = null)
    {
        using var first = await browser.Http.GetAsync(new Uri(authorizeUrl));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var signIn = first.Headers.Location!.OriginalString;
        if (expectedSignInPage is not null)
        {
            Assert.StartsWith(expectedSignInPage + "?returnUrl=", signIn, StringComparison.Ordinal);
        }

        var form = await browser.OpenFormAsync(signIn);
        using var posted = await browser.SubmitAsync(form, [new("identifier", username), new("password", TestAccounts.Password)]);
        return await FollowAuthorizeAsync(browser, await HandoffTargetAsync(posted));
    }

    /// <summary>
    /// The sign-in POST's answer when it returns to the authorization endpoint: the hand-off page (200), which moves
    /// on by meta refresh and a link, not a redirect, since Chromium applies form-action to a form's redirects
    /// (docs/oidc-provider.md, "Signing in from a browser"). Returns the local address both name.
    /// </summary>
    public static async Task<string> HandoffTargetAsync(HttpResponseMessage posted)
    {
        var html = await posted.Content.ReadAsStringAsync();
        Assert.True(posted.StatusCode == HttpStatusCode.OK, $"{(int)posted.StatusCode} {posted.Headers.Location}: {html}");
        var refresh = System.Text.RegularExpressions.Regex.Match(html, "<meta http-equiv=\"refresh\" content=\"0;url=([^\"]+)\">");
        var link = System.Text.RegularExpressions.Regex.Match(html, "<a href=\"([^\"]+)\" data-testid=\"continue\">");
        Assert.True(refresh.Success && link.Success, html);
        var target = System.Net.WebUtility.HtmlDecode(refresh.Groups[1].Value);
        Assert.Equal(target, System.Net.WebUtility.HtmlDecode(link.Groups[1].Value));
        Assert.StartsWith("/connect/authorize?", target, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        return target;
    }

    /// <summary>GETs an authorization URL with the browser's session and returns the redirect to the portal.</summary>
    public static async Task<Uri> FollowAuthorizeAsync(TestBrowser browser, string url)
    {
        using var response = await browser.Http.GetAsync(new Uri(url, UriKind.RelativeOrAbsolute));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var location = response.Headers.Location!;
        Assert.StartsWith(OidcApp.Callback, location.ToString(), StringComparison.Ordinal);
        return location;
    }

    public static IDictionary<string, string> QueryOf(Uri uri) =>
        QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    /// <summary>An OAuth error answer (query or JSON) must carry the trace ID, in its own parameter and in the description; returns the stored event.</summary>
    public async Task<SignInEvent> EventOfErrorAsync(IDictionary<string, string> error)
    {
        var traceId = error["signpost_trace_id"];
        Assert.Contains(traceId, error["error_description"], StringComparison.Ordinal);
        var recorded = await App.EventAsync(traceId);
        Assert.Equal((SignInMethod.OpenIdClient, false), (recorded.Method, recorded.Succeeded));
        return recorded;
    }

    public static async Task<IDictionary<string, string>> JsonErrorAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
    }
}
