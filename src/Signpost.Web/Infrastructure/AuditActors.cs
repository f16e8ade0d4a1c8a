using System.Security.Claims;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;

namespace Signpost.Web.Infrastructure;

/// <summary>Who is acting right now: the signed-in account of the web request, else the command line's OS user.</summary>
public sealed class AuditActors(IHttpContextAccessor http)
{
    public AuditActor Current
    {
        get
        {
            if (http.HttpContext is not { } context)
            {
                return AuditActor.CommandLine();
            }

            var ip = context.Connection.RemoteIpAddress?.ToString();
            var traceId = context.GetTraceId();
            return Guid.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
                ? AuditActor.Account(id, context.User.Identity?.Name ?? "", ip, traceId)
                : new AuditActor("anonymous", null, ip, traceId);
        }
    }
}

/// <summary>What the audit trail keeps of an account: its security-relevant state, never a secret.</summary>
public sealed record AccountAuditView(string Username, string Email, string? Npi, string Status, string PlatformRoles, bool MustChangePassword, bool Flagged,
    int PasswordExpiryExtensionDays, IReadOnlyList<MembershipAuditView> Memberships, int Version)
{
    public static AccountAuditView Of(Account account) => new(
        account.Username, account.Email, account.Npi, account.Status.ToString(), account.PlatformRoles.ToString(), account.MustChangePassword, account.Flagged,
        account.PasswordExpiryExtensionDays,
        account.Memberships.Select(m => new MembershipAuditView(m.OrganizationId, m.Organization?.Slug, m.Roles.ToString(), m.Status.ToString())).ToList(),
        account.Version);
}

public sealed record MembershipAuditView(Guid OrganizationId, string? Slug, string Roles, string Status);
