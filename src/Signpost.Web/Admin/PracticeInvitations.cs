using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Email;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Tokens;
using Signpost.Data;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Admin;

/// <summary>One practice's offer to a person, as the person reads it on the invitation page.</summary>
public sealed record InvitationOffer(Guid MembershipId, string PracticeName, PracticeRoles Roles, DateTimeOffset InvitedAt);

/// <summary>What opening or answering an invitation link found.</summary>
/// <param name="Reason">Null while the link is good; otherwise why it cannot be used (invalid, expired, used).</param>
/// <param name="Offers">The practices waiting for the person's answer.</param>
/// <param name="Joined">After an answer: the practices joined.</param>
public sealed record InvitationAnswer(Reason? Reason, IReadOnlyList<InvitationOffer> Offers, IReadOnlyList<string> Joined);

/// <summary>
/// A person who already has an account joins a practice only by accepting an invitation (docs/security.md,
/// "Adding an existing person"). The practice administrator's act creates an <see cref="MembershipStatus.Invited"/>
/// membership, which gives no access, and emails the person a single-use link (<see cref="LinkTokens"/>,
/// purpose <see cref="ActionTokenPurpose.Invitation"/>); on the link's page the person accepts or declines
/// each practice waiting for them. Accounts holding a platform role are never invited and can never accept.
/// </summary>
/// <remarks>
/// A newer link voids the older one (the link rule of every purpose), so the page lists every invitation
/// still waiting, not only the newest: nobody loses an offer because a second practice invited them.
/// </remarks>
public sealed class PracticeInvitations(
    SignpostDbContext db,
    LinkTokens links,
    IEmailSender email,
    AuditTrail audit,
    AuditActors actors,
    IOptions<SignpostOptions> options,
    TimeProvider time)
{
    /// <summary>How long an invitation link stays good.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>The page that opens an invitation link.</summary>
    public const string PagePath = "/invitation";

    /// <summary>
    /// Offers <paramref name="account"/> (tracked, with memberships) a place in <paramref name="organization"/>
    /// and emails the link. Nothing when the person already is an active member. Refuses (false) an account
    /// with a platform role: the caller answers exactly as if the invitation went out, and the attempt is audited.
    /// </summary>
    /// <exception cref="EmailDeliveryException">The email was not accepted; the link is withdrawn, the offer stays until re-sent.</exception>
    public async Task<bool> OfferAsync(Organization organization, Account account, PracticeRoles roles, CancellationToken cancellationToken)
    {
        if (account.PlatformRoles != PlatformRoles.None)
        {
            await audit.RecordAsync(actors.Current, new AuditRecord(AdminScope.RefusalAction, "account", account.Id.ToString(), organization.Id, null,
                new { attempted = "membership.invite", reason = "The account holds a platform role; payer staff never join a practice." }), cancellationToken);
            return false;
        }

        var membership = account.Memberships.FirstOrDefault(m => m.OrganizationId == organization.Id);
        if (membership is { Status: MembershipStatus.Active })
        {
            return true;
        }

        var before = AccountAuditView.Of(account);
        if (membership is null)
        {
            db.Memberships.Add(new Membership
            {
                AccountId = account.Id, OrganizationId = organization.Id, Roles = roles, Status = MembershipStatus.Invited, CreatedAt = time.GetUtcNow(),
            });
        }
        else
        {
            membership.Status = MembershipStatus.Invited;
            membership.Roles = roles;
            membership.CreatedAt = time.GetUtcNow();
        }

        account.Version++;
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(actors.Current, new AuditRecord("membership.invite", "account", account.Id.ToString(), organization.Id, before,
            new { Roles = roles.ToString(), Status = MembershipStatus.Invited.ToString() }), cancellationToken);

        var (raw, token) = await links.IssueAsync(account, ActionTokenPurpose.Invitation, Lifetime, cancellationToken);
        try
        {
            await email.SendAsync(Message(organization, account, raw, token.ExpiresAt), cancellationToken);
        }
        catch (EmailDeliveryException)
        {
            await links.WithdrawAsync(token, cancellationToken);
            throw;
        }

        return true;
    }

    /// <summary>Reads a link without using it: the offers waiting, or why the link is no good.</summary>
    public async Task<InvitationAnswer> OpenAsync(string? raw, CancellationToken cancellationToken)
    {
        var check = await links.CheckAsync(raw, ActionTokenPurpose.Invitation, cancellationToken);
        if (!check.IsValid)
        {
            return new InvitationAnswer(check.Reason ?? ReasonCatalogue.Get(ReasonCodes.ResetLinkInvalid), [], []);
        }

        var offers = await OffersAsync(check.Account!.Id, cancellationToken);
        return offers.Count == 0 || check.Account.PlatformRoles != PlatformRoles.None
            ? new InvitationAnswer(ReasonCatalogue.Get(ReasonCodes.ResetLinkUsed), [], [])
            : new InvitationAnswer(null, offers, []);
    }

    /// <summary>
    /// The person's answer: every waiting offer named in <paramref name="accepted"/> becomes an active
    /// membership, every other one is declined. The link is used once, whatever the answer.
    /// </summary>
    public async Task<InvitationAnswer> AnswerAsync(string? raw, IReadOnlyCollection<Guid> accepted, CancellationToken cancellationToken)
    {
        var check = await links.CheckAsync(raw, ActionTokenPurpose.Invitation, cancellationToken);
        if (!check.IsValid || check.Account!.PlatformRoles != PlatformRoles.None)
        {
            return new InvitationAnswer(check.Reason ?? ReasonCatalogue.Get(ReasonCodes.ResetLinkUsed), [], []);
        }

        if (!await links.TryUseAsync(check.Token!, cancellationToken))
        {
            return new InvitationAnswer(ReasonCatalogue.Get(ReasonCodes.ResetLinkUsed), [], []);
        }

        var account = await db.Accounts.Include(a => a.Memberships).ThenInclude(m => m.Organization)
            .FirstAsync(a => a.Id == check.Account.Id, cancellationToken);
        var before = AccountAuditView.Of(account);
        var joined = new List<string>();
        var actor = new AuditActor($"invitee:{account.Username}", account.Id, HttpActor().ClientIp, HttpActor().TraceId);
        foreach (var membership in account.Memberships.Where(m => m.Status == MembershipStatus.Invited).ToList())
        {
            var accept = accepted.Contains(membership.Id);
            membership.Status = accept ? MembershipStatus.Active : MembershipStatus.Removed;
            if (accept)
            {
                joined.Add(membership.Organization?.Name ?? "");
            }

            await audit.RecordAsync(actor, new AuditRecord(accept ? "membership.accept" : "membership.decline", "account", account.Id.ToString(), membership.OrganizationId,
                null, new { Roles = membership.Roles.ToString(), Status = membership.Status.ToString() }), cancellationToken);
        }

        account.Version++;
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(actor, new AuditRecord("invitation.answer", "account", account.Id.ToString(), null, before, AccountAuditView.Of(account)), cancellationToken);
        return new InvitationAnswer(null, [], joined);
    }

    private AuditActor HttpActor() => actors.Current;

    private async Task<IReadOnlyList<InvitationOffer>> OffersAsync(Guid accountId, CancellationToken cancellationToken) =>
        await db.Memberships.AsNoTracking().Where(m => m.AccountId == accountId && m.Status == MembershipStatus.Invited)
            .OrderBy(m => m.Organization!.Name)
            .Select(m => new InvitationOffer(m.Id, m.Organization!.Name, m.Roles, m.CreatedAt))
            .ToListAsync(cancellationToken);

    private EmailMessage Message(Organization organization, Account account, string raw, DateTimeOffset expires)
    {
        var link = $"{options.Value.PublicBaseUrl.TrimEnd('/')}{PagePath}?token={raw}";
        var text = $"""
            Hello {account.DisplayName},

            An administrator of {organization.Name} invited you to join the practice on its sign-in service.
            Nothing changes until you accept. To see the invitation and accept or decline it, open:

            {link}

            The link works once and until {expires.UtcDateTime:yyyy-MM-dd HH:mm} UTC.
            If you do not know {organization.Name}, ignore this email or decline: they get no access to your account.
            """;
        return new EmailMessage([new EmailAddress(account.Email, account.DisplayName)], $"Invitation to join {organization.Name}", text);
    }
}
