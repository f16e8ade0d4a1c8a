namespace Signpost.Core.SingleSignOn;

/// <summary>How a connection federates: OpenID Connect (docs/sso.md) or SAML 2.0 (docs/saml.md).</summary>
public enum SsoProtocol
{
    OpenIdConnect,
    Saml,
}
