using System.Globalization;
using Signpost.Core.Accounts;

namespace Signpost.Core.CredentialAudits;

/// <summary>
/// The seed's quarterly checks of roles, password policies and entitlements, as a pure function of the facts
/// and the instant: a row per person and a finding for each thing a practice admin should act on, each with a
/// severity, a plain sentence and a recommended action. No I/O, so every finding is tested at its boundary.
/// </summary>
/// <remarks>
/// MFA does not exist yet: the rows say so in their MFA column and no finding is raised about it, so the
/// report does not nag practices about something they cannot turn on.
/// </remarks>
public static class CredentialAuditBuilder
{
    public const string NoActiveAdmin = "no_active_admin";
    public const string AdminsInactive = "admins_inactive";
    public const string TooManyAdmins = "too_many_admins";
    public const string InactiveAccounts = "inactive_accounts";
    public const string InvitationsOverdue = "invitations_overdue";
    public const string PasswordsPastExpiry = "passwords_past_expiry";
    public const string LockedNow = "locked_now";
    public const string RoleChanges = "role_changes";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static CredentialAuditReport Build(CredentialAuditFacts facts, CredentialAuditThresholds thresholds, DateTimeOffset now)
    {
        var expiryDays = facts.Policy.PasswordExpiryDays;
        var judged = facts.Members
            .OrderBy(m => m.Username, StringComparer.OrdinalIgnoreCase)
            .Select(m => new
            {
                Member = m,
                DaysSinceSignIn = m.LastSignInAt is { } last ? WholeDays(now - last) : (int?)null,
                PasswordAgeDays = m.PasswordChangedAt is { } changed ? WholeDays(now - changed) : (int?)null,
                Inactive = m.Status == AccountStatus.Active && now - (m.LastSignInAt ?? m.CreatedAt) >= TimeSpan.FromDays(thresholds.InactiveDays),
                Locked = m.LockedUntil is { } until && until > now,
                InvitationDays = m.Status == AccountStatus.PendingActivation ? WholeDays(now - m.CreatedAt) : (int?)null,
                InvitationOverdue = m.Status == AccountStatus.PendingActivation && now - m.CreatedAt >= TimeSpan.FromDays(thresholds.InvitationPendingDays),
                PastExpiry = expiryDays is { } days && m.Status == AccountStatus.Active && m.PasswordChangedAt is { } set
                    && now >= set + TimeSpan.FromDays(days + Math.Max(0, m.PasswordExpiryExtensionDays)),
            })
            .ToList();

        var findings = new List<CredentialAuditFinding>();
        var named = new Dictionary<Guid, List<string>>();
        void Add(string code, FindingSeverity severity, string finding, string action, IEnumerable<AuditedMember> who)
        {
            var people = who.ToList();
            foreach (var person in people)
            {
                if (!named.TryGetValue(person.AccountId, out var codes))
                {
                    named[person.AccountId] = codes = [];
                }

                codes.Add(code);
            }

            findings.Add(new CredentialAuditFinding(code, severity, finding, action, people.Select(p => p.Username).ToList()));
        }

        var activeAdmins = judged.Where(j => j.Member.IsAdmin && j.Member.Status == AccountStatus.Active).ToList();
        if (activeAdmins.Count == 0)
        {
            Add(NoActiveAdmin, FindingSeverity.Critical,
                $"{facts.Name} has no active practice admin, so nobody in the practice can unlock, invite or remove its users.",
                "Ask the payer's platform operators to make a trusted staff member a practice admin.", []);
        }

        var idleAdmins = activeAdmins.Where(j => j.Inactive).Select(j => j.Member).ToList();
        if (idleAdmins.Count > 0)
        {
            Add(AdminsInactive, FindingSeverity.Warning,
                $"{Count(idleAdmins.Count, "admin has", "admins have")} not signed in for {thresholds.InactiveDays}+ days.",
                "Review whether they still need admin rights; remove the role, or disable the account of someone who left.", idleAdmins);
        }

        if (activeAdmins.Count > thresholds.MaxAdmins)
        {
            Add(TooManyAdmins, FindingSeverity.Warning,
                string.Create(Invariant, $"{activeAdmins.Count} people hold admin rights; more than {thresholds.MaxAdmins} is more than a practice usually needs."),
                "Keep admin rights to the few people who manage users; give the others the Staff role.", activeAdmins.Select(j => j.Member));
        }

        var idle = judged.Where(j => j.Inactive && !j.Member.IsAdmin).Select(j => j.Member).ToList();
        if (idle.Count > 0)
        {
            Add(InactiveAccounts, FindingSeverity.Warning,
                $"{Count(idle.Count, "account has", "accounts have")} not signed in for {thresholds.InactiveDays}+ days.",
                "Disable the accounts of people who left or no longer use the portal.", idle);
        }

        var overdue = judged.Where(j => j.InvitationOverdue).Select(j => j.Member).ToList();
        if (overdue.Count > 0)
        {
            Add(InvitationsOverdue, FindingSeverity.Warning,
                $"{Count(overdue.Count, "invitation has", "invitations have")} been pending for {thresholds.InvitationPendingDays}+ days.",
                "Resend the invitation if the person still needs access; otherwise remove the account.", overdue);
        }

        var expired = judged.Where(j => j.PastExpiry).Select(j => j.Member).ToList();
        if (expired.Count > 0)
        {
            Add(PasswordsPastExpiry, FindingSeverity.Warning,
                $"{Count(expired.Count, "password is", "passwords are")} older than the practice's {expiryDays}-day expiry policy.",
                "Those people must choose a new password at their next sign-in; disable any account that is no longer used.", expired);
        }

        var locked = judged.Where(j => j.Locked).Select(j => j.Member).ToList();
        if (locked.Count > 0)
        {
            Add(LockedNow, FindingSeverity.Warning,
                $"{Count(locked.Count, "account is", "accounts are")} locked now after failed sign-in attempts.",
                "Confirm with each person that the attempts were theirs; if not, reset the password and tell payer support.", locked);
        }

        if (facts.RoleChanges.Count > 0)
        {
            Add(RoleChanges, FindingSeverity.Info,
                $"{Count(facts.RoleChanges.Count, "change", "changes")} to people and roles in the period.",
                "Confirm each change was requested by the practice; undo and report any that was not.", []);
        }

        var rows = judged.Select(j => new CredentialAuditRow(j.Member, j.DaysSinceSignIn, j.PasswordAgeDays, j.Inactive, j.Locked, j.InvitationDays,
            j.PastExpiry, named.TryGetValue(j.Member.AccountId, out var codes) ? codes : [])).ToList();
        var ordered = findings.Select((f, i) => (f, i)).OrderByDescending(x => x.f.Severity).ThenBy(x => x.i).Select(x => x.f).ToList();
        return new CredentialAuditReport(facts, now, thresholds, rows, ordered);
    }

    private static int WholeDays(TimeSpan span) => span <= TimeSpan.Zero ? 0 : (int)Math.Floor(span.TotalDays);

    private static string Count(int n, string one, string many) => string.Create(Invariant, $"{n} {(n == 1 ? one : many)}");
}
