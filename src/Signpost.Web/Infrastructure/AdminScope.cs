using System.Security.Claims;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Core.Organizations;
using Signpost.Web.Queries;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// The tenant boundary's one place of resource-based authorization (docs/security.md): "may this caller
/// see or act on this practice / account / trace / incident?", and which <see cref="Audience"/> the caller
/// reads as. Read fresh from the database on every request (a role revoked a second ago no longer
/// counts). A platform admin administers every organization; a practice admin only those where they hold
/// an active <see cref="PracticeRoles.PracticeAdmin"/> membership; support reads traces and incidents of
/// every practice. Every page and API operation of the consoles asks here first and, when refused, calls
/// <see cref="RefuseAsync"/> so the attempt is in the audit trail. What a permitted caller then sees is
/// <see cref="AudienceProjection"/>'s to decide.
/// </summary>
/// <remarks>
/// Callers answer a refused read of another practice's organization or account exactly like a missing one
/// (404), so IDs guessed in URLs or bodies do not even confirm that the target exists.
/// </remarks>
public sealed class AdminScope(AccessQueries queries, AuditTrail audit, AuditActors actors, IHttpContextAccessor http)
{
    /// <summary>The audit action written for every refused attempt; its <c>After</c> says what was tried and why it was refused.</summary>
    public const string RefusalAction = AuditEntry.RefusalAction;

    /// <summary>Width of <see cref="AuditEntry.TargetId"/> in the database.</summary>
    public const int MaxTargetLength = 64;

    private ClaimsPrincipal User => http.HttpContext?.User ?? new ClaimsPrincipal();

    /// <summary>The signed-in account, or null.</summary>
    public Guid? AccountId => Guid.TryParse(User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public bool IsPlatformAdmin => User.IsInRole(nameof(PlatformRoles.PlatformAdmin));

    public bool IsSupportAgent => User.IsInRole(nameof(PlatformRoles.SupportAgent));

    /// <summary>
    /// The audience the caller reads as: platform admin and support by their platform roles (the higher
    /// wins), a practice administrator by an active administrator membership, anyone else only as the
    /// holder of a trace.
    /// </summary>
    public async Task<Audience> AudienceAsync(CancellationToken cancellationToken) =>
        IsPlatformAdmin ? Audience.PlatformAdmin
        : IsSupportAgent ? Audience.Support
        : AccountId is { } accountId && (await AdministeredIdsAsync(accountId, cancellationToken)).Count > 0 ? Audience.PracticeAdmin
        : Audience.TraceHolder;

    /// <summary>The IDs of the organizations the caller administers (every one for a platform admin).</summary>
    public async Task<IReadOnlySet<Guid>> AdministeredOrganizationIdsAsync(CancellationToken cancellationToken)
    {
        if (IsPlatformAdmin)
        {
            return await queries.AllOrganizationIdsAsync(cancellationToken);
        }

        return AccountId is { } accountId ? (await AdministeredIdsAsync(accountId, cancellationToken)).ToHashSet() : new HashSet<Guid>();
    }

    /// <summary>
    /// May the caller read this attempt (its diagnosis, its event)? Support and platform admins: every one.
    /// A practice administrator: an attempt on an account of a practice they administer, made at one of
    /// their practices (or at no practice in particular) — not the same person's attempts at another practice.
    /// Anyone else: none through the consoles (the holder of a trace reads its safe advice on the public pages).
    /// </summary>
    public async Task<bool> CanSeeTraceAsync(SignInEvent attempt, CancellationToken cancellationToken)
    {
        if (IsPlatformAdmin || IsSupportAgent)
        {
            return true;
        }

        if (attempt.AccountId is not { } accountId || AccountId is not { } caller)
        {
            return false;
        }

        var ids = await AdministeredIdsAsync(caller, cancellationToken);
        if (attempt.OrganizationId is { } organizationId && !ids.Contains(organizationId))
        {
            return false;
        }

        return await queries.HasActiveMembershipInAsync(accountId, ids, cancellationToken);
    }

    /// <summary>May the caller read or change this incident? Support and platform admins: all; a practice administrator: their practices' only.</summary>
    public async Task<bool> CanSeeIncidentAsync(Incident incident, CancellationToken cancellationToken) =>
        IsPlatformAdmin || IsSupportAgent
        || (incident.OrganizationId is { } organizationId && await CanAdministerAsync(organizationId, cancellationToken));

    /// <summary>The organizations the signed-in person administers, by name.</summary>
    public async Task<IReadOnlyList<Organization>> AdministeredOrganizationsAsync(CancellationToken cancellationToken)
    {
        if (IsPlatformAdmin)
        {
            return await queries.ListOrganizationsAsync(cancellationToken);
        }

        if (AccountId is not { } accountId)
        {
            return [];
        }

        var ids = await AdministeredIdsAsync(accountId, cancellationToken);
        return await queries.ListOrganizationsAsync(ids, cancellationToken);
    }

    /// <summary>True when the signed-in person may administer <paramref name="organizationId"/>.</summary>
    public async Task<bool> CanAdministerAsync(Guid organizationId, CancellationToken cancellationToken)
    {
        if (IsPlatformAdmin)
        {
            return true;
        }

        return AccountId is { } accountId && (await AdministeredIdsAsync(accountId, cancellationToken)).Contains(organizationId);
    }

    /// <summary>
    /// True when <paramref name="targetAccountId"/> has an active membership in an organization the signed-in
    /// person administers (a platform admin: any account).
    /// </summary>
    public async Task<bool> CanAdministerAccountAsync(Guid targetAccountId, CancellationToken cancellationToken)
    {
        if (IsPlatformAdmin)
        {
            return await queries.AccountExistsAsync(targetAccountId, cancellationToken);
        }

        if (AccountId is not { } accountId)
        {
            return false;
        }

        var ids = await AdministeredIdsAsync(accountId, cancellationToken);
        return await queries.HasActiveMembershipInAsync(targetAccountId, ids, cancellationToken);
    }

    /// <summary>Appends a refused attempt to the audit trail: who tried what on which target, and why it was refused.</summary>
    /// <param name="attempted">The act that was tried, e.g. <c>account.unlock</c> or <c>organization.read</c>.</param>
    /// <param name="targetType">What kind of target was named.</param>
    /// <param name="targetId">The target as named in the request (an ID guessed in a URL is kept as typed, cut to <see cref="MaxTargetLength"/> characters, the column's width).</param>
    /// <param name="organizationId">The organization concerned when known.</param>
    /// <param name="reason">One sentence for the auditor.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    public Task RefuseAsync(string attempted, string targetType, string? targetId, Guid? organizationId, string reason, CancellationToken cancellationToken)
    {
        var named = targetId is { Length: > MaxTargetLength } ? targetId[..MaxTargetLength] : targetId;
        return audit.RecordAsync(actors.Current, new AuditRecord(RefusalAction, targetType, named, organizationId, null, new { attempted, reason }), cancellationToken);
    }

    /// <summary>
    /// True when the person holds an active practice-admin role in <paramref name="organizationId"/> but the
    /// session's sign-in was not admitted by that practice's rules (say, from a network it does not allow):
    /// the reason to give, and to audit, when such a console refuses.
    /// </summary>
    public async Task<bool> IsAdminThroughAnotherPracticeAsync(Guid organizationId, CancellationToken cancellationToken) =>
        !IsPlatformAdmin && AccountId is { } accountId && !User.IsSessionAdmittedFor(organizationId)
        && (await AdministeredMembershipIdsAsync(accountId, cancellationToken)).Contains(organizationId);

    /// <summary>
    /// Practices administered through this session: an active PracticeAdmin membership, and a session that
    /// practice's rules admitted (docs/security.md, "Sessions and the sign-in gate").
    /// </summary>
    private async Task<List<Guid>> AdministeredIdsAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var admitted = User.SessionAdmittedPractices();
        return (await AdministeredMembershipIdsAsync(accountId, cancellationToken)).Where(admitted.Contains).ToList();
    }

    private List<Guid>? _administered;

    // Scoped per request: asked several times while one answer is built, read once.
    private async Task<List<Guid>> AdministeredMembershipIdsAsync(Guid accountId, CancellationToken cancellationToken) =>
        _administered ??= await queries.AdministeredMembershipIdsAsync(accountId, cancellationToken);
}
