using System.Globalization;
using System.Text.Json;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Organizations;
using Signpost.Web.Infrastructure;
using Signpost.Web.Queries;

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
public sealed class PracticeDirectory(PracticeQueries queries, ILockoutStore lockouts, TimeProvider time)
{
    public const int MaxRows = 200;

    public async Task<IReadOnlyList<MemberRow>> ListAsync(Organization organization, MemberFilter filter, CancellationToken cancellationToken)
    {
        PracticeRoles? role = Enum.TryParse<PracticeRoles>(filter.Role, ignoreCase: true, out var r) && r != PracticeRoles.None && Enum.IsDefined(r) ? r : null;
        AccountStatus? status = Enum.TryParse<AccountStatus>(filter.Status, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : null;
        var text = filter.Query?.Trim();
        var key = string.IsNullOrEmpty(text) ? null : (text.Length > MemberFilter.MaxQueryLength ? text[..MemberFilter.MaxQueryLength] : text).ToUpperInvariant();
        var rows = await queries.ListMembersAsync(organization.Id, role, status, key, MaxRows, cancellationToken);
        var locks = (await lockouts.ListLockedAsync(time.GetUtcNow(), cancellationToken))
            .GroupBy(l => l.AccountId).ToDictionary(g => g.Key, g => g.Max(l => l.LockedUntil));
        var result = rows.Select(x => new MemberRow(x.Account.Id, x.Account.DisplayName, x.Account.Username, x.Account.Email, x.Account.Npi, x.Account.Status, x.Roles,
            x.Account.MustChangePassword, locks.GetValueOrDefault(x.Account.Id), x.Account.Version));
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
    public Task<IReadOnlyList<SignInEvent>> RecentOutcomesAsync(Guid accountId, int take, CancellationToken cancellationToken) =>
        queries.RecentOutcomesAsync(accountId, take, cancellationToken);

    /// <summary>
    /// Recent changes from the audit trail: the practice's own entries, or one person's. A person's
    /// changes made in another practice are left out, and so is that practice's side of a membership list.
    /// </summary>
    public async Task<IReadOnlyList<ChangeView>> RecentChangesAsync(Organization organization, Guid? accountId, int take, CancellationToken cancellationToken)
    {
        var list = await queries.RecentChangesAsync(organization.Id, accountId, AdminScope.RefusalAction, take, cancellationToken);
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
        var events = await queries.OutcomesSinceAsync(organization.Id, since, cancellationToken);
        var counts = events.Select(e => (Day: DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.OccurredAt, zone).DateTime), e.ReasonCode))
            .Where(e => e.Day >= first && e.Day <= today)
            .ToList();
        return OutcomeChart.Build(first, days, counts, zone.Id);
    }
}
