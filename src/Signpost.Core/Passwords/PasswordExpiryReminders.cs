using System.Globalization;
using System.Text;
using Signpost.Core.Accounts;
using Signpost.Core.Email;
using Signpost.Core.Notifications;
using Signpost.Core.Organizations;

namespace Signpost.Core.Passwords;

/// <summary>A reminder that is due: which threshold, when the password expires, and how many days are left.</summary>
/// <param name="ThresholdDays">14, 7 or 1: the reminder's name, part of its once-only key.</param>
/// <param name="ExpiresAt">When the password expires.</param>
/// <param name="DaysLeft">Whole days left, rounded up (see <see cref="PasswordExpiry.DaysLeft"/>).</param>
public sealed record ExpiryReminderDue(int ThresholdDays, DateTimeOffset ExpiresAt, int DaysLeft);

/// <summary>
/// Emails people whose practice turned password expiry on (docs/design.md §7) 14, 7 and 1 days before their
/// password expires. Only the nearest threshold reached is sent: expiry turned on 5 days before the
/// deadline sends the 7-day reminder, never the 14-day one as well. Each threshold goes at most once per
/// password — the key is account, the instant the password's age counts from, and threshold — so runs
/// on several nodes, repeated runs and later policy edits never repeat one, and a new password starts afresh.
/// </summary>
public sealed class PasswordExpiryReminders(IPasswordExpiryDirectory directory, IAccountStore accounts, OnceOnlySender sender, TimeProvider time)
{
    /// <summary>Days before expiry at which a reminder is due, nearest last.</summary>
    public static readonly IReadOnlyList<int> ThresholdDays = [14, 7, 1];

    /// <summary>How many days ahead the home page shows the expiry: from the first reminder on.</summary>
    public const int NoticeDays = 14;

    /// <summary>The signed-in page where a person changes their own password.</summary>
    public const string ChangePath = "/account/password";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string NotificationKey(Guid accountId, DateTimeOffset countedFrom, int thresholdDays) =>
        string.Create(Invariant, $"password-expiry/{accountId:N}/{countedFrom.ToUnixTimeMilliseconds()}/{thresholdDays}d");

    /// <summary>
    /// The reminder due at <paramref name="now"/>, or null: expiry off, already expired (sign-in takes over),
    /// more than 14 days left, or an account that cannot or need not act on it (not active, flagged for
    /// review, or already required to choose a new password at its next sign-in).
    /// </summary>
    public static ExpiryReminderDue? Due(Account account, IEnumerable<Organization> organizations, DateTimeOffset now)
    {
        if (account.Status != AccountStatus.Active || account.Flagged || account.MustChangePassword || account.PasswordHash is null)
        {
            return null;
        }

        if (PasswordExpiry.ExpiresAt(account, organizations) is not { } expiresAt || now >= expiresAt)
        {
            return null;
        }

        foreach (var threshold in ThresholdDays.Order())
        {
            if (now >= expiresAt.AddDays(-threshold))
            {
                return new ExpiryReminderDue(threshold, expiresAt, PasswordExpiry.DaysLeft(expiresAt, now));
            }
        }

        return null;
    }

    /// <summary>What the home page says: when the password expires, if that is within <see cref="NoticeDays"/> and not past.</summary>
    public static (DateTimeOffset ExpiresAt, int DaysLeft)? Upcoming(Account account, IEnumerable<Organization> organizations, DateTimeOffset now) =>
        PasswordExpiry.ExpiresAt(account, organizations) is { } expiresAt && now < expiresAt && expiresAt - now <= TimeSpan.FromDays(NoticeDays)
            ? (expiresAt, PasswordExpiry.DaysLeft(expiresAt, now))
            : null;

    /// <summary>Sends the reminders due now; returns what happened to each, for the log.</summary>
    public async Task<IReadOnlyList<NotificationOutcome>> RunAsync(string publicBaseUrl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var outcomes = new List<NotificationOutcome>();
        foreach (var account in await directory.ListAccountsWithExpiryAsync(cancellationToken))
        {
            var organizations = PasswordExpiry.OrganizationsOf(account);
            if (Due(account, organizations, now) is not { } due)
            {
                continue;
            }

            var key = NotificationKey(account.Id, PasswordExpiry.CountedFrom(account), due.ThresholdDays);
            var outcome = await sender.SendAsync(
                key,
                Compose(account, organizations, due, publicBaseUrl),
                async ct => await accounts.FindByIdAsync(account.Id, ct) is { } current
                    && PasswordExpiry.CountedFrom(current) == PasswordExpiry.CountedFrom(account)
                    && Due(current, PasswordExpiry.OrganizationsOf(current), now)?.ThresholdDays == due.ThresholdDays,
                cancellationToken);
            outcomes.Add(outcome);
            if (outcome is { Status: NotificationStatus.Failed, ServerUnavailable: true })
            {
                // The mail server is down: every further message would wait for the same failure. Next run.
                break;
            }
        }

        return outcomes;
    }

    /// <summary>
    /// The reminder, plain text: when (UTC), which practice asks for it, how to change the password, and
    /// that an extension can be arranged. The link is built from the configured public base URL, never
    /// from a request, and signs nobody in: it opens the change page, behind the usual sign-in.
    /// </summary>
    public static EmailMessage Compose(Account account, IEnumerable<Organization> organizations, ExpiryReminderDue due, string publicBaseUrl)
    {
        var strictest = organizations.Where(o => o.Policy.PasswordExpiryDays is not null).ToList();
        var policyDays = strictest.Count == 0 ? 0 : strictest.Min(o => o.Policy.PasswordExpiryDays!.Value);
        var practices = string.Join(" and ", strictest.Where(o => o.Policy.PasswordExpiryDays == policyDays)
            .Select(o => o.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var inDays = InDays(due.DaysLeft);

        var text = new StringBuilder();
        text.AppendLine(Invariant, $"Hello {account.DisplayName},").AppendLine();
        text.AppendLine(Invariant, $"Your provider portal password expires on {Utc(due.ExpiresAt)}, {inDays}.");
        if (practices.Length > 0)
        {
            text.AppendLine(Invariant, $"{practices} asks for a new password every {policyDays} days.");
        }

        text.AppendLine();
        text.AppendLine("To change it now:");
        text.AppendLine(Invariant, $"  1. Open {ChangeLink(publicBaseUrl)} (sign in first if you are asked to).");
        text.AppendLine("  2. Enter your current password, then the new one twice. A long phrase you can remember works well,");
        text.AppendLine("     and your password manager may fill it in.").AppendLine();
        text.AppendLine("If the date passes first, your next sign-in asks for your current password and a new one before it");
        text.AppendLine("lets you in. Nothing else changes and nothing is lost.").AppendLine();
        text.AppendLine("Need more time? Ask a practice administrator: they can have an extension granted to you.").AppendLine();
        text.AppendLine("Signpost never asks for your password by email; change it only on the page above.");
        text.AppendLine(Invariant, $"You receive this because your account ({account.Username}) belongs to {(practices.Length > 0 ? practices : "a practice")}.");

        var subject = $"Your provider portal password expires {inDays}";
        return new EmailMessage([new EmailAddress(account.Email, account.DisplayName)], subject, text.ToString());
    }

    /// <summary>The change page: the configured base URL, never a request's Host header.</summary>
    public static string ChangeLink(string publicBaseUrl) => publicBaseUrl.TrimEnd('/') + ChangePath;

    /// <summary>"Mon 16 Mar 2026 at 09:00 UTC".</summary>
    public static string Utc(DateTimeOffset instant) => string.Create(Invariant, $"{instant.UtcDateTime:ddd d MMM yyyy 'at' HH:mm} UTC");

    /// <summary>"in 1 day", "in 14 days".</summary>
    public static string InDays(int days) => string.Create(Invariant, $"in {days} {(days == 1 ? "day" : "days")}");
}
