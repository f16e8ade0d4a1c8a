using Signpost.Core.Lockout;

namespace Signpost.Core.Tests.Fakes;

/// <summary>
/// Lockout counters under one lock, with the semantics of the SQL store: a failure is not counted while
/// the key is locked; a failure after the window (or after an ended lock) starts a new count at one.
/// </summary>
public sealed class InMemoryLockoutStore : ILockoutStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(Guid, string), LockoutCounter> _counters = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _counters.Count;
            }
        }
    }

    public Task<LockoutCounter?> GetAsync(Guid accountId, string deviceKey, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_counters.TryGetValue((accountId, deviceKey), out var c) ? Copy(c) : null);
        }
    }

    public Task<FailureTally> RegisterFailureAsync(
        Guid accountId, string deviceKey, int threshold, TimeSpan window, TimeSpan duration,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_counters.TryGetValue((accountId, deviceKey), out var counter))
            {
                counter = new LockoutCounter { AccountId = accountId, DeviceKey = deviceKey, WindowStartedAt = now };
                _counters[(accountId, deviceKey)] = counter;
            }
            else if (counter.LockedUntil is { } until && until > now)
            {
                return Task.FromResult(new FailureTally(false, counter.FailureCount, until));
            }

            var continuesWindow = counter.FailureCount > 0 && counter.WindowStartedAt > now - window && counter.LockedUntil is null;
            counter.FailureCount = continuesWindow ? counter.FailureCount + 1 : 1;
            counter.WindowStartedAt = continuesWindow ? counter.WindowStartedAt : now;
            counter.LockedUntil = counter.FailureCount >= threshold ? now + duration : null;
            counter.LastFailureAt = now;
            return Task.FromResult(new FailureTally(true, counter.FailureCount, counter.LockedUntil));
        }
    }

    public Task<CheckReservation> ReserveCheckAsync(Guid accountId, string deviceKey, int threshold, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_counters.TryGetValue((accountId, deviceKey), out var counter))
            {
                counter = new LockoutCounter { AccountId = accountId, DeviceKey = deviceKey, WindowStartedAt = now };
                _counters[(accountId, deviceKey)] = counter;
            }

            if (counter.LockedUntil is { } until && until > now)
            {
                return Task.FromResult(new CheckReservation(false, until));
            }

            var failures = counter.FailureCount > 0 && counter.WindowStartedAt > now - window && counter.LockedUntil is null ? counter.FailureCount : 0;
            var inFlight = InFlight(counter, now);
            if (failures + inFlight >= threshold)
            {
                return Task.FromResult(new CheckReservation(false, null));
            }

            counter.InFlight = inFlight + 1;
            counter.InFlightSince = now;
            return Task.FromResult(new CheckReservation(true, null));
        }
    }

    public async Task<FailureTally> CountReservedFailureAsync(Guid accountId, string deviceKey, int threshold, TimeSpan window, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await CancelCheckAsync(accountId, deviceKey, now, cancellationToken);
        return await RegisterFailureAsync(accountId, deviceKey, threshold, window, duration, now, cancellationToken);
    }

    public Task<ReleasedCheck> ReleaseRightCheckAsync(Guid accountId, string deviceKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_counters.TryGetValue((accountId, deviceKey), out var counter))
            {
                return Task.FromResult(new ReleasedCheck(false, null));
            }

            counter.InFlight = Math.Max(InFlight(counter, now) - 1, 0);
            var hadFailures = counter.FailureCount > 0 || counter.LockedUntil is not null;
            return Task.FromResult(new ReleasedCheck(hadFailures, counter.LockedUntil > now ? counter.LockedUntil : null));
        }
    }

    public Task CancelCheckAsync(Guid accountId, string deviceKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_counters.TryGetValue((accountId, deviceKey), out var counter))
            {
                counter.InFlight = Math.Max(InFlight(counter, now) - 1, 0);
            }
        }

        return Task.CompletedTask;
    }

    public Task ResetAsync(Guid accountId, string deviceKey, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_counters.TryGetValue((accountId, deviceKey), out var counter) && counter.InFlight > 0)
            {
                counter.FailureCount = 0;
                counter.LockedUntil = null;
                counter.LastFailureAt = null;
            }
            else
            {
                _counters.Remove((accountId, deviceKey));
            }
        }

        return Task.CompletedTask;
    }

    private static int InFlight(LockoutCounter counter, DateTimeOffset now) =>
        counter.InFlightSince > now - LockoutCounter.ReservationLifetime ? counter.InFlight : 0;

    public Task<int> UnlockAllAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var keys = _counters.Where(kv => kv.Key.Item1 == accountId).ToList();
            foreach (var (key, _) in keys)
            {
                _counters.Remove(key);
            }

            return Task.FromResult(keys.Count(kv => kv.Value.LockedUntil > now));
        }
    }

    public Task<IReadOnlyList<LockoutCounter>> ListForAccountAsync(Guid accountId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<LockoutCounter>>(_counters.Values.Where(c => c.AccountId == accountId).Select(Copy).ToList());
        }
    }

    public Task<IReadOnlyList<LockoutCounter>> ListLockedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<LockoutCounter>>(_counters.Values.Where(c => c.LockedUntil > now).Select(Copy).ToList());
        }
    }

    public Task<int> PurgeQuietAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var quietSince = now - LockoutCounter.QuietBeforePurge;
        lock (_gate)
        {
            var quiet = _counters.Where(p => p.Key.Item1 != Guid.Empty && InFlight(p.Value, now) == 0
                && (p.Value.FailureCount == 0 || p.Value.WindowStartedAt <= quietSince)
                && (p.Value.LockedUntil is null || p.Value.LockedUntil <= quietSince)).Select(p => p.Key).ToList();
            quiet.ForEach(key => _counters.Remove(key));
            return Task.FromResult(quiet.Count);
        }
    }

    public Task LockAsync(Guid accountId, string deviceKey, int failureCount, DateTimeOffset until, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _counters[(accountId, deviceKey)] = new LockoutCounter
            {
                AccountId = accountId,
                DeviceKey = deviceKey,
                FailureCount = failureCount,
                WindowStartedAt = until,
                LockedUntil = until,
                LastFailureAt = until,
            };
        }

        return Task.CompletedTask;
    }

    private static LockoutCounter Copy(LockoutCounter c) => new()
    {
        AccountId = c.AccountId,
        DeviceKey = c.DeviceKey,
        FailureCount = c.FailureCount,
        WindowStartedAt = c.WindowStartedAt,
        LockedUntil = c.LockedUntil,
        LastFailureAt = c.LastFailureAt,
        InFlight = c.InFlight,
        InFlightSince = c.InFlightSince,
    };
}
