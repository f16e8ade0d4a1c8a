using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Audit;
using Signpost.Core.Email;
using Signpost.Core.Organizations;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Admin;

/// <summary>The machinery every act shares: find, check the version, apply the rules, change, audit, commit.</summary>
public sealed partial class PracticeAdministration
{
    /// <summary>What an act decided after reading the person: refused (and why), or the change to make.</summary>
    private sealed record Step(AdminResult? Refusal, Func<Task<string>>? Change);

    private static Step Refuse(AdminResult refusal) => new(refusal, null);

    private static Step Act(Func<Task<string>> change) => new(null, change);

    /// <summary>
    /// Loads the person through this practice's membership, refuses a stale version, lets
    /// <paramref name="decide"/> apply the act's rules, then makes the change, raises the version and
    /// appends the audit entry in one transaction (<see cref="IPracticeMemberStore.TryChangeAsync"/>). A concurrent
    /// change that wins the race between the read and the write is caught by the concurrency token and answered
    /// like any stale version.
    /// </summary>
    private async Task<AdminResult> ActAsync(
        Organization organization, Guid accountId, int version, string action, CancellationToken cancellationToken,
        Func<Account, Membership, Task<Step>> decide, Guid? alsoAuditIn = null)
    {
        var account = await LoadAsync(accountId, cancellationToken);
        var membership = account?.Memberships.FirstOrDefault(m => m.OrganizationId == organization.Id && m.Status == MembershipStatus.Active);
        if (account is null || membership is null)
        {
            await scope.RefuseAsync(action, "account", accountId.ToString(), organization.Id,
                "The account is not a member of this organization (or does not exist).", cancellationToken);
            return AdminResult.NotFound();
        }

        if (account.Version != version)
        {
            return await StaleAsync(organization, account, version, cancellationToken);
        }

        var before = AccountAuditView.Of(account);
        var step = await decide(account, membership);
        if (step.Refusal is { } refusal)
        {
            return refusal with { AccountId = account.Id, Version = account.Version };
        }

        var message = await members.TryChangeAsync(account, _ => step.Change!(), async ct =>
        {
            var after = AccountAuditView.Of(account);
            await audit.RecordAsync(actors.Current, new AuditRecord(action, "account", account.Id.ToString(), organization.Id, before, after), ct);
            if (alsoAuditIn is { } other)
            {
                await audit.RecordAsync(actors.Current, new AuditRecord(action, "account", account.Id.ToString(), other, before, after), ct);
            }
        }, cancellationToken);
        if (message is null)
        {
            var fresh = await LoadAsync(accountId, cancellationToken);
            return fresh is null ? AdminResult.NotFound() : await StaleAsync(organization, fresh, version, cancellationToken);
        }

        return new AdminResult(AdminOutcome.Done, message) { AccountId = account.Id, Version = account.Version };
    }

    /// <summary>
    /// The rules that keep a practice administrable: nobody removes, demotes or disables the practice's
    /// last active administrator, and nobody does to themselves what would lock them out of the console.
    /// </summary>
    private async Task<Step> Guard(
        Organization organization, Account account, Membership membership, bool losesAdmin, string? selfAct, Func<Task<string>> change, CancellationToken cancellationToken)
    {
        if (selfAct is not null && scope.AccountId == account.Id)
        {
            return Refuse(AdminResult.Refused($"You cannot {selfAct} here: that would lock you out. Ask another administrator of {organization.Name}."));
        }

        if (losesAdmin && membership.Roles.HasFlag(PracticeRoles.PracticeAdmin) && account.Status == AccountStatus.Active
            && !await db.Memberships.AnyAsync(
                m => m.OrganizationId == organization.Id && m.AccountId != account.Id && m.Status == MembershipStatus.Active
                    && (m.Roles & PracticeRoles.PracticeAdmin) != 0
                    && db.Accounts.Any(a => a.Id == m.AccountId && a.Status == AccountStatus.Active),
                cancellationToken))
        {
            return Refuse(AdminResult.Refused(
                $"{account.DisplayName} is the last active administrator of {organization.Name}: make someone else an administrator first, so the practice is never left without one."));
        }

        return Act(change);
    }

    /// <summary>
    /// Acts on the whole account (not only this practice's membership) are for the person's own
    /// administrators: refused when they are payer staff or belong to a practice the caller does not run.
    /// </summary>
    private async Task<AdminResult?> AccountWideRefusalAsync(Account account, string verb, CancellationToken cancellationToken)
    {
        if (scope.IsPlatformAdmin)
        {
            return null;
        }

        if (account.PlatformRoles != PlatformRoles.None)
        {
            return AdminResult.Refused($"{account.DisplayName} is payer staff; only a platform administrator can {verb} their account.");
        }

        foreach (var other in account.Memberships.Where(m => m.Status == MembershipStatus.Active))
        {
            if (!await scope.CanAdministerAsync(other.OrganizationId, cancellationToken))
            {
                return AdminResult.Refused(
                    $"{account.DisplayName} also works for a practice you do not administer, so you cannot {verb} the whole account. Remove them from your practice instead, or ask payer support.");
            }
        }

        return null;
    }

    /// <summary>"Someone else changed this user after you opened the page: what changed. Review and try again."</summary>
    private async Task<AdminResult> StaleAsync(Organization organization, Account account, int version, CancellationToken cancellationToken)
    {
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.TargetType == "account" && e.TargetId == account.Id.ToString() && e.Action != AdminScope.RefusalAction)
            .OrderByDescending(e => e.Sequence).Take(20).ToListAsync(cancellationToken);
        var changes = entries
            .Where(e => VersionOf(e.After) > version && (e.OrganizationId is null || e.OrganizationId == organization.Id))
            .GroupBy(e => e.TraceId ?? e.Sequence.ToString(CultureInfo.InvariantCulture)).Select(g => g.First())
            .OrderBy(e => e.Sequence)
            .Select(e => $"{AuditActionWords.Describe(e.Action)} by {AuditActionWords.ActorName(e.Actor)} at {e.At.UtcDateTime:HH:mm} UTC")
            .ToList();
        var what = changes.Count > 0 ? string.Join("; ", changes) : "their record was changed elsewhere";
        return new AdminResult(AdminOutcome.Stale, $"Someone else changed this user after you opened the page: {what}. Review and try again.")
        {
            AccountId = account.Id,
            Version = account.Version,
        };
    }

    private static int VersionOf(string? json)
    {
        if (json is null)
        {
            return -1;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(nameof(Account.Version), out var value) && value.TryGetInt32(out var v) ? v : -1;
        }
        catch (JsonException)
        {
            return -1;
        }
    }

    private Task<Account?> LoadAsync(Guid accountId, CancellationToken cancellationToken) =>
        members.FindForChangeAsync(accountId, cancellationToken);

    /// <summary>Emails a reset or activation link; the act stands when the mail server refuses, and the sentence says so.</summary>
    private async Task<string> SendLinkAsync(Organization organization, Account account, ActionTokenPurpose purpose, CancellationToken cancellationToken)
    {
        var what = purpose == ActionTokenPurpose.Activation ? "An activation link" : "A password reset link";
        try
        {
            var expires = await recovery.SendLinkAsync(account, purpose, $"A practice administrator of {organization.Name}",
                actors.Current.TraceId ?? TraceIds.New(), options.Value.PublicBaseUrl, cancellationToken);
            return $"{what} was emailed to {account.Email}, valid until {expires.UtcDateTime:yyyy-MM-dd HH:mm} UTC.";
        }
        catch (EmailDeliveryException)
        {
            return $"{what} could not be emailed (the mail server did not accept it); no link is left behind. Try again later.";
        }
    }
}
