namespace Signpost.Core.OpenIdProvider;

/// <summary>
/// A portal (OpenID Connect client) that received tokens for a Signpost session: written when the token
/// endpoint answers a code or refresh grant, read when the session ends to decide who gets a back-channel
/// logout (OpenID Connect Back-Channel Logout 1.0 §2.1; docs/oidc-provider.md "Back-channel logout").
/// A client that only ever saw the authorization request gets none.
/// </summary>
public sealed class SessionClient
{
    public const int MaxClientIdLength = 100;

    /// <summary>The Signpost session (the <c>sid</c> claim of the tokens).</summary>
    public required string SessionId { get; set; }

    public required string ClientId { get; set; }

    /// <summary>The person (the <c>sub</c> claim).</summary>
    public Guid AccountId { get; set; }

    public DateTimeOffset FirstTokensAt { get; set; }

    /// <summary>When the session's end was handed to the delivery queue (or found to need no logout); null until then.</summary>
    public DateTimeOffset? LogoutQueuedAt { get; set; }
}
