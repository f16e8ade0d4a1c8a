using System.IO.Compression;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace Signpost.Core.SingleSignOn.Saml;

/// <summary>
/// An AuthnRequest for the HTTP-Redirect binding (SAML Core §3.4.1, Bindings §3.4.4.1): DEFLATE, base64, URL
/// encoding. The request is unsigned (Signpost's metadata says so); what binds the answer to this browser is the
/// random ID, kept in a protected cookie and required as the response's InResponseTo.
/// </summary>
public static class SamlAuthnRequest
{
    /// <summary>A fresh request ID: 128 random bits, starting with a letter as an xs:ID must.</summary>
    public static string NewId() => "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The provider's SSO URL with <c>SAMLRequest</c> appended.</summary>
    public static string RedirectUrl(string ssoUrl, string id, string spEntityId, string acsUrl, DateTimeOffset now)
    {
        static string E(string value) => SecurityElement.Escape(value);
        var xml = $"""<samlp:AuthnRequest xmlns:samlp="{SamlNames.Protocol}" xmlns:saml="{SamlNames.Assertion}" ID="{id}" Version="2.0" IssueInstant="{now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" Destination="{E(ssoUrl)}" AssertionConsumerServiceURL="{E(acsUrl)}" ProtocolBinding="{SamlNames.HttpPostBinding}"><saml:Issuer>{E(spEntityId)}</saml:Issuer><samlp:NameIDPolicy AllowCreate="true"/></samlp:AuthnRequest>""";
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(xml));
        }

        var encoded = Uri.EscapeDataString(Convert.ToBase64String(buffer.ToArray()));
        return ssoUrl + (ssoUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "SAMLRequest=" + encoded;
    }
}
