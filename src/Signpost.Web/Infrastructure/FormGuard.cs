using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Signpost.Core.Reasons;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// Anti-forgery for the sign-in forms, checked by hand so that the two browser problems behind a bare
/// "400 Bad Request" get their own reasons (docs/design.md §3): no anti-forgery cookie came back → cookies are
/// blocked; a token or form stamp that no longer matches or is too old → a stale (cached) page.
/// </summary>
public sealed class FormGuard(IAntiforgery antiforgery, IDataProtectionProvider protection, TimeProvider time, IOptionsMonitor<SignpostOptions> options)
{
    public const string CookieName = "sp_af";
    public const string FieldName = "__RequestVerificationToken";
    public const string StampField = "form_stamp";
    public const string CookiesEnabledField = "cookies_enabled";
    public const string JavaScriptField = "js";

    private readonly IDataProtector _protector = protection.CreateProtector("Signpost.FormStamp.v1");

    /// <summary>A protected "issued at" stamp to put in the form.</summary>
    public string IssueStamp() =>
        _protector.Protect(time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

    /// <summary>Null when the post is fresh and carries a matching token; otherwise the reason code and a support detail.</summary>
    public async Task<(string Code, string Detail)?> CheckAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        if (!context.Request.Cookies.ContainsKey(CookieName))
        {
            // With JavaScript the page reported navigator.cookieEnabled; a browser that accepts cookies but
            // sent none back lost it since the page loaded (a restored tab): that page is stale.
            return form?[CookiesEnabledField].ToString() == "true"
                ? (ReasonCodes.StaleForm, "The anti-forgery cookie is missing although the browser accepts cookies: the page outlived its cookie.")
                : (ReasonCodes.CookiesDisabled, "The anti-forgery cookie set with the page did not come back: cookies are blocked.");
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return (ReasonCodes.StaleForm, "The form's anti-forgery token does not match the cookie: the page came from an earlier visit.");
        }

        var stamp = form?[StampField].ToString();
        if (string.IsNullOrEmpty(stamp) || stamp.Length > 512)
        {
            return (ReasonCodes.StaleForm, "The form carries no issue stamp.");
        }

        long issuedUnix;
        try
        {
            issuedUnix = long.Parse(_protector.Unprotect(stamp), NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return (ReasonCodes.StaleForm, "The form's issue stamp cannot be read (an old key or a tampered form).");
        }

        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(issuedUnix);
        var lifetime = TimeSpan.FromMinutes(options.CurrentValue.FormLifetimeMinutes);
        return age > lifetime
            ? (ReasonCodes.StaleForm, $"The form was issued {age.TotalMinutes:0} minutes ago; forms live {lifetime.TotalMinutes:0} minutes.")
            : null;
    }
}
