using Signpost.Core.Administration;

namespace Signpost.Core.Maintenance;

/// <summary>
/// Schedules, extends, cancels and closes maintenance windows, and answers what is in force now.
/// Times are entered in the operator's zone and stored in UTC; a wall-clock time that does not exist
/// (skipped by a daylight-saving change) or exists twice is refused with a sentence saying so. Every
/// refusal is an <see cref="AdminResult"/>; nothing is stored while one stands. What is in force is read
/// through the node's <see cref="MaintenanceCache"/> when there is one, which every change made here empties at once.
/// </summary>
public sealed class MaintenancePlanner(IMaintenanceStore store, TimeProvider time, MaintenanceCache? cache = null)
{
    public const int MaxMessageLength = 500;
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(7);

    public async Task<AdminResult<MaintenanceWindow>> ScheduleAsync(MaintenanceRequest request, CancellationToken cancellationToken)
    {
        if (FindZone(request.TimeZone) is not { } zone)
        {
            return UnknownZone(request.TimeZone);
        }

        if ((ToUtc(request.LocalStart, zone, "start"), ToUtc(request.LocalEnd, zone, "end")) is not ({ } start, { } end))
        {
            return WallClockProblem(request.LocalStart, zone, "start") ?? WallClockProblem(request.LocalEnd, zone, "end")!;
        }

        var message = request.Message?.Trim() ?? "";
        if (message.Length == 0 || message.Length > MaxMessageLength || message.Any(c => char.IsControl(c) && c is not '\n'))
        {
            return AdminResult.Invalid("message", $"The message must be 1–{MaxMessageLength} characters of plain text.");
        }

        if (request.Scope == MaintenanceScope.OrganizationSso && request.OrganizationId is null)
        {
            return AdminResult.Invalid("organization", "An SSO window needs the organization whose connection it concerns.");
        }

        if (request.Scope != MaintenanceScope.OrganizationSso && request.OrganizationId is not null)
        {
            return AdminResult.Invalid("organization", "Only SSO windows belong to one organization; portal and sign-in windows concern everyone.");
        }

        var window = new MaintenanceWindow
        {
            StartsAt = start,
            EndsAt = end,
            Scope = request.Scope,
            OrganizationId = request.OrganizationId,
            Message = message,
            EnteredTimeZone = zone.Id,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = request.Actor,
        };
        if (await SpanProblemAsync(window, cancellationToken) is { } problem)
        {
            return problem;
        }

        await store.AddAsync(window, cancellationToken);
        cache?.Invalidate();
        return window;
    }

    /// <summary>Moves the planned end; a window can be extended while it runs or overruns.</summary>
    public async Task<AdminResult<MaintenanceWindow>> ExtendAsync(Guid id, DateTime localEnd, string? timeZone, CancellationToken cancellationToken)
    {
        var open = await GetOpenAsync(id, cancellationToken);
        if (open.Value is not { } window)
        {
            return open;
        }

        if (FindZone(timeZone ?? window.EnteredTimeZone) is not { } zone)
        {
            return UnknownZone(timeZone);
        }

        if (ToUtc(localEnd, zone, "end") is not { } end)
        {
            return WallClockProblem(localEnd, zone, "end")!;
        }

        if (end <= window.EndsAt)
        {
            return AdminResult.Invalid("end", $"The new end must be later than the current end ({window.EndsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC); to shorten a window, close it.");
        }

        var extended = Copy(window);
        extended.EndsAt = end;
        if (await SpanProblemAsync(extended, cancellationToken, allowStarted: true) is { } problem)
        {
            return problem;
        }

        window.EndsAt = end;
        await store.UpdateAsync(window, cancellationToken);
        cache?.Invalidate();
        return window;
    }

    public async Task<AdminResult<MaintenanceWindow>> CancelAsync(Guid id, CancellationToken cancellationToken)
    {
        var open = await GetOpenAsync(id, cancellationToken);
        if (open.Value is not { } window)
        {
            return open;
        }

        if (window.StartsAt <= time.GetUtcNow())
        {
            return AdminResult.Refused("This window has started; close it instead of cancelling it.");
        }

        window.CancelledAt = time.GetUtcNow();
        await store.UpdateAsync(window, cancellationToken);
        cache?.Invalidate();
        return window;
    }

    /// <summary>Declares the work finished: ends a running window early, or ends an overrun.</summary>
    public async Task<AdminResult<MaintenanceWindow>> CloseAsync(Guid id, CancellationToken cancellationToken)
    {
        var open = await GetOpenAsync(id, cancellationToken);
        if (open.Value is not { } window)
        {
            return open;
        }

        var now = time.GetUtcNow();
        if (window.StartsAt > now)
        {
            return AdminResult.Refused("This window has not started; cancel it instead of closing it.");
        }

        window.ClosedAt = now;
        await store.UpdateAsync(window, cancellationToken);
        cache?.Invalidate();
        return window;
    }

    /// <summary>Every window in force now, whatever its scope.</summary>
    public async Task<IReadOnlyList<MaintenanceWindow>> AllInForceAsync(CancellationToken cancellationToken)
    {
        if (cache is not null)
        {
            return await cache.InForceAsync(store, cancellationToken);
        }

        var now = time.GetUtcNow();
        var windows = await store.ListAsync(now, now.AddMilliseconds(1), includeCancelled: false, cancellationToken);
        return windows.Where(w => w.IsInForce(now)).ToList();
    }

    /// <summary>Windows in force now for an organization (any scope that concerns it).</summary>
    public async Task<IReadOnlyList<MaintenanceWindow>> InForceAsync(Guid? organizationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var windows = await store.ListAsync(now, now.AddMilliseconds(1), includeCancelled: false, cancellationToken);
        return windows.Where(w => w.IsInForce(now) && w.Concerns(organizationId)).ToList();
    }

    /// <summary>The IANA zone of that name; null when there is none.</summary>
    public static TimeZoneInfo? FindZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone) ? zone : null;

    /// <summary>Wall-clock time in a zone → UTC; null for a time a daylight-saving change skips or repeats (<see cref="WallClockProblem"/> says which).</summary>
    public static DateTimeOffset? ToUtc(DateTime local, TimeZoneInfo zone, string which) =>
        WallClockProblem(local, zone, which) is null
            ? new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), TimeSpan.Zero)
            : null;

    /// <summary>Why a wall-clock time cannot be used in a zone (skipped or repeated by daylight saving); null when it can.</summary>
    public static AdminResult? WallClockProblem(DateTime local, TimeZoneInfo zone, string which)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified))
        {
            return AdminResult.Invalid(which, $"The {which} time {unspecified:yyyy-MM-dd HH:mm} does not exist in {zone.Id}: the clocks skip it for daylight saving. Choose a time outside the gap.");
        }

        if (zone.IsAmbiguousTime(unspecified))
        {
            return AdminResult.Invalid(which, $"The {which} time {unspecified:yyyy-MM-dd HH:mm} happens twice in {zone.Id} (the clocks go back). Enter it in UTC instead.");
        }

        return null;
    }

    private static AdminResult UnknownZone(string? id) =>
        AdminResult.Invalid("timeZone", $"'{id}' is not a known IANA time zone (for example America/Chicago or UTC).");

    private async Task<AdminResult?> SpanProblemAsync(MaintenanceWindow window, CancellationToken cancellationToken, bool allowStarted = false)
    {
        var now = time.GetUtcNow();
        if (window.EndsAt <= window.StartsAt)
        {
            return AdminResult.Invalid("end", "The end must be after the start.");
        }

        if (window.EndsAt - window.StartsAt > MaxLength)
        {
            return AdminResult.Invalid("end", $"A window may last at most {MaxLength.TotalDays:0} days; schedule longer work as several windows.");
        }

        if (!allowStarted && window.StartsAt < now.AddMinutes(-1))
        {
            return AdminResult.Invalid("start", $"The start ({window.StartsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC) is in the past.");
        }

        if (window.EndsAt <= now)
        {
            return AdminResult.Invalid("end", $"The end ({window.EndsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC) is in the past.");
        }

        var overlapping = (await store.ListAsync(window.StartsAt, window.EndsAt, includeCancelled: false, cancellationToken))
            .FirstOrDefault(w => w.Id != window.Id && w.ClosedAt is null && w.Scope == window.Scope && w.OrganizationId == window.OrganizationId);
        return overlapping is null ? null
            : AdminResult.Conflict($"It overlaps the {overlapping.Scope} window {overlapping.StartsAt.UtcDateTime:yyyy-MM-dd HH:mm}–{overlapping.EndsAt.UtcDateTime:HH:mm} UTC ({overlapping.Id}); extend that one instead.");
    }

    private async Task<AdminResult<MaintenanceWindow>> GetOpenAsync(Guid id, CancellationToken cancellationToken)
    {
        var window = await store.FindAsync(id, cancellationToken);
        if (window is null)
        {
            return AdminResult.NotFound($"No maintenance window has ID {id}.");
        }

        if (window.IsCancelled)
        {
            return AdminResult.Refused("This window was cancelled.");
        }

        if (window.ClosedAt is not null)
        {
            return AdminResult.Refused("This window was closed.");
        }

        return window;
    }

    private static MaintenanceWindow Copy(MaintenanceWindow w) => new()
    {
        Id = w.Id, StartsAt = w.StartsAt, EndsAt = w.EndsAt, Scope = w.Scope, OrganizationId = w.OrganizationId,
        Message = w.Message, EnteredTimeZone = w.EnteredTimeZone, CreatedAt = w.CreatedAt,
    };
}
