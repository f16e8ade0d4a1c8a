using System.Globalization;
using System.Text;
using Signpost.Core.Email;
using Signpost.Core.Notifications;

namespace Signpost.Core.CredentialAudits;

/// <summary>
/// The scheduled report to a practice's admins: the findings with their recommended actions, counts, and a
/// link to the full report in the console (behind the usual sign-in). Plain text; no per-person list in the
/// mail body beyond the usernames a finding names, so a forwarded mail carries little.
/// </summary>
public static class CredentialAuditEmails
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The once-only key: one report per practice per period, whichever node sends it.</summary>
    public static string NotificationKey(Guid organizationId, string periodName) =>
        string.Create(Invariant, $"credential-audit/{organizationId:N}/{periodName}");

    /// <summary>The report's page in the practice console; built from the configured base URL, never a request.</summary>
    public static string ReportLink(string publicBaseUrl, string slug) => $"{publicBaseUrl.TrimEnd('/')}/admin/{slug}/credential-audit";

    public static EmailMessage Compose(CredentialAuditReport report, PracticeContacts contacts, string periodName, string publicBaseUrl)
    {
        var facts = report.Facts;
        var text = new StringBuilder();
        text.AppendLine(Invariant, $"Credential audit for {facts.Name}, {periodName}").AppendLine();
        text.AppendLine(Invariant, $"Generated {report.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC. People with access: {report.Rows.Count}; active admins: {report.ActiveAdmins}.");
        text.AppendLine(Invariant, $"Role changes from {facts.PeriodStart.UtcDateTime:yyyy-MM-dd} to {facts.PeriodEnd.UtcDateTime.AddDays(-1):yyyy-MM-dd}: {facts.RoleChanges.Count}.").AppendLine();
        if (report.Findings.Count == 0)
        {
            text.AppendLine("No findings: nothing needs your attention this period.");
        }
        else
        {
            text.AppendLine("Findings:");
            foreach (var finding in report.Findings)
            {
                text.AppendLine(Invariant, $"- [{finding.Severity.ToString().ToUpperInvariant()}] {finding.Finding}");
                if (finding.Usernames.Count > 0)
                {
                    var shown = string.Join(", ", finding.Usernames.Take(10));
                    text.AppendLine(Invariant, $"  Who: {shown}{(finding.Usernames.Count > 10 ? $" and {finding.Usernames.Count - 10} more" : "")}");
                }

                text.AppendLine(Invariant, $"  Recommended: {finding.RecommendedAction}");
            }
        }

        text.AppendLine();
        text.AppendLine(Invariant, $"The full report, with every person and a CSV download: {ReportLink(publicBaseUrl, facts.Slug)}");
        text.AppendLine("You receive this because you are a practice admin. Signpost never asks for your password by email.");
        var subject = report.Findings.Any(f => f.Severity == FindingSeverity.Critical)
            ? $"Credential audit {periodName} for {facts.Name}: action needed"
            : $"Credential audit {periodName} for {facts.Name}: {report.Findings.Count} finding(s)";
        return new EmailMessage(contacts.Admins, subject, text.ToString());
    }
}
