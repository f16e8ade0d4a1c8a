using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Audit;
using Signpost.Core.Email;
using Signpost.Core.Lockout;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;
using Signpost.Core.Recovery;
using Signpost.Core.Sessions;
using Signpost.Core.Tokens;
using Signpost.Data;
using Signpost.Web.Infrastructure;
using Signpost.Web.Platform;

namespace Signpost.Web.Admin;

/// <summary>
/// What a practice administrator does to the people of a practice (docs/design.md §1): roles, disable and enable,
/// unlock, force a password reset, extend an expiry, remove, reassign. The console pages and the members
/// API both come here, so the rules are the same on both.
/// </summary>
/// <remarks>
/// <para>
/// Scope is checked here, not only by the callers: <see cref="OpenAsync"/> hands out a practice only to
/// someone who administers it, and every act re-reads the person and finds them only through an active
/// membership of that practice. Anything else is answered like a missing person and written to the audit
/// trail as <see cref="AdminScope.RefusalAction"/>, so an ID guessed in a URL or a body learns nothing.
/// </para>
/// <para>
/// Every act raises <see cref="Account.Version"/> and is refused when the caller's version is older
/// (optimistic concurrency: two admins editing one person never overwrite each other unseen). The act and
/// its audit entry (before, after, actor, IP, trace ID) are written in one transaction (<see cref="IPracticeMemberStore"/>).
/// </para>
/// </remarks>
public sealed partial class PracticeAdministration(
    SignpostDbContext db,
    IPracticeMemberStore members,
    AdminScope scope,
    AuditTrail audit,
    AuditActors actors,
    ILockoutStore lockouts,
    SessionManager sessions,
    RecoveryService recovery,
    PasswordExpiryExtensions extensions,
    PlatformProvisioning provisioning,
    PracticeInvitations invitations,
    IOptions<SignpostOptions> options,
    TimeProvider time,
    Core.Mfa.ISecondFactorStore secondFactors,
    Core.Email.IEmailOutbox outbox)
{
    /// <summary>The audit reason when a practice admin's session was admitted by another practice's rules, not this one's.</summary>
    public const string NotAdmittedReason = "The session was not admitted by the sign-in rules of this organization (network allow-list, single sign-on); sign in through its own page.";

    /// <summary>The practice named by <paramref name="slug"/> when the signed-in person administers it; otherwise null, and the refusal is audited.</summary>
    /// <param name="slug">As given in the URL (anything: it is checked before it is looked up).</param>
    /// <param name="attempted">The act, for the audit entry of a refusal.</param>
    /// <param name="cancellationToken">Stops the lookup.</param>
    public async Task<Organization?> OpenAsync(string? slug, string attempted, CancellationToken cancellationToken)
    {
        var normalized = slug?.Trim().ToLowerInvariant();
        var organization = AccountRules.IsValidSlug(normalized)
            ? await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Slug == normalized, cancellationToken)
            : null;
        if (organization is not null && await scope.CanAdministerAsync(organization.Id, cancellationToken))
        {
            return organization;
        }

        await scope.RefuseAsync(attempted, "organization", slug, organization?.Id,
            organization is null ? "No organization has this slug."
            : await scope.IsAdminThroughAnotherPracticeAsync(organization.Id, cancellationToken) ? NotAdmittedReason
            : "The signed-in person does not administer this organization.", cancellationToken);
        return null;
    }

    /// <summary>
    /// A person of the practice, tracked, with memberships and their organizations; null (and an audited
    /// refusal) when <paramref name="accountId"/> is malformed or not an active member of <paramref name="organization"/>.
    /// </summary>
    public async Task<Account?> FindMemberAsync(Organization organization, string? accountId, string attempted, CancellationToken cancellationToken)
    {
        Account? account = null;
        if (Guid.TryParse(accountId, out var id))
        {
            account = await db.Accounts.Include(a => a.Memberships).ThenInclude(m => m.Organization)
                .FirstOrDefaultAsync(a => a.Id == id && a.Memberships.Any(m => m.OrganizationId == organization.Id && m.Status == MembershipStatus.Active), cancellationToken);
        }

        if (account is null)
        {
            await scope.RefuseAsync(attempted, "account", accountId, organization.Id,
                Guid.TryParse(accountId, out _) ? "The account is not a member of this organization (or does not exist)." : "The account ID is not a GUID.", cancellationToken);
        }

        return account;
    }

    /// <summary>Sets the person's roles in this practice (at least one; taking the last one away is "remove").</summary>
    public Task<AdminResult> ChangeRolesAsync(Organization organization, Guid accountId, int version, PracticeRoles roles, CancellationToken cancellationToken) =>
        ActAsync(organization, accountId, version, "membership.roles", cancellationToken, (account, membership) =>
        {
            if ((roles & ~AllRoles) != 0)
            {
                return Task.FromResult(Refuse(AdminResult.Invalid("roles", "Roles are PracticeAdmin, Staff and Provider.")));
            }

            if (roles == PracticeRoles.None)
            {
                return Task.FromResult(Refuse(AdminResult.Invalid("roles",
                    "Choose at least one role (PracticeAdmin, Staff or Provider). To take away all access, remove the person from the practice.")));
            }

            return Guard(organization, account, membership, losesAdmin: !roles.HasFlag(PracticeRoles.PracticeAdmin),
                selfAct: roles.HasFlag(PracticeRoles.PracticeAdmin) ? null : "take away your own administrator role", async () =>
            {
                if (membership.Roles == roles)
                {
                    return $"{account.DisplayName} already has the roles {Describe(roles)}.";
                }

                var was = membership.Roles;
                membership.Roles = roles;
                await Task.CompletedTask;
                return $"{account.DisplayName}'s roles changed from {Describe(was)} to {Describe(roles)}.";
            }, cancellationToken);
        });

    /// <summary>Disables the account and ends its sessions (docs/design.md §7). Only when every practice of the person is the caller's.</summary>
    public Task<AdminResult> DisableAsync(Organization organization, Guid accountId, int version, CancellationToken cancellationToken) =>
        ActAsync(organization, accountId, version, "account.disable", cancellationToken, async (account, membership) =>
        {
            if (account.Status == AccountStatus.Disabled)
            {
                return Refuse(AdminResult.Refused($"{account.DisplayName} is already disabled."));
            }

            if (await AccountWideRefusalAsync(account, "disable", cancellationToken) is { } refusal)
            {
                return Refuse(refusal);
            }

            return await Guard(organization, account, membership, losesAdmin: true, selfAct: "disable your own account", async () =>
            {
                account.Status = AccountStatus.Disabled;
                await sessions.EndAllAsync(account.Id, null, "account disabled by a practice administrator", cancellationToken);
                return $"{account.DisplayName} is disabled and signed out everywhere.";
            }, cancellationToken);
        });

    /// <summary>Enables a disabled account: active again, or pending when it never had a password.</summary>
    public Task<AdminResult> EnableAsync(Organization organization, Guid accountId, int version, CancellationToken cancellationToken) =>
        ActAsync(organization, accountId, version, "account.enable", cancellationToken, async (account, _) =>
        {
            if (account.Status != AccountStatus.Disabled)
            {
                return Refuse(AdminResult.Refused($"{account.DisplayName} is not disabled."));
            }

            if (await AccountWideRefusalAsync(account, "enable", cancellationToken) is { } refusal)
            {
                return Refuse(refusal);
            }

            return Act(() =>
            {
                account.Status = account.PasswordHash is null ? AccountStatus.PendingActivation : AccountStatus.Active;
                return Task.FromResult($"{account.DisplayName} is enabled{(account.Status == AccountStatus.PendingActivation ? " (still waiting for activation)" : "")}.");
            });
        });

    /// <summary>Clears every lock and failure count of the person (as <c>signpost users unlock</c> does).</summary>
    public Task<AdminResult> UnlockAsync(Organization organization, Guid accountId, int version, CancellationToken cancellationToken) =>
        ActAsync(organization, accountId, version, "account.unlock", cancellationToken, (account, _) => Task.FromResult(Act(async () =>
        {
            var locked = await lockouts.UnlockAllAsync(account.Id, time.GetUtcNow(), cancellationToken);
            return locked > 0 ? $"{account.DisplayName} is unlocked ({locked} lock(s) cleared)." : $"{account.DisplayName} was not locked; failure counts are cleared.";
        })));

    /// <summary>
    /// Force a password reset: the next sign-in must choose a new password, every session ends, and a reset
    /// link goes to the person's own email. For a person who never activated, the invitation is sent again.
    /// </summary>
    public async Task<AdminResult> ForceResetAsync(Organization organization, Guid accountId, int version, CancellationToken cancellationToken)
    {
        Account? target = null;
        var purpose = ActionTokenPurpose.PasswordReset;
        var result = await ActAsync(organization, accountId, version, "account.force-reset", cancellationToken, async (account, membership) =>
        {
            target = account;
            if (account.Status == AccountStatus.Disabled)
            {
                return Refuse(AdminResult.Refused($"{account.DisplayName} is disabled; enable the account before resetting its password."));
            }

            if (await AccountWideRefusalAsync(account, "reset the password of", cancellationToken) is { } refusal)
            {
                return Refuse(refusal);
            }

            if (account.Status == AccountStatus.PendingActivation)
            {
                purpose = ActionTokenPurpose.Activation;
                return Act(() => Task.FromResult($"{account.DisplayName} has not activated yet: the invitation is sent again."));
            }

            return await Guard(organization, account, membership, losesAdmin: false, selfAct: "force a reset of your own password (change it on the password page)", async () =>
            {
                account.MustChangePassword = true;
                await sessions.EndAllAsync(account.Id, null, "password reset forced by a practice administrator", cancellationToken);
                return $"{account.DisplayName} must choose a new password at the next sign-in and is signed out everywhere.";
            }, cancellationToken);
        });

        if (!result.Succeeded || target is null)
        {
            return result;
        }

        // The email leaves after the commit: a mail server that is down must not undo the reset itself.
        var sent = await SendLinkAsync(organization, target, purpose, cancellationToken);
        return result with { Message = $"{result.Message} {sent}" };
    }

    /// <summary>Grants a personal password-expiry extension (docs/design.md §7), replacing any earlier one.</summary>
    public Task<AdminResult> ExtendExpiryAsync(Organization organization, Guid accountId, int version, int days, CancellationToken cancellationToken)
    {
        if (!PasswordExpiryExtensions.IsValidDays(days))
        {
            return Task.FromResult(AdminResult.Invalid("days", $"The extension must be a whole number of days from {PasswordExpiryExtensions.MinDays} to {PasswordExpiryExtensions.MaxDays}."));
        }

        return ActAsync(organization, accountId, version, "password.expiry-extension", cancellationToken, (account, _) => Task.FromResult(Act(async () =>
        {
            var granted = await extensions.GrantAsync(account.Id, days, cancellationToken);
            account.PasswordExpiryExtensionDays = days;
            return granted.ExpiresAt is { } at
                ? $"{account.DisplayName}'s password now expires on {at.UtcDateTime:yyyy-MM-dd} (UTC){(granted.StillExpired ? ", which is still past: the next sign-in asks for a new password" : "")}."
                : $"Password expiry is off for {account.DisplayName}'s practices; the {days}-day extension applies if it is turned on.";
        })));
    }

    /// <summary>Removes the person from this practice; their account and other practices stay. A person left with no practice is signed out.</summary>
    public Task<AdminResult> RemoveAsync(Organization organization, Guid accountId, int version, CancellationToken cancellationToken) =>
        ActAsync(organization, accountId, version, "membership.remove", cancellationToken, (account, membership) =>
            Guard(organization, account, membership, losesAdmin: true, selfAct: "remove yourself from the practice", async () =>
            {
                membership.Status = MembershipStatus.Removed;
                if (!account.Memberships.Any(m => m.GivesAccess))
                {
                    await sessions.EndAllAsync(account.Id, null, "removed from the last practice", cancellationToken);
                }

                return $"{account.DisplayName} is removed from {organization.Name}.";
            }, cancellationToken));

    /// <summary>Moves the person to another practice with the same roles. Needs rights in both (or a platform admin).</summary>
    public async Task<AdminResult> ReassignAsync(Organization organization, Guid accountId, int version, string? toSlug, CancellationToken cancellationToken)
    {
        var normalized = toSlug?.Trim().ToLowerInvariant();
        if (!AccountRules.IsValidSlug(normalized))
        {
            return AdminResult.Invalid("to", "Name the practice to move the person to by its slug (lowercase letters, digits and hyphens).");
        }

        var destination = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Slug == normalized, cancellationToken);
        if (destination is null || !await scope.CanAdministerAsync(destination.Id, cancellationToken))
        {
            // The same answer whether the practice exists or not: a guess confirms nothing.
            await scope.RefuseAsync("membership.reassign", "organization", toSlug, destination?.Id,
                destination is null ? "No organization has this slug." : "The signed-in person does not administer the destination organization.", cancellationToken);
            return AdminResult.Refused($"You do not administer a practice '{normalized}'. Moving a person needs administrator rights in both practices.");
        }

        if (destination.Id == organization.Id)
        {
            return AdminResult.Invalid("to", "The person is already in this practice; choose another one.");
        }

        return await ActAsync(organization, accountId, version, "membership.reassign", cancellationToken, async (account, membership) =>
        {
            if (account.PlatformRoles != PlatformRoles.None)
            {
                return Refuse(AdminResult.Refused($"{account.DisplayName} is payer staff, who never join a practice (docs/security.md)."));
            }

            var there = account.Memberships.FirstOrDefault(m => m.OrganizationId == destination.Id);
            if (there is { Status: MembershipStatus.Active })
            {
                return Refuse(AdminResult.Refused($"{account.DisplayName} is already a member of {destination.Name}; remove them from this practice instead."));
            }

            return await Guard(organization, account, membership, losesAdmin: true, selfAct: "move yourself to another practice", async () =>
            {
                if (there is null)
                {
                    members.AddMembership(account, new Membership { AccountId = account.Id, OrganizationId = destination.Id, Roles = membership.Roles, CreatedAt = time.GetUtcNow() });
                }
                else
                {
                    there.Status = MembershipStatus.Active;
                    there.Roles = membership.Roles;
                }

                membership.Status = MembershipStatus.Removed;
                await Task.CompletedTask;
                return $"{account.DisplayName} moved from {organization.Name} to {destination.Name} as {Describe(membership.Roles)}.";
            }, cancellationToken);
        }, alsoAuditIn: destination.Id);
    }

    /// <summary>Every role a practice administrator can give.</summary>
    public const PracticeRoles AllRoles = PracticeRoles.PracticeAdmin | PracticeRoles.Staff | PracticeRoles.Provider;

    internal static string Describe(PracticeRoles roles) => roles.ToString().Replace(", ", " + ", StringComparison.Ordinal);
}
