namespace Signpost.Core.SingleSignOn;

/// <summary>One health check's result, in words a practice's IT department can act on.</summary>
/// <param name="Check">discovery, issuer, jwks, signing_keys, key_expiry, tls_expiry.</param>
/// <param name="Ok">Passed (a warning is still ok, with <paramref name="Warning"/> set).</param>
/// <param name="Explanation">What was seen and, for a failure, what to correct.</param>
/// <param name="Warning">Passed but due for attention (an expiry within the alert window).</param>
/// <param name="Unreachable">
/// Failed because nothing answered (timeout, refused connection, DNS, TLS) rather than because the answer was
/// wrong: the troubleshooter tells "provider unreachable" from "provider misconfigured" by it, not by the words.
/// </param>
public sealed record SsoHealthFinding(string Check, bool Ok, string Explanation, bool Warning = false, bool Unreachable = false);
