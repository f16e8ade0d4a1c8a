using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Audit;
using Signpost.Core.Organizations;
using Signpost.Web.Infrastructure;
using Signpost.Web.Queries;

namespace Signpost.Web.Platform;

/// <summary>One organization in the platform list, with how many people it has.</summary>
public sealed record OrganizationSummary(Guid Id, string Slug, string Name, int Members, int Admins, DateTimeOffset CreatedAt);

/// <summary>A person holding a platform role.</summary>
public sealed record PlatformPerson(Guid Id, string Username, string Email, string DisplayName, PlatformRoles Roles, AccountStatus Status);

/// <summary>The new details of an organization, as typed; validated as a whole before anything is stored.</summary>
public sealed record OrganizationDetails(string? Name, string? Address, string? TaxId, string? GroupNpis, string? TimeZone);

/// <summary>
/// The platform operator's acts beyond <see cref="PlatformProvisioning"/>: an organization's details, removing a
/// network range, granting and revoking the platform roles. Same rules as there: validate everything first,
/// then change and append the audit entry in one transaction (<see cref="IPlatformStore"/>), so there is no act
/// without its entry. Lists and checks read through <see cref="PlatformQueries"/>.
/// </summary>
public sealed class PlatformAdministration(PlatformQueries queries, IPlatformStore store, AuditTrail audit, AuditActors actors)
{
    /// <summary>Most group NPIs one organization may list; a large facility has a handful, never hundreds.</summary>
    public const int MaxGroupNpis = 50;

    /// <summary>Every organization by name, with its active members and active practice admins.</summary>
    public Task<IReadOnlyList<OrganizationSummary>> ListOrganizationsAsync(CancellationToken cancellationToken) =>
        queries.ListOrganizationsAsync(cancellationToken);

    public Task<Organization?> FindOrganizationAsync(string slug, CancellationToken cancellationToken) =>
        queries.FindOrganizationAsync(slug.Trim().ToLowerInvariant(), cancellationToken);

    /// <summary>
    /// Changes name, address, TIN, group NPIs (comma, space or line separated, each checked with
    /// <see cref="Npi"/>) and time zone. Every problem names its field; nothing is stored while any remains.
    /// </summary>
    public async Task<AdminResult<Organization>> UpdateDetailsAsync(string slug, OrganizationDetails details, CancellationToken cancellationToken)
    {
        if (await TrackedAsync(slug, cancellationToken) is not { } organization)
        {
            return PlatformProvisioning.NoOrganization(slug);
        }

        var problems = new List<PolicyProblem>();
        var name = details.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
        {
            problems.Add(new PolicyProblem(nameof(Organization.Name), "The organization name must be 1–200 characters."));
        }

        var address = string.IsNullOrWhiteSpace(details.Address) ? null : details.Address.Trim();
        if (address is { Length: > 500 })
        {
            problems.Add(new PolicyProblem(nameof(Organization.Address), "The address must be at most 500 characters."));
        }

        var taxId = string.IsNullOrWhiteSpace(details.TaxId) ? null : details.TaxId.Trim();
        if (taxId is not null && !AccountRules.IsValidTaxId(taxId))
        {
            problems.Add(new PolicyProblem(nameof(Organization.TaxId), "The TIN must be nine digits, without dashes."));
        }

        var npis = (details.GroupNpis ?? "").Split([',', ' ', '\n', '\r', '\t', ';'], StringSplitOptions.RemoveEmptyEntries)
            .Distinct(StringComparer.Ordinal).ToList();
        var bad = npis.Where(n => !Npi.IsValid(n)).ToList();
        if (bad.Count > 0)
        {
            var shown = string.Join(", ", bad.Take(3).Select(n => n.Length > 20 ? n[..20] + "…" : n));
            problems.Add(new PolicyProblem(nameof(Organization.GroupNpis), $"Not a valid NPI (ten digits with a correct check digit): {shown}."));
        }
        else if (npis.Count > MaxGroupNpis)
        {
            problems.Add(new PolicyProblem(nameof(Organization.GroupNpis), $"At most {MaxGroupNpis} group NPIs."));
        }

        var timeZone = details.TimeZone?.Trim() ?? "";
        if (timeZone.Length is 0 or > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            problems.Add(new PolicyProblem(nameof(Organization.TimeZone), "The time zone must be an IANA name such as America/Chicago."));
        }

        if (problems.Count > 0)
        {
            return AdminResult.Invalid(problems);
        }

        var before = DetailsView(organization);
        organization.Name = name;
        organization.Address = address;
        organization.TaxId = taxId;
        organization.GroupNpis = npis;
        organization.TimeZone = timeZone;
        await store.SaveOrganizationAsync(organization, policyChanged: false, ct => audit.RecordAsync(actors.Current, new AuditRecord("organization.details", "organization",
            organization.Id.ToString(), organization.Id, before, DetailsView(organization)), ct), cancellationToken);
        return organization;
    }

    /// <summary>Takes a declared range off the organization's list (the allow-list with it); not found when it was not declared.</summary>
    public async Task<AdminResult> RemoveNetworkRangeAsync(string slug, string cidr, CancellationToken cancellationToken)
    {
        if (await TrackedAsync(slug, cancellationToken) is not { } organization)
        {
            return PlatformProvisioning.NoOrganization(slug);
        }

        var key = System.Net.IPNetwork.TryParse(cidr?.Trim(), out var network) ? network.ToString() : cidr?.Trim();
        if (organization.NetworkRanges.All(r => r.Cidr != key))
        {
            return AdminResult.NotFound("That range is not declared for this organization (it may have been removed already).");
        }

        var before = organization.NetworkRanges.Select(r => new { r.Cidr, r.Label, r.Allowed }).ToList();
        organization.NetworkRanges = [.. organization.NetworkRanges.Where(r => r.Cidr != key)];
        await store.SaveOrganizationAsync(organization, policyChanged: false, ct => audit.RecordAsync(actors.Current, new AuditRecord("organization.network", "organization",
            organization.Id.ToString(), organization.Id, before, organization.NetworkRanges.Select(r => new { r.Cidr, r.Label, r.Allowed }).ToList()), ct), cancellationToken);
        return new AdminResult(AdminOutcome.Done, "Network range removed.");
    }

    /// <summary>Everyone holding a platform role, by username.</summary>
    public Task<IReadOnlyList<PlatformPerson>> ListPlatformPeopleAsync(CancellationToken cancellationToken) =>
        queries.ListPlatformPeopleAsync(cancellationToken);

    /// <summary>Gives the account (by username, email or NPI) a platform role; granting a role it holds changes nothing and writes nothing.</summary>
    public async Task<AdminResult<Account>> GrantPlatformRoleAsync(string identifier, PlatformRoles role, CancellationToken cancellationToken)
    {
        var found = await FindAccountAsync(identifier, role, cancellationToken);
        if (found.Value is not { } account)
        {
            return found;
        }

        if (account.PlatformRoles.HasFlag(role))
        {
            return account;
        }

        if (account.Status == AccountStatus.Disabled)
        {
            return AdminResult.Refused($"{account.Username} is disabled; enable the account before giving it a platform role.");
        }

        return await ChangeRolesAsync(account, account.PlatformRoles | role, "platform.grant", cancellationToken);
    }

    /// <summary>
    /// Takes a platform role away. Refuses to remove one's own PlatformAdmin role (an operator cannot lock
    /// themself out by a slip) and the last active PlatformAdmin (nobody could grant it again but the command line).
    /// </summary>
    public async Task<AdminResult<Account>> RevokePlatformRoleAsync(string identifier, PlatformRoles role, CancellationToken cancellationToken)
    {
        var found = await FindAccountAsync(identifier, role, cancellationToken);
        if (found.Value is not { } account)
        {
            return found;
        }

        if (!account.PlatformRoles.HasFlag(role))
        {
            return account;
        }

        if (role == PlatformRoles.PlatformAdmin)
        {
            if (actors.Current.AccountId == account.Id)
            {
                return AdminResult.Refused("You cannot remove your own PlatformAdmin role; ask another platform admin.");
            }

            var others = await queries.CountOtherActivePlatformAdminsAsync(account.Id, cancellationToken);
            if (others == 0)
            {
                return AdminResult.Refused($"{account.Username} is the last active platform admin; grant the role to someone else first.");
            }
        }

        return await ChangeRolesAsync(account, account.PlatformRoles & ~role, "platform.revoke", cancellationToken);
    }

    private async Task<Account> ChangeRolesAsync(Account account, PlatformRoles roles, string action, CancellationToken cancellationToken)
    {
        var before = new { PlatformRoles = account.PlatformRoles.ToString() };
        account.PlatformRoles = roles;
        await store.SaveAccountAsync(account, ct => audit.RecordAsync(actors.Current, new AuditRecord(action, "account", account.Id.ToString(), null,
            before, new { PlatformRoles = roles.ToString() }), ct), cancellationToken);
        return account;
    }

    private async Task<AdminResult<Account>> FindAccountAsync(string identifier, PlatformRoles role, CancellationToken cancellationToken)
    {
        if (role is not (PlatformRoles.SupportAgent or PlatformRoles.PlatformAdmin))
        {
            return AdminResult.Invalid("role", "The platform roles are SupportAgent and PlatformAdmin.");
        }

        var key = Account.Normalize(identifier ?? "");
        if (key.Length is 0 or > 256)
        {
            return AdminResult.Invalid("identifier", "Name the account by its username or email.");
        }

        var account = await store.FindAccountForChangeAsync(key, cancellationToken);
        return account is null ? AdminResult.NotFound($"No account has the username or email '{identifier!.Trim()}'.") : account;
    }

    private Task<Organization?> TrackedAsync(string slug, CancellationToken cancellationToken) =>
        store.FindOrganizationForChangeAsync(slug.Trim().ToLowerInvariant(), cancellationToken);

    private static object DetailsView(Organization o) => new { o.Name, o.Address, o.TaxId, GroupNpis = o.GroupNpis.ToList(), o.TimeZone };
}
