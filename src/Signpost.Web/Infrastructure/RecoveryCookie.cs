using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Signpost.Core.Recovery;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// A short-lived cookie set on the browser that asked for a reset or unlock link, so that a link from that
/// browser which matches no issued token (mangled by an email client, truncated, tampered) is still counted
/// toward the account's reset failures and escalated (docs/troubleshooter.md, "Reset links that name nobody").
/// </summary>
/// <remarks>
/// It carries nothing readable: the account ID and an expiry, encrypted and signed by Data Protection. It is set
/// on every request, with <see cref="Guid.Empty"/> when no account matched, so its presence and length are the
/// same for everyone and tell nobody whether an account exists. It lasts as long as a link does. It only ever
/// names the account on an event; it never opens anything.
/// </remarks>
public sealed class RecoveryCookie(IDataProtectionProvider protection, TimeProvider time, IOptionsMonitor<RecoveryOptions> options)
{
    public const string Name = "sp_recovery";

    private readonly IDataProtector _protector = protection.CreateProtector("Signpost.RecoveryCookie.v1");

    /// <summary>Sets the cookie for the account a request matched (or for none).</summary>
    public void Write(HttpContext context, Guid? accountId)
    {
        var lifetime = options.CurrentValue.LinkLifetime;
        var expires = time.GetUtcNow() + lifetime;
        var value = _protector.Protect(string.Create(CultureInfo.InvariantCulture, $"{accountId ?? Guid.Empty:N}|{expires.ToUnixTimeSeconds()}"));
        context.Response.Cookies.Append(Name, value, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            MaxAge = lifetime,
            IsEssential = true,
        });
    }

    /// <summary>The account this browser asked a link for, or null (no cookie, forged, expired, or no account matched).</summary>
    public Guid? Read(HttpContext context)
    {
        var value = context.Request.Cookies[Name];
        if (string.IsNullOrEmpty(value) || value.Length > 1024)
        {
            return null;
        }

        try
        {
            var parts = _protector.Unprotect(value).Split('|');
            if (parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var id) && id != Guid.Empty
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
                && time.GetUtcNow().ToUnixTimeSeconds() < expires)
            {
                return id;
            }
        }
        catch (CryptographicException)
        {
            // Forged or from another deployment's keys: attributes nothing.
        }

        return null;
    }
}
