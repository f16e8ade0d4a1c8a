using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Audit;
using Signpost.Core.Email;
using Signpost.Core.Organizations;

namespace Signpost.Web.Admin;

public sealed partial class PracticeAdministration
{
    /// <summary>
    /// The identity checks the console asks for before a second factor is reset (docs/mfa.md, "Lost
    /// authenticator"): all of them, ticked by the administrator, are written to the audit entry.
    /// </summary>
    public static IReadOnlyList<(string Value, string Text)> IdentityChecks { get; } =
    [
        ("photo-id", "I saw the person, in person or on video, and checked a photo ID against their name."),
        ("call-back", "I called them back on the phone number the practice has on file, not one they gave me now."),
        ("no-recovery-codes", "They told me they have lost their authenticator and have no recovery code left."),
    ];

    /// <summary>
    /// The assisted reset of a lost authenticator: every authenticator and recovery code removed, the second-factor
    /// lock cleared, every session ended, enrolment asked at the next sign-in; audited with the identity checks the
    /// administrator ticked, and an email to the person. Own members only (<see cref="Infrastructure.AdminScope"/>); a person who
    /// also works for a practice the caller does not administer, and payer staff, are left to payer support.
    /// </summary>
    public async Task<AdminResult> ResetSecondFactorAsync(Organization organization, Guid accountId, int version, IReadOnlyCollection<string> checks, CancellationToken cancellationToken)
    {
        Account? target = null;
        var now = time.GetUtcNow();
        var result = await ActAsync(organization, accountId, version, "account.mfa-reset", cancellationToken, async (account, membership) =>
        {
            target = account;
            // Checked once the person is found: a guessed or foreign person is a 404 whatever the form says.
            var missing = IdentityChecks.Where(c => !checks.Contains(c.Value)).ToList();
            if (missing.Count > 0)
            {
                return Refuse(AdminResult.Invalid("checks", $"Confirm every identity check before resetting: {string.Join(" ", missing.Select(m => m.Text))}"));
            }

            if (await AccountWideRefusalAsync(account, "reset the two-step verification of", cancellationToken) is { } refusal)
            {
                return Refuse(refusal);
            }

            return await Guard(organization, account, membership, losesAdmin: false, selfAct: "reset your own two-step verification (manage it on your own page)", async () =>
            {
                var removed = await secondFactors.ResetAllAsync(account.Id, now, cancellationToken);
                var ended = await sessions.EndAllAsync(account.Id, null, "second factor reset by an administrator", cancellationToken);
                await audit.RecordAsync(actors.Current, new AuditRecord("mfa.reset", "account", account.Id.ToString(), organization.Id, null,
                    new { removedAuthenticators = removed, endedSessions = ended, identityChecks = IdentityChecks.Select(c => c.Value).ToList() }), cancellationToken);
                return $"{account.DisplayName}'s two-step verification is reset ({removed} authenticator(s) removed) and they are signed out everywhere; the next sign-in asks them to set up a new one.";
            }, cancellationToken);
        });

        if (!result.Succeeded || target is null)
        {
            return result;
        }

        // The email leaves after the commit: a mail server that is down must not undo the reset itself.
        try
        {
            await outbox.EnqueueAsync(ResetEmail(target, organization, now), new OutboxEntry(actors.Current.TraceId ?? "", now + TimeSpan.FromDays(2)), cancellationToken);
            return result with { Message = $"{result.Message} An email tells them." };
        }
        catch (EmailDeliveryException ex)
        {
            return result with { Message = $"{result.Message} The email to them could not be queued ({ex.Message})." };
        }
    }

    private EmailMessage ResetEmail(Account account, Organization organization, DateTimeOffset at) =>
        Core.Mfa.SecondFactorEmails.Reset(account, $"An administrator of {organization.Name}", at, options.Value.PublicBaseUrl.TrimEnd('/') + "/sign-in");
}
