using System.Globalization;
using System.Text;

namespace Signpost.Core.CredentialAudits;

/// <summary>
/// The report's rows as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line
/// break quoted, quotes doubled). A cell starting with <c>= + - @</c> (or a tab or carriage return) gets a
/// leading apostrophe, so a spreadsheet never runs a display name as a formula (OWASP "CSV injection").
/// The file is UTF-8 with a byte-order mark (<see cref="Encode"/>): without it Excel reads the bytes as the
/// system's ANSI code page and "Zoë Núñez" comes out as "ZoÃ« NÃºÃ±ez".
/// </summary>
public static class CredentialAuditCsv
{
    public static readonly IReadOnlyList<string> Header =
    [
        "username", "display_name", "email", "status", "roles", "last_sign_in_utc", "days_since_sign_in", "password_changed_utc",
        "password_age_days", "mfa", "inactive", "locked", "invitation_pending_days", "password_past_expiry", "findings",
    ];

    /// <summary>The file's bytes: the UTF-8 byte-order mark (EF BB BF), then <see cref="Write"/>'s text in UTF-8.</summary>
    public static byte[] Encode(CredentialAuditReport report)
    {
        var preamble = Encoding.UTF8.GetPreamble();
        var text = Write(report);
        var bytes = new byte[preamble.Length + Encoding.UTF8.GetByteCount(text)];
        preamble.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(text, 0, text.Length, bytes, preamble.Length);
        return bytes;
    }

    public static string Write(CredentialAuditReport report)
    {
        var text = new StringBuilder();
        Line(text, Header);
        foreach (var row in report.Rows)
        {
            var m = row.Member;
            Line(text,
            [
                m.Username, m.DisplayName, m.Email, m.Status.ToString(), row.RoleNames, Utc(m.LastSignInAt), Number(row.DaysSinceSignIn),
                Utc(m.PasswordChangedAt), Number(row.PasswordAgeDays), row.Mfa, YesNo(row.Inactive), YesNo(row.Locked),
                Number(row.InvitationPendingDays), YesNo(row.PasswordPastExpiry), string.Join(" ", row.Findings),
            ]);
        }

        return text.ToString();
    }

    /// <summary>One field, neutralised against formula injection and quoted where RFC 4180 requires.</summary>
    public static string Field(string? value)
    {
        var cell = value ?? "";
        if (cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            cell = "'" + cell;
        }

        return cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }

    private static void Line(StringBuilder text, IEnumerable<string?> fields) =>
        text.Append(string.Join(',', fields.Select(Field))).Append("\r\n");

    private static string Utc(DateTimeOffset? instant) =>
        instant is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string YesNo(bool value) => value ? "yes" : "no";
}
