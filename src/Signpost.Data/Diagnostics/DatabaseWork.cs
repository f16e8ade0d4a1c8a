using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Signpost.Data.Diagnostics;

/// <summary>
/// Counts the database commands that completed in the current logical operation (one HTTP request): the
/// web host's one-retry rule (docs/deployment.md, "When the database is away") may run a request again only
/// when nothing of it reached the database yet. The count flows with the request's async context, so every
/// <see cref="SignpostDbContext"/> the request uses adds to it.
/// </summary>
public sealed class DatabaseWork
{
    private static readonly AsyncLocal<DatabaseWork?> CurrentWork = new();

    private int _completed;

    /// <summary>Commands that returned without an error since <see cref="Begin"/>.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Starts counting for the calling async flow (and the flows it starts).</summary>
    public static DatabaseWork Begin()
    {
        var work = new DatabaseWork();
        CurrentWork.Value = work;
        return work;
    }

    internal static void CountOne()
    {
        if (CurrentWork.Value is { } work)
        {
            Interlocked.Increment(ref work._completed);
        }
    }
}

/// <summary>Adds each completed command to <see cref="DatabaseWork"/>; registered on every Signpost context.</summary>
public sealed class DatabaseWorkInterceptor : DbCommandInterceptor
{
    public static readonly DatabaseWorkInterceptor Instance = new();

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        DatabaseWork.CountOne();
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        DatabaseWork.CountOne();
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        DatabaseWork.CountOne();
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        DatabaseWork.CountOne();
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        DatabaseWork.CountOne();
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        DatabaseWork.CountOne();
        return result;
    }
}
