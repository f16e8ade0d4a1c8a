using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Signpost.Core.Sessions;

namespace Signpost.Data;

/// <summary>
/// Empties the node's <see cref="SessionCache"/> after every write this node makes to a table the cache holds rows
/// of (accounts, memberships, practices, and sessions other than a new one or an idle-clock refresh), whichever
/// store or page made it: at once when the write committed by itself, at the commit when it ran inside a
/// transaction (docs/security.md, "How soon an ended session stops working"). Registered on every context of a
/// host that has the cache (<see cref="Interceptors"/>).
/// </summary>
public sealed class SessionCacheWrites(SessionCache cache)
{
    private static readonly string[] HeldTables = ["\"Accounts\"", "\"Memberships\"", "\"Organizations\""];

    private readonly ConditionalWeakTable<DbTransaction, object> _pending = new();
    private IInterceptor[]? _interceptors;

    /// <summary>The two interceptors to add to a context's options (the same instances for every context).</summary>
    public IInterceptor[] Interceptors => _interceptors ??= [new Commands(this), new Transactions(this)];

    /// <summary>True when <paramref name="sql"/> writes something the cache may hold a copy of.</summary>
    public static bool Changes(string sql)
    {
        if (!sql.Contains("INSERT INTO ", StringComparison.Ordinal)
            && !sql.Contains("UPDATE ", StringComparison.Ordinal)
            && !sql.Contains("DELETE FROM ", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var table in HeldTables)
        {
            if (sql.Contains(table, StringComparison.Ordinal))
            {
                return true;
            }
        }

        // A new session is in no copy; a refresh of the idle clock (ISessionStore.TouchAsync: an update that sets
        // "LastSeenAt" and nothing else) changes nothing a copy decides on. Any other update or delete of sessions counts.
        return (sql.Contains("UPDATE \"Sessions\"", StringComparison.Ordinal) && !IsTouch(sql))
            || sql.Contains("DELETE FROM \"Sessions\"", StringComparison.Ordinal);
    }

    private static bool IsTouch(string sql)
    {
        var set = sql.IndexOf("SET \"LastSeenAt\" = ", StringComparison.Ordinal);
        if (set < 0 || sql.IndexOf("UPDATE ", StringComparison.Ordinal) != sql.LastIndexOf("UPDATE ", StringComparison.Ordinal))
        {
            return false;
        }

        var where = sql.IndexOf("WHERE", set, StringComparison.Ordinal);
        return where > set && !sql.AsSpan(set, where - set).Contains(',');
    }

    private void Written(DbCommand command)
    {
        if (!Changes(command.CommandText))
        {
            return;
        }

        // Emptied now (autocommit: the write is visible) and, inside a transaction, again when it commits:
        // a read made before the commit still saw the old rows and may have been kept meanwhile.
        cache.Invalidate();
        if (command.Transaction is { } transaction)
        {
            _pending.AddOrUpdate(transaction, this);
        }
    }

    private void Committed(DbTransaction transaction)
    {
        if (_pending.Remove(transaction))
        {
            cache.Invalidate();
        }
    }

    private sealed class Commands(SessionCacheWrites writes) : DbCommandInterceptor
    {
        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            writes.Written(command);
            return ValueTask.FromResult(result);
        }

        public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
        {
            writes.Written(command);
            return result;
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            writes.Written(command);
            return ValueTask.FromResult(result);
        }

        public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
        {
            writes.Written(command);
            return result;
        }

        public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
        {
            writes.Written(command);
            return ValueTask.FromResult(result);
        }

        public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
        {
            writes.Written(command);
            return result;
        }
    }

    private sealed class Transactions(SessionCacheWrites writes) : DbTransactionInterceptor
    {
        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            writes.Committed(transaction);
            return Task.CompletedTask;
        }

        public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => writes.Committed(transaction);
    }
}
