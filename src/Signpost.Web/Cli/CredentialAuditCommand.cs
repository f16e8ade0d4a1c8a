using System.CommandLine;
using System.Globalization;
using Signpost.Core.CredentialAudits;
using Signpost.Web.CredentialAudits;
using Signpost.Web.Infrastructure;
using Signpost.Web.Queries;

namespace Signpost.Web.Cli;

/// <summary>
/// <c>signpost audit credentials --org S [--csv FILE] [--days N]</c>: the practice's credential audit now,
/// findings on standard output, every person as a table or as CSV. A progress bar on a terminal while a
/// large practice is read.
/// </summary>
public static class CredentialAuditCommand
{
    public static Command Build()
    {
        var org = new Option<string>("--org") { Description = "Slug of the practice.", Required = true };
        var csv = new Option<string?>("--csv") { Description = "Write every person as CSV (RFC 4180) to this file." };
        var days = new Option<int>("--days") { Description = "Days of role changes to list (1–3650).", DefaultValueFactory = _ => CredentialAuditService.DefaultDays };
        var command = new Command("credentials", "Run a practice's credential audit: roles, admins, last sign-ins, password ages, locks, pending invitations, role changes.") { org, csv, days };
        command.SetAction((result, ct) => AdminCommands.ReadAsync(async (services, ct2) =>
        {
            var period = result.GetValue(days);
            if (period is < 1 or > CredentialAuditService.MaxDays)
            {
                throw new CommandRefusedException($"--days must be between 1 and {CredentialAuditService.MaxDays}.");
            }

            var slug = result.GetValue(org)!.Trim().ToLowerInvariant();
            var queries = services.GetRequiredService<CliQueries>();
            var organization = await queries.FindOrganizationAsync(slug, ct2)
                ?? throw new CommandRefusedException($"No organization has slug '{slug}'.");
            var members = await queries.CountActiveMembersAsync(organization.Id, ct2);
            var report = await AuditCommands.WithProgressAsync($"Reading {members:N0} members of {organization.Name}", members,
                async progress => await services.GetRequiredService<CredentialAuditService>()
                    .RunAsync(organization.Id, period, new IntProgress(progress), ct2))
                ?? throw new CommandRefusedException($"No organization has slug '{slug}'.");

            Write(report, period);
            if (result.GetValue(csv) is { } path)
            {
                await File.WriteAllBytesAsync(path, CredentialAuditCsv.Encode(report), ct2);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {report.Rows.Count} people to {path}."));
            }
        }, ct));
        return command;
    }

    private static void Write(CredentialAuditReport report, int days)
    {
        var i = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(i, $"Credential audit of {report.Facts.Name} ({report.Facts.Slug}), {report.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC"));
        Console.WriteLine(string.Create(i, $"people: {report.Rows.Count}; active admins: {report.ActiveAdmins}; role changes in the last {days} days: {report.Facts.RoleChanges.Count}"));
        Console.WriteLine();
        if (report.Findings.Count == 0)
        {
            Console.WriteLine("No findings.");
        }

        foreach (var finding in report.Findings)
        {
            Console.WriteLine(string.Create(i, $"{finding.Severity.ToString().ToUpperInvariant(),-8} {finding.Code}: {finding.Finding}"));
            if (finding.Usernames.Count > 0)
            {
                Console.WriteLine($"         who: {string.Join(", ", finding.Usernames)}");
            }

            Console.WriteLine($"         recommended: {finding.RecommendedAction}");
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(i, $"{"username",-24} {"status",-18} {"roles",-28} {"last sign-in",-12} {"pw age",-7} {"locked",-6} mfa"));
        foreach (var row in report.Rows)
        {
            var status = row.InvitationPendingDays is { } pending ? string.Create(i, $"invited {pending}d ago") : row.Member.Status.ToString();
            var last = row.Member.LastSignInAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd", i) : "never";
            var age = row.PasswordAgeDays is { } a ? string.Create(i, $"{a}d") : "-";
            Console.WriteLine(string.Create(i, $"{row.Member.Username,-24} {status,-18} {row.RoleNames,-28} {last,-12} {age,-7} {(row.Locked ? "yes" : "no"),-6} {row.Mfa}"));
        }
    }

    private sealed class IntProgress(IProgress<long> inner) : IProgress<int>
    {
        public void Report(int value) => inner.Report(value);
    }
}
