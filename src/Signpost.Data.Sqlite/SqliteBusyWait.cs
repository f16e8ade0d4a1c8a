using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Signpost.Data.Sqlite;

/// <summary>
/// Gives every connection SQLite's own busy handler (<c>sqlite3_busy_timeout</c>), so a write that finds the
/// file's one write lock taken waits in steps of a few milliseconds and goes on as soon as the lock is free.
/// Without it Microsoft.Data.Sqlite answers SQLITE_BUSY by sleeping 150 ms and trying again: under a
/// credential-stuffing flood, where every refused attempt writes its rate counter and its event, a trusted
/// user's sign-in lost a multiple of 150 ms on each of its writes (docs/capacity.md, "Sign-ins per core", the SQLite write lock).
/// The bound is the connection's <c>Default Timeout</c>, as before.
/// </summary>
internal sealed class SqliteBusyWait(TimeSpan timeout) : DbConnectionInterceptor
{
    private readonly int _milliseconds = (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            SQLitePCL.raw.sqlite3_busy_timeout(handle, _milliseconds);
        }
    }
}
