using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Organizations;
using Signpost.Data;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Admin;

/// <summary>One person in the practice's list.</summary>
public sealed record MemberRow(
    Guid AccountId, string DisplayName, string Username, string Email, string? Npi, AccountStatus Status, PracticeRoles Roles,
    bool MustChangePassword, DateTimeOffset? LockedUntil, int Version);

/// <summary>One entry of "recent changes", in words, with only this practice's side of it.</summary>
public sealed record ChangeView(long Sequence, DateTimeOffset At, string Actor, string Action, string What, string? TargetId, string? TraceId, string? ClientIp);

/// <summary>Which people to list: a search over name, username, email and NPI, a status and a role.</summary>
public sealed record MemberFilter(string? Query, string? Status, string? Role)
{
    public const int MaxQueryLength = 100;
}

/// <summary>
/// What the practice console reads: the people, their recent sign-in outcomes, recent changes from the
/// audit trail. Takes an organization already opened through <see cref="PracticeAdministration.OpenAsync"/>,
/// and every query is bounded by that organization's memberships.
/// </summary>
public sealed class PracticeDirectory(SignpostDbContext db, ILockoutStore lockouts, TimeProvider time)
{
    public const int MaxRows = 200;

    public async Task<IReadOnlyList<MemberRow>> ListAsync(Organization organization, MemberFilter filter, CancellationToken cancellationToken)
    {
        var members = db.Memberships.AsNoTracking().Where(m => m.OrganizationId == organization.Id && m.Status == MembershipStatus.Active);
        if (Enum.TryParse<PracticeRoles>(filter.Role, ignoreCase: true, out var role) && role != PracticeRoles.None && Enum.IsDefined(role))
        {
            members = members.Where(m => (m.Roles & role) != 0);
        }

        var query = from m in members
                    join a in db.Accounts.AsNoTracking() on m.AccountId equals a.Id
                    select new { a, m.Roles };
        if (Enum.TryParse<AccountStatus>(filter.Status, ignoreCase: true, out var status) && Enum.IsDefined(status))
        {
            query = query.Where(x => x.a.Status == status);
        }

        var text = filter.Query?.Trim();
        if (!string.IsNullOrEmpty(text))
        {
            var key = (text.Length > MemberFilter.MaxQueryLength ? text[..MemberFilter.MaxQueryLength] : text).ToUpperInvariant();
            query = query.Where(x => x.a.NormalizedUsername.Contains(key) || x.a.NormalizedEmail.Contains(key)
                || x.a.DisplayName.ToUpper().Contains(key) || (x.a.Npi != null && x.a.Npi.Contains(key)));
        }

        var rows = await query.OrderBy(x => x.a.DisplayName).Take(MaxRows).ToListAsync(cancellationToken);
        var locks = (await lockouts.ListLockedAsync(time.GetUtcNow(), cancellationToken))
            .GroupBy(l => l.AccountId).ToDictionary(g => g.Key, g => g.Max(l => l.LockedUntil));
        var result = rows.Select(x => new MemberRow(x.a.Id, x.a.DisplayName, x.a.Username, x.a.Email, x.a.Npi, x.a.Status, x.Roles,
            x.a.MustChangePassword, locks.GetValueOrDefault(x.a.Id), x.a.Version));
        if (string.Equals(filter.Status, "locked", StringComparison.OrdinalIgnoreCase))
        {
            result = result.Where(r => r.LockedUntil is not null);
        }

        return result.ToList();
    }

    /// <summary>The person's current locks (a practice admin unlocks them from the console).</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(Guid accountId, CancellationToken cancellationToken) =>
        (await lockouts.ListLockedAsync(time.GetUtcNow(), cancellationToken)).Where(l => l.AccountId == accountId).Max(l => l.LockedUntil);

    /// <summary>The person's newest sign-in attempts, newest first.</summary>
    public async Task<IReadOnlyList<SignInEvent>> RecentOutcomesAsync(Guid accountId, int take, CancellationToken cancellationToken) =>
        await db.SignInEvents.AsNoTracking().Where(e => e.AccountId == accountId).OrderByDescending(e => e.Id).Take(take).ToListAsync(cancellationToken);

    /// <summary>
    /// Recent changes from the audit trail: the practice's own entries, or one person's. A person's
    /// changes made in another practice are left out, and so is that practice's side of a membership list.
    /// </summary>
    public async Task<IReadOnlyList<ChangeView>> RecentChangesAsync(Organization organization, Guid? accountId, int take, CancellationToken cancellationToken)
    {
        var entries = db.AuditEntries.AsNoTracking().Where(e => e.Action != AdminScope.RefusalAction);
        entries = accountId is { } id
            ? entries.Where(e => e.TargetType == "account" && e.TargetId == id.ToString() && (e.OrganizationId == null || e.OrganizationId == organization.Id))
            : entries.Where(e => e.OrganizationId == organization.Id);
        var list = await entries.OrderByDescending(e => e.Sequence).Take(take).ToListAsync(cancellationToken);
        return list.Select(e => new ChangeView(e.Sequence, e.At, AuditActionWords.ActorName(e.Actor), AuditActionWords.Describe(e.Action),
            Summarise(e, organization.Id), e.TargetId, e.TraceId, e.ClientIp)).ToList();
    }

    /// <summary>"Status: Active → Disabled; Roles: Staff → Staff, PracticeAdmin" from the entry's before and after.</summary>
    internal static string Summarise(AuditEntry entry, Guid organizationId)
    {
        var before = Flatten(entry.Before, organizationId);
        var after = Flatten(entry.After, organizationId);
        var changes = new List<string>();
        foreach (var key in before.Keys.Union(after.Keys))
        {
            if (key == nameof(Account.Version))
            {
                continue;
            }

            var was = before.GetValueOrDefault(key);
            var now = after.GetValueOrDefault(key);
            if (!string.Equals(was, now, StringComparison.Ordinal))
            {
                changes.Add(was is null ? $"{key}: {now}" : now is null ? $"{key}: was {was}" : $"{key}: {was} → {now}");
            }
        }

        return changes.Count > 0 ? string.Join("; ", changes) : "no field changed";
    }

    /// <summary>Top-level values of an audit JSON object; of a membership list only this practice's entry (roles and status).</summary>
    private static Dictionary<string, string> Flatten(string? json, Guid organizationId)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is null)
        {
            return values;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return values;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Array && property.Name == "Memberships")
                {
                    foreach (var membership in property.Value.EnumerateArray())
                    {
                        if (membership.ValueKind == JsonValueKind.Object && membership.TryGetProperty("OrganizationId", out var org)
                            && org.ValueKind == JsonValueKind.String && Guid.TryParse(org.GetString(), out var orgId) && orgId == organizationId)
                        {
                            values["Roles"] = Text(membership.GetProperty("Roles"));
                            values["Membership"] = Text(membership.GetProperty("Status"));
                        }
                    }
                }
                else if (property.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                {
                    values[property.Name] = Text(property.Value);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            values["(entry)"] = "not readable";
        }

        return values;
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null => "none",
        _ => value.GetRawText(),
    };

    /// <summary>Sign-in outcomes of the practice per day in its own time zone, over the last <paramref name="days"/> days.</summary>
    public async Task<OutcomeChart> OutcomesAsync(Organization organization, int days, CancellationToken cancellationToken)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(organization.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        var first = today.AddDays(1 - days);
        var since = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(first.ToDateTime(TimeOnly.MinValue)));
        var members = db.Memberships.Where(m => m.OrganizationId == organization.Id).Select(m => m.AccountId);
        var events = await db.SignInEvents.AsNoTracking()
            .Where(e => e.OccurredAt >= since && (e.OrganizationId == organization.Id || (e.OrganizationId == null && e.AccountId != null && members.Contains(e.AccountId.Value))))
            .Select(e => new { e.OccurredAt, e.ReasonCode })
            .ToListAsync(cancellationToken);
        var counts = events.Select(e => (Day: DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.OccurredAt, zone).DateTime), e.ReasonCode))
            .Where(e => e.Day >= first && e.Day <= today)
            .ToList();
        return OutcomeChart.Build(first, days, counts, zone.Id);
    }
}
