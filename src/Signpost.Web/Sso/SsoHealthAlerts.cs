using System.Globalization;
using Microsoft.Extensions.Options;
using Signpost.Core.Email;
using Signpost.Core.Notifications;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Sso;

/// <summary>
/// Emails platform operators and the practice's admins when a connection fails its checks (once per
/// connection per day while it fails) or a certificate nears expiry (once per certificate expiry date),
/// through <see cref="OnceOnlySender"/> so several nodes send each alert once.
/// </summary>
public sealed class SsoHealthAlerts(OnceOnlySender sender, IPracticeAdminDirectory admins, IOptions<SsoOptions> options, IOptionsMonitor<SignpostOptions> host)
{
    public async Task<NotificationOutcome?> AlertAsync(SsoConnection connection, SsoHealthReport report, CancellationToken cancellationToken)
    {
        string key;
        string subject;
        if (report.Status == SsoHealthStatus.Failing)
        {
            key = $"sso-failing:{connection.Id}:{report.CheckedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
            subject = $"Single sign-on for {connection.Organization?.Name} is failing its checks";
        }
        else if (report.Status == SsoHealthStatus.Warning && report.EarliestExpiry is { } expiry)
        {
            key = $"sso-expiry:{connection.Id}:{expiry.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
            subject = $"A certificate of {connection.Organization?.Name}'s single sign-on expires on {expiry.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
        }
        else
        {
            return null;
        }

        var to = new List<EmailAddress>();
        if (options.Value.OperatorsEmail is { Length: > 0 } operators)
        {
            to.Add(new EmailAddress(operators, "Platform operators"));
        }

        var practice = await admins.ListAsync(connection.OrganizationId, cancellationToken);
        to.AddRange(practice.SelectMany(p => p.Admins));
        if (to.Count == 0)
        {
            return null;
        }

        var lines = report.Findings.Where(f => !f.Ok || f.Warning).Select(f => $"- {f.Check}: {f.Explanation}");
        var body = $"{subject}.\n\n{string.Join("\n", lines)}\n\nChecked at {report.CheckedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}.\n"
            + $"Connection status: {host.CurrentValue.PublicBaseUrl.TrimEnd('/')}/platform/sso/{connection.Organization?.Slug}\n";
        return await sender.SendAsync(key, new EmailMessage(to, subject, body), null, cancellationToken);
    }
}
