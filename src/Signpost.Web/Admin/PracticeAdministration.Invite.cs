using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Organizations;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;
using Signpost.Web.Setup;

namespace Signpost.Web.Admin;

/// <summary>Inviting people: a new person gets a pending account and an activation link; a known email becomes an offer, never a second account.</summary>
public sealed partial class PracticeAdministration
{
    /// <summary>
    /// Invites a new person: a pending account with a membership of this practice, and the activation link
    /// by email (the recovery issue's link; the activation page sets the password). When the email already
    /// has an account the answer is <see cref="AdminOutcome.AccountExists"/> with an offer to add that
    /// person instead (<see cref="AddExistingAsync(Organization, string, PracticeRoles, CancellationToken)"/>).
    /// </summary>
    public async Task<AdminResult> InviteAsync(Organization organization, InviteRequest request, CancellationToken cancellationToken)
    {
        if (CheckEmail(request.Email) is { } badEmail)
        {
            return badEmail;
        }

        var email = request.Email!.Trim();
        var existing = await db.Accounts.AsNoTracking().Include(a => a.Memberships)
            .FirstOrDefaultAsync(a => a.NormalizedEmail == Account.Normalize(email), cancellationToken);
        if (existing is not null)
        {
            var member = existing.Memberships.Any(m => m.OrganizationId == organization.Id && m.Status == MembershipStatus.Active);
            return new AdminResult(AdminOutcome.AccountExists, member
                ? $"{existing.DisplayName} already has an account with this email and is already a member of {organization.Name}."
                : $"{existing.DisplayName} already has an account with this email. Add them to {organization.Name} instead of inviting them again.")
            {
                AccountId = member ? existing.Id : null,
                Existing = new ExistingAccountOffer(existing.DisplayName, existing.Email, member),
            };
        }

        if (CheckRoles(request.Roles) is { } badRoles)
        {
            return badRoles;
        }

        var username = request.Username?.Trim();
        if (!AccountRules.IsValidUsername(username))
        {
            return AdminResult.Invalid("username", "The username (provider ID) must be 3–64 letters, digits, '.', '_' or '-', with at least one letter.");
        }

        if (await db.Accounts.AnyAsync(a => a.NormalizedUsername == Account.Normalize(username!), cancellationToken))
        {
            return AdminResult.Invalid("username", $"The username '{username}' is taken; choose another.");
        }

        var displayName = request.DisplayName?.Trim();
        if (string.IsNullOrEmpty(displayName) || displayName.Length > 200)
        {
            return AdminResult.Invalid("displayName", "The name must be 1–200 characters.");
        }

        var npi = string.IsNullOrWhiteSpace(request.Npi) ? null : request.Npi.Trim();
        if (npi is not null && !Npi.IsValid(npi))
        {
            return AdminResult.Invalid("npi", "An NPI is ten digits with a correct check digit; leave it empty when the person has none.");
        }

        if (npi is not null && await db.Accounts.AnyAsync(a => a.Npi == npi, cancellationToken))
        {
            return AdminResult.Invalid("npi", $"The NPI {npi} belongs to another account.");
        }

        Account account;
        try
        {
            account = await administration.CreateAccountAsync(organization.Slug, username!, email, displayName, npi, request.Roles, PlatformRoles.None, null, cancellationToken);
        }
        catch (AdministrationException ex)
        {
            // Someone took the username, email or NPI between the checks above and the insert.
            return AdminResult.Invalid("email", ex.Message);
        }

        var sent = await SendLinkAsync(organization, account, ActionTokenPurpose.Activation, cancellationToken);
        await audit.RecordAsync(actors.Current, new AuditRecord("account.invite", "account", account.Id.ToString(), organization.Id, null,
            new { account.Email, Roles = request.Roles.ToString(), LinkSent = sent, account.Version }), cancellationToken);
        return new AdminResult(AdminOutcome.Done, $"{account.DisplayName} is invited as {Describe(request.Roles)}. {sent}") { AccountId = account.Id, Version = account.Version };
    }

    /// <summary>The second step of an invitation to a known email: adds that person to this practice (or back to it).</summary>
    /// <remarks>The person is named by email, as typed in the invitation, never by an account ID a form could swap.</remarks>
    public async Task<AdminResult> AddExistingAsync(Organization organization, string? email, PracticeRoles roles, CancellationToken cancellationToken)
    {
        if ((CheckEmail(email) ?? CheckRoles(roles)) is { } bad)
        {
            return bad;
        }

        var account = await db.Accounts.Include(a => a.Memberships).ThenInclude(m => m.Organization)
            .FirstOrDefaultAsync(a => a.NormalizedEmail == Account.Normalize(email!), cancellationToken);
        return account is null
            ? AdminResult.Invalid("email", "No account has this email; invite the person instead.")
            : await AddAsync(organization, account, roles, cancellationToken);
    }

    /// <summary>
    /// Adds a person the caller already administers elsewhere (one of their other practices) by account ID.
    /// An ID of anyone else is answered like a missing one and the attempt is audited: an ID taken from
    /// another practice must not let an admin pull that person into their own.
    /// </summary>
    public async Task<AdminResult> AddExistingAsync(Organization organization, Guid accountId, PracticeRoles roles, CancellationToken cancellationToken)
    {
        if (CheckRoles(roles) is { } bad)
        {
            return bad;
        }

        if (!await scope.CanAdministerAccountAsync(accountId, cancellationToken))
        {
            await scope.RefuseAsync("membership.add", "account", accountId.ToString(), organization.Id,
                "The account is not administered by the signed-in person (or does not exist).", cancellationToken);
            return AdminResult.NotFound();
        }

        var account = await LoadAsync(accountId, cancellationToken);
        return account is null ? AdminResult.NotFound() : await AddAsync(organization, account, roles, cancellationToken);
    }

    private async Task<AdminResult> AddAsync(Organization organization, Account account, PracticeRoles roles, CancellationToken cancellationToken)
    {
        var membership = account.Memberships.FirstOrDefault(m => m.OrganizationId == organization.Id);
        if (membership is { Status: MembershipStatus.Active })
        {
            return AdminResult.Refused($"{account.DisplayName} is already a member of {organization.Name}.") with { AccountId = account.Id, Version = account.Version };
        }

        var before = AccountAuditView.Of(account);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (membership is null)
        {
            AddMembership(account, new Membership { AccountId = account.Id, OrganizationId = organization.Id, Roles = roles, CreatedAt = time.GetUtcNow() });
        }
        else
        {
            membership.Status = MembershipStatus.Active;
            membership.Roles = roles;
        }

        account.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await transaction.RollbackAsync(cancellationToken);
            Forget(account);
            return new AdminResult(AdminOutcome.Stale, "Someone else changed this person at the same moment. Review and try again.");
        }

        await audit.RecordAsync(actors.Current, new AuditRecord("membership.add", "account", account.Id.ToString(), organization.Id, before, AccountAuditView.Of(account)), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new AdminResult(AdminOutcome.Done, $"{account.DisplayName} is added to {organization.Name} as {Describe(roles)}.") { AccountId = account.Id, Version = account.Version };
    }

    private static AdminResult? CheckEmail(string? email)
    {
        var trimmed = email?.Trim();
        return string.IsNullOrEmpty(trimmed) || trimmed.Length > 254 || !AccountRules.IsValidEmail(trimmed)
            ? AdminResult.Invalid("email", "Enter a valid email address of at most 254 characters, for example front.desk@clinic.example.")
            : null;
    }

    private static AdminResult? CheckRoles(PracticeRoles roles) =>
        (roles & ~AllRoles) != 0 ? AdminResult.Invalid("roles", "Roles are PracticeAdmin, Staff and Provider.")
        : roles == PracticeRoles.None ? AdminResult.Invalid("roles", "Choose at least one role: PracticeAdmin, Staff or Provider.")
        : null;
}
