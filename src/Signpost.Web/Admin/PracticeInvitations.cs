using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Email;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Admin;

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
    IInvitationStore store,
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
    /// <exception cref="DbUpdateConcurrencyException">Someone else changed the account since <paramref name="account"/> was read; nothing changed.</exception>
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
        var offered = await store.TryOfferAsync(account.Id, account.Version, organization.Id, roles, time.GetUtcNow(), ct =>
            audit.RecordAsync(actors.Current, new AuditRecord("membership.invite", "account", account.Id.ToString(), organization.Id, before,
                new { Roles = roles.ToString(), Status = MembershipStatus.Invited.ToString() }), ct), cancellationToken);
        if (!offered)
        {
            // What a tracked save of the account raises, so callers keep one way to tell a stale edit.
            throw new DbUpdateConcurrencyException($"Account {account.Id} changed since it was read.");
        }

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

        var offers = await store.ListOffersAsync(check.Account!.Id, cancellationToken);
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

        // The account as the link check read it (memberships and practices included), a moment ago.
        var before = AccountAuditView.Of(check.Account);
        var actor = new AuditActor($"invitee:{check.Account.Username}", check.Account.Id, HttpActor().ClientIp, HttpActor().TraceId);
        var joined = new List<string>();
        await store.AnswerAsync(check.Account.Id, accepted, async (account, answered, ct) =>
        {
            foreach (var membership in answered)
            {
                var accept = membership.Status == MembershipStatus.Active;
                if (accept)
                {
                    joined.Add(membership.Organization?.Name ?? "");
                }

                await audit.RecordAsync(actor, new AuditRecord(accept ? "membership.accept" : "membership.decline", "account", account.Id.ToString(), membership.OrganizationId,
                    null, new { Roles = membership.Roles.ToString(), Status = membership.Status.ToString() }), ct);
            }

            await audit.RecordAsync(actor, new AuditRecord("invitation.answer", "account", account.Id.ToString(), null, before, AccountAuditView.Of(account)), ct);
        }, cancellationToken);
        return new InvitationAnswer(null, [], joined);
    }

    private AuditActor HttpActor() => actors.Current;

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
