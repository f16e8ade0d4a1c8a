using System.Collections.Concurrent;
using Signpost.Core.Accounts;

namespace Signpost.Core.Sessions;

/// <summary>A live session and the account it belongs to (with memberships and practices), as a signed-in request needs them.</summary>
public sealed record SignedInSession(Session Session, Account Account);

/// <summary>
/// This node's short-lived copies of validated sessions and their accounts, so a signed-in request does not read
/// the session and the account on every request (docs/security.md, "How soon an ended session stops working").
/// A copy is used for at most <see cref="Bound"/> after it was read. Anything on this node that ends a session or
/// changes an account, a membership or a practice empties the whole cache once the write is committed
/// (<see cref="SessionManager"/> for sessions, the data layer's write watch for every write to those tables), so it
/// takes effect at once here; a change made elsewhere (another node, the command line) is seen within
/// <see cref="Bound"/>. The timeouts are checked against the copy at every request, and a copy that says
/// "ended" is never trusted for a refusal: the store is read again. One per process; <see cref="TimeSpan.Zero"/> turns it off.
/// </summary>
public sealed class SessionCache(TimeProvider time, TimeSpan bound, int capacity = 20_000)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>How long a session and account read from the store are used before they are read again.</summary>
    public TimeSpan Bound { get; } = bound >= TimeSpan.Zero ? bound : throw new ArgumentOutOfRangeException(nameof(bound));

    /// <summary>How many sessions are kept at most; past it the cache starts again empty (a rare, cheap event).</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Bumped by every <see cref="Invalidate"/>: a read begun before it must not be kept.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>How many copies are held now (for tests and diagnostics).</summary>
    public int Count => _entries.Count;

    /// <summary>The copy for <paramref name="sessionId"/> while it is younger than <see cref="Bound"/>.</summary>
    public SignedInSession? Find(string sessionId)
    {
        if (Bound == TimeSpan.Zero || !_entries.TryGetValue(sessionId, out var entry))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (now < entry.ReadAt || now >= entry.ReadAt + Bound)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(sessionId, entry));
            return null;
        }

        return entry.Value;
    }

    /// <summary>
    /// Keeps what was read from the store at <paramref name="readAt"/>, unless the cache was invalidated since
    /// <paramref name="generation"/> was taken (before the read): the read may then predate a local change.
    /// </summary>
    public void Keep(SignedInSession value, long generation, DateTimeOffset readAt)
    {
        if (Bound == TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[value.Session.Id] = new Entry(value, readAt, generation);

        // An invalidation that ran between the check above and the store must not be outlived by this copy.
        if (Generation != generation)
        {
            _entries.TryRemove(value.Session.Id, out _);
        }
    }

    /// <summary>
    /// Replaces the copy's session by <paramref name="session"/> (its idle clock refreshed on this node), keeping
    /// the copy's original read time: a refresh never extends how long a copy is trusted.
    /// </summary>
    public void Refresh(SignedInSession current, Session session)
    {
        if (_entries.TryGetValue(session.Id, out var entry) && ReferenceEquals(entry.Value, current))
        {
            var updated = entry with { Value = current with { Session = session } };
            if (_entries.TryUpdate(session.Id, updated, entry) && Generation != entry.Generation)
            {
                _entries.TryRemove(session.Id, out _);
            }
        }
    }

    /// <summary>A session ended, or an account, membership or practice changed, on this node: read again at the next request.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    private sealed record Entry(SignedInSession Value, DateTimeOffset ReadAt, long Generation);
}
