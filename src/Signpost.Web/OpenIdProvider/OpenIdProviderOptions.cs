using System.ComponentModel.DataAnnotations;

namespace Signpost.Web.OpenIdProvider;

/// <summary>Settings under <c>Signpost:OpenIdProvider</c> (docs/oidc-provider.md "Settings").</summary>
public sealed class OpenIdProviderOptions
{
    public const string Section = "Signpost:OpenIdProvider";

    /// <summary>Default lifetime of access tokens, in minutes; a client may have its own (<c>signpost clients add --access-token-minutes</c>).</summary>
    [Range(1, 24 * 60)]
    public int AccessTokenMinutes { get; set; } = 10;

    /// <summary>Lifetime of ID tokens, in minutes.</summary>
    [Range(1, 24 * 60)]
    public int IdentityTokenMinutes { get; set; } = 10;

    /// <summary>Lifetime of an authorization code, in seconds (RFC 6749 §4.1.2 recommends at most 10 minutes).</summary>
    [Range(10, 600)]
    public int AuthorizationCodeSeconds { get; set; } = 60;

    /// <summary>Default lifetime of refresh tokens, in hours; each use replaces the token (rotation). They also end with the Signpost session.</summary>
    [Range(1, 24 * 90)]
    public int RefreshTokenHours { get; set; } = 12;

    /// <summary>
    /// Seconds between a node's looks at the key table: a key rotated on one node (or by <c>signpost keys rotate</c>)
    /// is signed with and published by every node within this bound.
    /// </summary>
    [Range(1, 3600)]
    public int KeyRefreshSeconds { get; set; } = 60;

    /// <summary>
    /// Days a retired key stays loaded after a rotation: published (signing) and able to read (encryption) until
    /// every token made with it has expired. Must exceed the longest token lifetime a client has.
    /// </summary>
    [Range(1, 365)]
    public int RetiredKeyDays { get; set; } = 30;
}
