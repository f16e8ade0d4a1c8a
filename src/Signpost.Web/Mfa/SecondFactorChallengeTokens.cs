using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Signpost.Core.Events;
using Signpost.Core.Mfa;

namespace Signpost.Web.Mfa;

/// <summary>
/// The <see cref="SecondFactorChallenge"/> as a token the browser (in a cookie) or the app (in the API's
/// <c>mfa_required</c> answer) carries to the second call: encrypted and signed with the data-protection key
/// ring and time-limited to <see cref="SecondFactorChallenge.Lifetime"/>, so it can be neither read nor forged
/// nor kept. It names the account and the attempt that proved the password (docs/mfa.md, "The API").
/// </summary>
public sealed class SecondFactorChallengeTokens(IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>The page flow's cookie: HttpOnly, so page scripts never see the token.</summary>
    public const string CookieName = "sp_challenge";

    // Not ToTimeLimitedDataProtector: that one reads the machine clock, and every expiry here is the injected clock's.
    private readonly IDataProtector _protector = protection.CreateProtector("Signpost.SecondFactorChallenge.v1");

    public string Issue(SecondFactorChallenge challenge) =>
        _protector.Protect(string.Join('|',
            challenge.AccountId.ToString("N"),
            challenge.TraceId,
            challenge.OrganizationSlug ?? "",
            challenge.Method.ToString(),
            challenge.IssuedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            challenge.RememberDays.ToString(CultureInfo.InvariantCulture)));

    /// <summary>When the token expires, for the API's answer.</summary>
    public static DateTimeOffset ExpiresAt(SecondFactorChallenge challenge) => challenge.IssuedAt + SecondFactorChallenge.Lifetime;

    /// <summary>The challenge, or null when the token is missing, forged, damaged or expired.</summary>
    public SecondFactorChallenge? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048)
        {
            return null;
        }

        try
        {
            var parts = _protector.Unprotect(token).Split('|');
            if (parts.Length != 6
                || !Guid.TryParseExact(parts[0], "N", out var accountId)
                || !Enum.TryParse<SignInMethod>(parts[3], out var method)
                || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var issued)
                || !int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var rememberDays))
            {
                return null;
            }

            var challenge = new SecondFactorChallenge(accountId, parts[1], parts[2].Length == 0 ? null : parts[2], method,
                DateTimeOffset.FromUnixTimeSeconds(issued), rememberDays);
            return time.GetUtcNow() < ExpiresAt(challenge) ? challenge : null;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
