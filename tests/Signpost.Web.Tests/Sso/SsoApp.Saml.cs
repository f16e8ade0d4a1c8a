using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Platform;
using Signpost.Web.Sso.Saml;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>SAML practices: connections from metadata, the start of a sign-in, and the post to the assertion consumer service.</summary>
public partial class SsoApp
{
    /// <summary>A practice with a SAML connection from <paramref name="request"/> (metadata by URL or as text), saved through the app's own administration.</summary>
    public Task<SsoConnection> CreateSamlConnectionAsync(string slug, SamlConnectionRequest request) =>
        WithServicesAsync(async services =>
        {
            await services.GetRequiredService<PlatformProvisioning>().CreateOrganizationAsync(slug, $"Practice {slug}", null, "America/Chicago", CancellationToken.None).Done();
            return await services.GetRequiredService<SamlConnectionManager>().SaveAsync(slug, request, CancellationToken.None).Done();
        });

    /// <summary>Signpost's entity ID and assertion consumer service for a practice.</summary>
    public static (string EntityId, string Acs) SamlAddresses(string slug) =>
        ($"{PublicBaseUrl}/sso/saml/{slug}", $"{PublicBaseUrl}/sso/saml/{slug}/acs");

    /// <summary>Opens <c>/sso/{slug}</c>: the provider's URL with the AuthnRequest, and that request's ID (decoded as the provider would).</summary>
    public static async Task<(Uri Redirect, string RequestId)> StartSamlAsync(TestBrowser browser, string slug)
    {
        var redirect = await StartAsync(browser, slug);
        var query = System.Web.HttpUtility.ParseQueryString(redirect.Query);
        using var inflate = new DeflateStream(new MemoryStream(Convert.FromBase64String(query["SAMLRequest"]!)), CompressionMode.Decompress);
        using var reader = new StreamReader(inflate, Encoding.UTF8);
        var xml = await reader.ReadToEndAsync();
        return (redirect, RequestIdPattern().Match(xml).Groups[1].Value);
    }

    /// <summary>The provider's HTTP-POST to the practice's assertion consumer service, from <paramref name="browser"/>.</summary>
    public static Task<HttpResponseMessage> PostToAcsAsync(TestBrowser browser, string slug, string samlResponse) =>
        browser.Http.PostAsync(new Uri($"/sso/saml/{slug}/acs", UriKind.Relative), new FormUrlEncodedContent([new("SAMLResponse", samlResponse)]));

    [GeneratedRegex("ID=\"([^\"]+)\"")]
    private static partial Regex RequestIdPattern();
}
