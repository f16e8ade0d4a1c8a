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
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var back = posted.Headers.Location!.OriginalString;
        Assert.StartsWith("/connect/authorize?", back, StringComparison.Ordinal);
        return await FollowAuthorizeAsync(browser, back);
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
