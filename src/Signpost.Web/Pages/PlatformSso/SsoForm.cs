using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Sso;

namespace Signpost.Web.Pages.PlatformSso;

/// <summary>
/// The connection form as typed. Field names are the <see cref="SsoConnectionRequest"/> property names, so a
/// problem from <see cref="SsoConnectionManager"/> marks the input it is about.
/// </summary>
public sealed class SsoForm
{
    public string? DiscoveryUrl { get; set; }
    public string? ClientId { get; set; }
    /// <summary>Write-only: blank keeps the stored secret. Never filled from the database, so never echoed.</summary>
    public string? ClientSecret { get; set; }
    /// <summary>Forget the stored secret (a public client with PKCE only).</summary>
    public bool RemoveSecret { get; set; }
    public string? Scopes { get; set; }
    public string? UsernameClaim { get; set; }
    public string? EmailClaim { get; set; }
    public string? NpiClaim { get; set; }
    /// <summary>Read the claims the ID token lacks from the provider's userinfo endpoint.</summary>
    public bool UseUserInfo { get; set; } = true;
    public bool LinkByEmail { get; set; } = true;
    public bool LinkByNpi { get; set; }
    public bool CreateAccounts { get; set; }
    public string? DefaultRoles { get; set; } = nameof(PracticeRoles.Staff);
    public bool Required { get; set; }
    /// <summary>Comma, space or line separated.</summary>
    public string? EmailDomains { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The connection's change stamp when the form was rendered (UTC ticks; empty for a new connection). A save
    /// from a page opened before another operator's change is refused instead of silently undoing it.
    /// </summary>
    public string? Stamp { get; set; }

    /// <summary>The roles a just-in-time account may be given.</summary>
    public static readonly IReadOnlyList<PracticeRoles> RoleChoices = [PracticeRoles.Staff, PracticeRoles.Provider, PracticeRoles.PracticeAdmin];

    public static SsoForm From(SsoConnection? c) => c is null
        ? new SsoForm { Scopes = "openid profile email", UsernameClaim = "preferred_username", EmailClaim = "email", NpiClaim = "npi", Stamp = "" }
        : new SsoForm
        {
            DiscoveryUrl = c.DiscoveryUrl,
            ClientId = c.ClientId,
            Scopes = c.Scopes,
            UsernameClaim = c.UsernameClaim,
            EmailClaim = c.EmailClaim,
            NpiClaim = c.NpiClaim,
            UseUserInfo = c.UseUserInfo,
            LinkByEmail = c.LinkByEmail,
            LinkByNpi = c.LinkByNpi,
            CreateAccounts = c.CreateAccounts,
            DefaultRoles = c.DefaultRoles.ToString(),
            Required = c.Required,
            EmailDomains = string.Join(", ", c.EmailDomains),
            Enabled = c.Enabled,
            Stamp = StampOf(c),
        };

    public static string StampOf(SsoConnection? c) =>
        c is null ? "" : c.UpdatedAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The request to save, or the problems of what cannot even be read as one (a role outside the choices).
    /// Everything else is validated by <see cref="SsoConnectionManager"/>, the same rules as the command line.
    /// </summary>
    public IReadOnlyList<PolicyProblem> ToRequest(out SsoConnectionRequest request)
    {
        var problems = new List<PolicyProblem>();
        // Only the listed names: Enum.TryParse would also take "7" or "Staff, PracticeAdmin".
        var role = RoleChoices.FirstOrDefault(r => string.Equals(r.ToString(), DefaultRoles?.Trim(), StringComparison.Ordinal));
        if (role == PracticeRoles.None)
        {
            problems.Add(new PolicyProblem(nameof(DefaultRoles), "The default role must be Staff, Provider or PracticeAdmin."));
        }

        request = new SsoConnectionRequest(
            DiscoveryUrl ?? "",
            ClientId ?? "",
            RemoveSecret ? "" : string.IsNullOrEmpty(ClientSecret) ? null : ClientSecret,
            Scopes ?? "",
            UsernameClaim?.Trim() ?? "",
            EmailClaim?.Trim() ?? "",
            NpiClaim?.Trim() ?? "",
            LinkByEmail,
            LinkByNpi,
            CreateAccounts,
            role == PracticeRoles.None ? null : role,
            Required,
            (EmailDomains ?? "").Split([',', ' ', '\n', '\r', '\t', ';'], StringSplitOptions.RemoveEmptyEntries),
            Enabled,
            UseUserInfo);
        return problems;
    }
}
