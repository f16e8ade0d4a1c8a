using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Audit;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;
using Signpost.Data;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Platform;

/// <summary>
/// Creating organizations and accounts, an organization's policy and its network ranges, with the same rules
/// from the command line, the platform console, a practice admin's invitation and first run.
/// </summary>
/// <remarks>
/// Every change is appended to the audit trail in the same transaction (<see cref="IPlatformStore"/>): no act
/// without its entry. The checks before it read the DbContext. A value that
/// cannot be stored, a taken name or a missing organization is an <see cref="AdminResult"/>, never an exception.
/// </remarks>
public sealed class PlatformProvisioning(SignpostDbContext db, IPlatformStore store, PasswordHashing hashing, PasswordPolicy policy, AuditTrail audit, AuditActors actors, TimeProvider time)
{
    public async Task<AdminResult<Organization>> CreateOrganizationAsync(string slug, string name, string? taxId, string? timeZone, CancellationToken cancellationToken)
    {
        slug = slug.Trim().ToLowerInvariant();
        if (!AccountRules.IsValidSlug(slug))
        {
            return AdminResult.Invalid("slug", $"'{slug}' is not a valid slug: use 1–64 lowercase letters, digits and inner hyphens.");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            return AdminResult.Invalid("name", "The organization name must be 1–200 characters.");
        }

        if (taxId is not null && !AccountRules.IsValidTaxId(taxId))
        {
            return AdminResult.Invalid("taxId", "The TIN must be nine digits, without dashes.");
        }

        timeZone ??= "America/New_York";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            return AdminResult.Invalid("timeZone", $"'{timeZone}' is not a known IANA time zone (for example America/Chicago).");
        }

        if (await db.Organizations.AnyAsync(o => o.Slug == slug, cancellationToken))
        {
            return AdminResult.Conflict($"An organization with slug '{slug}' already exists.");
        }

        var organization = new Organization { Slug = slug, Name = name.Trim(), TaxId = taxId, TimeZone = timeZone, CreatedAt = time.GetUtcNow() };
        await store.AddOrganizationAsync(organization, ct => audit.RecordAsync(actors.Current, new AuditRecord("organization.create", "organization",
            organization.Id.ToString(), organization.Id, null, new { organization.Slug, organization.Name, organization.TaxId, organization.TimeZone }), ct), cancellationToken);
        return organization;
    }

    /// <summary>Creates an account; with a password it is active, without one it waits for activation.</summary>
    public async Task<AdminResult<Account>> CreateAccountAsync(
        string? organizationSlug, string username, string email, string displayName, string? npi,
        PracticeRoles roles, PlatformRoles platformRoles, string? password, CancellationToken cancellationToken)
    {
        if (!AccountRules.IsValidUsername(username))
        {
            return AdminResult.Invalid("username", $"'{username}' is not a valid username: 3–64 letters, digits, '.', '_' or '-', with at least one letter.");
        }

        if (!AccountRules.IsValidEmail(email))
        {
            return AdminResult.Invalid("email", $"'{email}' is not a valid email address.");
        }

        if (npi is not null && !Npi.IsValid(npi))
        {
            return AdminResult.Invalid("npi", $"'{npi}' is not a valid NPI: ten digits with a correct check digit.");
        }

        Organization? organization = null;
        if (organizationSlug is not null)
        {
            organization = await db.Organizations.FirstOrDefaultAsync(o => o.Slug == organizationSlug.ToLowerInvariant(), cancellationToken);
            if (organization is null)
            {
                return NoOrganization(organizationSlug);
            }
        }

        var account = new Account
        {
            Username = username,
            NormalizedUsername = Account.Normalize(username),
            Email = email.Trim(),
            NormalizedEmail = Account.Normalize(email),
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? username : displayName.Trim(),
            Npi = npi,
            PlatformRoles = platformRoles,
            CreatedAt = time.GetUtcNow(),
        };
        if (await db.Accounts.AnyAsync(a => a.NormalizedUsername == account.NormalizedUsername, cancellationToken))
        {
            return AdminResult.Conflict($"The username '{username}' is taken.");
        }

        if (await db.Accounts.AnyAsync(a => a.NormalizedEmail == account.NormalizedEmail, cancellationToken))
        {
            return AdminResult.Conflict($"The email '{email}' belongs to another account.");
        }

        if (npi is not null && await db.Accounts.AnyAsync(a => a.Npi == npi, cancellationToken))
        {
            return AdminResult.Conflict($"The NPI {npi} belongs to another account.");
        }

        if (password is not null)
        {
            var verdict = await policy.CheckAsync(password, new PasswordContext(account, organization is null ? [] : [organization.Name]), cancellationToken);
            if (!verdict.Accepted)
            {
                return AdminResult.Invalid("password", "Password not accepted: " + string.Join(" ", verdict.Messages));
            }

            account.PasswordHash = hashing.Hash(password);
            account.PasswordChangedAt = account.CreatedAt;
            account.Status = AccountStatus.Active;
        }

        if (organization is not null)
        {
            account.Memberships.Add(new Membership { AccountId = account.Id, OrganizationId = organization.Id, Roles = roles, CreatedAt = account.CreatedAt });
        }

        await store.AddAccountAsync(account, ct => audit.RecordAsync(actors.Current, new AuditRecord("account.create", "account", account.Id.ToString(), organization?.Id,
            null, AccountAuditView.Of(account)), ct), cancellationToken);
        return account;
    }

    /// <summary>Changes an organization's policy; the whole new policy is validated before anything is stored.</summary>
    public async Task<AdminResult<OrganizationPolicy>> UpdatePolicyAsync(string slug, Action<OrganizationPolicy> change, CancellationToken cancellationToken)
    {
        if (await FindOrganizationAsync(slug, cancellationToken) is not { } organization)
        {
            return NoOrganization(slug);
        }

        var before = System.Text.Json.JsonSerializer.SerializeToElement(organization.Policy);
        change(organization.Policy);
        var problems = organization.Policy.Validate();
        if (problems.Count > 0)
        {
            return AdminResult.Invalid(problems);
        }

        await store.SaveOrganizationAsync(organization, policyChanged: true, ct => audit.RecordAsync(actors.Current, new AuditRecord("organization.policy", "organization",
            organization.Id.ToString(), organization.Id, before, organization.Policy), ct), cancellationToken);
        return organization.Policy;
    }

    /// <summary>Declares a network range with a label; <paramref name="allowed"/> says whether it is on the allow-list.</summary>
    public async Task<AdminResult<NetworkRange>> AddNetworkRangeAsync(string slug, string cidr, string label, bool allowed, CancellationToken cancellationToken)
    {
        if (!System.Net.IPNetwork.TryParse(cidr, out var network))
        {
            return AdminResult.Invalid("cidr", $"'{cidr}' is not a network in CIDR notation (for example 203.0.113.0/24).");
        }

        if (string.IsNullOrWhiteSpace(label) || label.Length > 64)
        {
            return AdminResult.Invalid("label", "The label must be 1–64 characters (for example LAN or VPN egress).");
        }

        if (await FindOrganizationAsync(slug, cancellationToken) is not { } organization)
        {
            return NoOrganization(slug);
        }

        var before = organization.NetworkRanges.Select(r => new { r.Cidr, r.Label, r.Allowed }).ToList();
        var range = new NetworkRange { Cidr = network.ToString(), Label = label.Trim(), Allowed = allowed };
        organization.NetworkRanges = [.. organization.NetworkRanges.Where(r => r.Cidr != range.Cidr), range];
        await store.SaveOrganizationAsync(organization, policyChanged: false, ct => audit.RecordAsync(actors.Current, new AuditRecord("organization.network", "organization",
            organization.Id.ToString(), organization.Id, before, organization.NetworkRanges.Select(r => new { r.Cidr, r.Label, r.Allowed }).ToList()), ct), cancellationToken);
        return range;
    }

    private Task<Organization?> FindOrganizationAsync(string slug, CancellationToken cancellationToken) =>
        store.FindOrganizationForChangeAsync(slug.Trim().ToLowerInvariant(), cancellationToken);

    internal static AdminResult NoOrganization(string slug) => AdminResult.NotFound($"No organization has slug '{slug}'.");

    public Task<Account?> FindAccountAsync(string identifier, CancellationToken cancellationToken)
    {
        var key = Account.Normalize(identifier);
        return db.Accounts.Include(a => a.Memberships).FirstOrDefaultAsync(
            a => a.NormalizedUsername == key || a.NormalizedEmail == key || a.Npi == key, cancellationToken);
    }
}
