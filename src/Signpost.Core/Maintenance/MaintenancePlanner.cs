namespace Signpost.Core.Maintenance;

/// <summary>
/// Schedules, extends, cancels and closes maintenance windows, and answers what is in force now.
/// Times are entered in the operator's zone and stored in UTC; a wall-clock time that does not exist
/// (skipped by a daylight-saving change) or exists twice is refused with a sentence saying so.
/// </summary>
public sealed class MaintenancePlanner(IMaintenanceStore store, TimeProvider time)
{
    public const int MaxMessageLength = 500;
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(7);

    public async Task<MaintenanceWindow> ScheduleAsync(MaintenanceRequest request, CancellationToken cancellationToken)
    {
        var zone = FindZone(request.TimeZone);
        var start = ToUtc(request.LocalStart, zone, "start");
        var end = ToUtc(request.LocalEnd, zone, "end");
        var message = request.Message?.Trim() ?? "";
        if (message.Length == 0 || message.Length > MaxMessageLength || message.Any(c => char.IsControl(c) && c is not '\n'))
        {
            throw new MaintenanceException($"The message must be 1–{MaxMessageLength} characters of plain text.");
        }

        if (request.Scope == MaintenanceScope.OrganizationSso && request.OrganizationId is null)
        {
            throw new MaintenanceException("An SSO window needs the organization whose connection it concerns.");
        }

        if (request.Scope != MaintenanceScope.OrganizationSso && request.OrganizationId is not null)
        {
            throw new MaintenanceException("Only SSO windows belong to one organization; portal and sign-in windows concern everyone.");
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
        await CheckSpanAsync(window, cancellationToken);
        await store.AddAsync(window, cancellationToken);
        return window;
    }

    /// <summary>Moves the planned end; a window can be extended while it runs or overruns.</summary>
    public async Task<MaintenanceWindow> ExtendAsync(Guid id, DateTime localEnd, string? timeZone, CancellationToken cancellationToken)
    {
        var window = await GetOpenAsync(id, cancellationToken);
        var zone = FindZone(timeZone ?? window.EnteredTimeZone);
        var end = ToUtc(localEnd, zone, "end");
        if (end <= window.EndsAt)
        {
            throw new MaintenanceException($"The new end must be later than the current end ({window.EndsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC); to shorten a window, close it.");
        }

        var extended = Copy(window);
        extended.EndsAt = end;
        await CheckSpanAsync(extended, cancellationToken, allowStarted: true);
        window.EndsAt = end;
        await store.UpdateAsync(window, cancellationToken);
        return window;
    }

    public async Task<MaintenanceWindow> CancelAsync(Guid id, CancellationToken cancellationToken)
    {
        var window = await GetOpenAsync(id, cancellationToken);
        if (window.StartsAt <= time.GetUtcNow())
        {
            throw new MaintenanceException("This window has started; close it instead of cancelling it.");
        }

        window.CancelledAt = time.GetUtcNow();
        await store.UpdateAsync(window, cancellationToken);
        return window;
    }

    /// <summary>Declares the work finished: ends a running window early, or ends an overrun.</summary>
    public async Task<MaintenanceWindow> CloseAsync(Guid id, CancellationToken cancellationToken)
    {
        var window = await GetOpenAsync(id, cancellationToken);
        var now = time.GetUtcNow();
        if (window.StartsAt > now)
        {
            throw new MaintenanceException("This window has not started; cancel it instead of closing it.");
        }

        window.ClosedAt = now;
        await store.UpdateAsync(window, cancellationToken);
        return window;
    }

    /// <summary>Every window in force now, whatever its scope.</summary>
    public async Task<IReadOnlyList<MaintenanceWindow>> AllInForceAsync(CancellationToken cancellationToken)
    {
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

    public static TimeZoneInfo FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || !TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone))
        {
            throw new MaintenanceException($"'{id}' is not a known IANA time zone (for example America/Chicago or UTC).");
        }

        return zone;
    }

    /// <summary>Wall-clock time in a zone → UTC, refusing times a daylight-saving change skips or repeats.</summary>
    public static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone, string which)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified))
        {
            throw new MaintenanceException($"The {which} time {unspecified:yyyy-MM-dd HH:mm} does not exist in {zone.Id}: the clocks skip it for daylight saving. Choose a time outside the gap.");
        }

        if (zone.IsAmbiguousTime(unspecified))
        {
            throw new MaintenanceException($"The {which} time {unspecified:yyyy-MM-dd HH:mm} happens twice in {zone.Id} (the clocks go back). Enter it in UTC instead.");
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero);
    }

    private async Task CheckSpanAsync(MaintenanceWindow window, CancellationToken cancellationToken, bool allowStarted = false)
    {
        var now = time.GetUtcNow();
        if (window.EndsAt <= window.StartsAt)
        {
            throw new MaintenanceException("The end must be after the start.");
        }

        if (window.EndsAt - window.StartsAt > MaxLength)
        {
            throw new MaintenanceException($"A window may last at most {MaxLength.TotalDays:0} days; schedule longer work as several windows.");
        }

        if (!allowStarted && window.StartsAt < now.AddMinutes(-1))
        {
            throw new MaintenanceException($"The start ({window.StartsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC) is in the past.");
        }

        if (window.EndsAt <= now)
        {
            throw new MaintenanceException($"The end ({window.EndsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC) is in the past.");
        }

        var overlapping = (await store.ListAsync(window.StartsAt, window.EndsAt, includeCancelled: false, cancellationToken))
            .FirstOrDefault(w => w.Id != window.Id && w.ClosedAt is null && w.Scope == window.Scope && w.OrganizationId == window.OrganizationId);
        if (overlapping is not null)
        {
            throw new MaintenanceException($"It overlaps the {overlapping.Scope} window {overlapping.StartsAt.UtcDateTime:yyyy-MM-dd HH:mm}–{overlapping.EndsAt.UtcDateTime:HH:mm} UTC ({overlapping.Id}); extend that one instead.");
        }
    }

    private async Task<MaintenanceWindow> GetOpenAsync(Guid id, CancellationToken cancellationToken)
    {
        var window = await store.FindAsync(id, cancellationToken) ?? throw new MaintenanceException($"No maintenance window has ID {id}.");
        if (window.IsCancelled)
        {
            throw new MaintenanceException("This window was cancelled.");
        }

        if (window.ClosedAt is not null)
        {
            throw new MaintenanceException("This window was closed.");
        }

        return window;
    }

    private static MaintenanceWindow Copy(MaintenanceWindow w) => new()
    {
        Id = w.Id, StartsAt = w.StartsAt, EndsAt = w.EndsAt, Scope = w.Scope, OrganizationId = w.OrganizationId,
        Message = w.Message, EnteredTimeZone = w.EnteredTimeZone, CreatedAt = w.CreatedAt,
    };
}
