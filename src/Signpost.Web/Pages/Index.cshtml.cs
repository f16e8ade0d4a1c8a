using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Browsers;
using Signpost.Core.Passwords;

namespace Signpost.Web.Pages;

/// <summary>The home page after sign-in: who you are, which practices you act for, and when your password expires if that is soon.</summary>
public sealed class IndexModel(IOptionsMonitor<BrowserSupportOptions> browsers, TimeProvider time) : PageModel
{
    public sealed record PracticeView(string Name, string Slug, string Roles);

    /// <summary>"Your password expires on {When} ({InDays})", shown from 14 days before expiry.</summary>
    public sealed record ExpiryView(string When, string InDays);

    public Core.Accounts.Account Account { get; private set; } = null!;
    public IReadOnlyList<PracticeView> Practices { get; private set; } = [];
    public string PlatformRoles { get; private set; } = "";
    public string? Notice { get; private set; }

    /// <summary>With the browser notice: this browser's real version and what to do about it.</summary>
    public string? BrowserAdvice { get; private set; }
    public ExpiryView? Expiry { get; private set; }

    /// <summary>The person administers a practice (or every practice): the home page links the admin console.</summary>
    public bool Administers { get; private set; }

    /// <summary>
    /// Where the sign-in was going before a notice stopped it here (a portal's authorization request, a page), local
    /// only; the notice offers it as "Continue" (docs/oidc-provider.md "Detours").
    /// </summary>
    public string? ContinueUrl { get; private set; }

    /// <summary>The portal's name when <see cref="ContinueUrl"/> is its authorization request, else "where you were going".</summary>
    public string ContinueTo { get; private set; } = "where you were going";

    /// <summary>
    /// The query's <c>notice</c> and <c>returnUrl</c> are read here rather than bound as parameters: model binding
    /// cost a signed-in page about a twentieth of its CPU (docs/capacity.md, "A signed-in page"). Each is its first
    /// value, a blank one counting as none, as the binder gave it.
    /// </summary>
    public async Task<IActionResult> OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        var notice = Query("notice");
        var returnUrl = Query("returnUrl");
        var account = await Infrastructure.SignedInAccount.FindAsync(HttpContext, cancellationToken);
        if (account is null)
        {
            return Redirect("/sign-in");
        }

        Account = account;
        Notice = notice;
        if (notice is not null && Infrastructure.LocalUrls.IsLocal(returnUrl) && returnUrl != "/")
        {
            ContinueUrl = returnUrl;
            if (OpenIdProvider.AuthorizeHandoff.IsAuthorizeRequest(returnUrl!))
            {
                ContinueTo = await OpenIdProvider.AuthorizeHandoff.ApplicationNameAsync(HttpContext, returnUrl!, cancellationToken);
            }
        }

        if (notice == "browser")
        {
            var browser = UserAgentParser.Parse(Request.Headers.UserAgent.ToString());
            BrowserAdvice = browsers.CurrentValue.IsSupported(browser) ? null : browsers.CurrentValue.Advice(browser);
        }
        Practices = account.Memberships.Where(m => m.GivesAccess && m.Organization is not null)
            .Select(m => new PracticeView(m.Organization!.Name, m.Organization.Slug, m.Roles.ToString()))
            .OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList();
        Administers = account.PlatformRoles.HasFlag(Core.Accounts.PlatformRoles.PlatformAdmin)
            || account.Memberships.Any(m => m.GivesAccess && m.Roles.HasFlag(PracticeRoles.PracticeAdmin));
        PlatformRoles = account.PlatformRoles == Core.Accounts.PlatformRoles.None ? "" : account.PlatformRoles.ToString();
        if (PasswordExpiryReminders.Upcoming(account, PasswordExpiry.OrganizationsOf(account), time.GetUtcNow()) is { } upcoming)
        {
            Expiry = new ExpiryView(PasswordExpiryReminders.Utc(upcoming.ExpiresAt), PasswordExpiryReminders.InDays(upcoming.DaysLeft));
        }

        return Page();
    }

    private string? Query(string name) => Request.Query[name] is { Count: > 0 } values && !string.IsNullOrWhiteSpace(values[0]) ? values[0] : null;
}
