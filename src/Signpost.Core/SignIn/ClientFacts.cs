using System.Net;

namespace Signpost.Core.SignIn;

/// <summary>What the server knows about the client making an attempt (docs/design.md §4).</summary>
public sealed record ClientFacts
{
    public IPAddress? Ip { get; init; }
    public string? UserAgent { get; init; }
    /// <summary>User-Agent client hints (Sec-CH-UA*) as sent, if any.</summary>
    public string? ClientHints { get; init; }
    public bool? CookiesWorking { get; init; }
    public bool? JavaScriptWorking { get; init; }
    /// <summary>Trusted-device cookies the browser sent, by cookie name.</summary>
    public IReadOnlyDictionary<string, string> DeviceCookies { get; init; } = new Dictionary<string, string>();
    /// <summary>
    /// The account this browser asked a reset or unlock link for, from its short-lived recovery cookie; a link
    /// step that matches no token is recorded against it (docs/troubleshooter.md). Null when none.
    /// </summary>
    public Guid? RecoveryRequestedFor { get; init; }
}
