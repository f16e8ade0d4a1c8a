using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Audit;
using Signpost.Core.Email;
using Signpost.Core.Organizations;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Admin;

/// <summary>
/// Inviting people (docs/security.md, "Adding an existing person"): a new email gets a pending account and an
/// activation link; an email that already has an account gets an invitation the person accepts or declines
/// (<see cref="PracticeInvitations"/>). Both answer with the same sentence, so the answer never says whether
/// the email has an account anywhere.
/// </summary>
public sealed partial class PracticeAdministration
{
    /// <summary>
    /// Invites a person by email. A new email: a pending account with a membership of this practice, and the
    /// activation link by email (the activation page sets the password). An email that has an account: an
    /// invitation to join, which the person accepts through an emailed link — never a second account, and never
    /// a membership without their consent; payer staff are never invited. The answer is
    /// <see cref="AdminOutcome.Invited"/> with the same sentence either way.
    /// </summary>
    public async Task<AdminResult> InviteAsync(Organization organization, InviteRequest request, CancellationToken cancellationToken)
    {
        if (CheckEmail(request.Email) is { } badEmail)
        {
            return badEmail;
        }

        // Every check of the typed values runs before the email is looked up, so a bad value is answered the
        // same whether or not the email has an account.
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

        var email = request.Email!.Trim();
        var existing = await db.Accounts.Include(a => a.Memberships).ThenInclude(m => m.Organization)
            .FirstOrDefaultAsync(a => a.NormalizedEmail == Account.Normalize(email), cancellationToken);
        if (existing is not null)
        {
            return await OfferAsync(organization, existing, email, request.Roles, cancellationToken);
        }

        if (npi is not null && await db.Accounts.AnyAsync(a => a.Npi == npi, cancellationToken))
        {
            return AdminResult.Invalid("npi", $"The NPI {npi} belongs to another account.");
        }

        var created = await provisioning.CreateAccountAsync(organization.Slug, username!, email, displayName, npi, request.Roles, PlatformRoles.None, null, cancellationToken);
        if (created.Value is not { } account)
        {
            // Someone took the username, email or NPI between the checks above and the insert.
            return AdminResult.Invalid("email", created.Message);
        }

        var sent = await SendLinkAsync(organization, account, ActionTokenPurpose.Activation, cancellationToken);
        await audit.RecordAsync(actors.Current, new AuditRecord("account.invite", "account", account.Id.ToString(), organization.Id, null,
            new { account.Email, Roles = request.Roles.ToString(), LinkSent = sent, account.Version }), cancellationToken);
        return Invited(organization, email, request.Roles, sent.StartsWith("An activation link was emailed", StringComparison.Ordinal));
    }

    /// <summary>
    /// "Add a person who already has an account", by email: an invitation the person accepts. The answer is
    /// the same whether the email has an account, has one held by payer staff, or has none (then nothing is
    /// sent: invite them as a new person).
    /// </summary>
    public async Task<AdminResult> AddExistingAsync(Organization organization, string? email, PracticeRoles roles, CancellationToken cancellationToken)
    {
        if ((CheckEmail(email) ?? CheckRoles(roles)) is { } bad)
        {
            return bad;
        }

        var typed = email!.Trim();
        var account = await db.Accounts.Include(a => a.Memberships).ThenInclude(m => m.Organization)
            .FirstOrDefaultAsync(a => a.NormalizedEmail == Account.Normalize(typed), cancellationToken);
        if (account is null)
        {
            await audit.RecordAsync(actors.Current, new AuditRecord("membership.invite", "email", null, organization.Id, null,
                new { Roles = roles.ToString(), Sent = false, Why = "No account has this email." }), cancellationToken);
            return Invited(organization, typed, roles, sent: true);
        }

        return await OfferAsync(organization, account, typed, roles, cancellationToken);
    }

    /// <summary>
    /// Invites a person the caller already administers elsewhere (one of their other practices), by account
    /// ID. An ID of anyone else is answered like a missing one and the attempt is audited: an ID taken from
    /// another practice must not let an admin pull that person into their own. Even then it is an invitation:
    /// the person accepts it.
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
        return account is null ? AdminResult.NotFound() : await OfferAsync(organization, account, account.Email, roles, cancellationToken);
    }

    private async Task<AdminResult> OfferAsync(Organization organization, Account account, string typedEmail, PracticeRoles roles, CancellationToken cancellationToken)
    {
        try
        {
            // False for payer staff: refused and audited inside, answered here exactly like a sent invitation.
            await invitations.OfferAsync(organization, account, roles, cancellationToken);
            return Invited(organization, typedEmail, roles, sent: true);
        }
        catch (EmailDeliveryException)
        {
            return Invited(organization, typedEmail, roles, sent: false);
        }
        catch (DbUpdateConcurrencyException)
        {
            members.Forget(account);
            return new AdminResult(AdminOutcome.Stale, "Someone else changed this person at the same moment. Review and try again.");
        }
    }

    /// <summary>The one answer to every invitation, new email or known: it must not tell them apart.</summary>
    private static AdminResult Invited(Organization organization, string email, PracticeRoles roles, bool sent) =>
        new(AdminOutcome.Invited, sent
            ? $"An invitation to join {organization.Name} as {Describe(roles)} is on its way to {email}. The person gets access once they follow the link in it."
            : $"The invitation to {email} could not be emailed (the mail server did not accept it). Try again later.");

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
