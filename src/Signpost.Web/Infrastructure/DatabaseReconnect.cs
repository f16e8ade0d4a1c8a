using Npgsql;
using Signpost.Data.Diagnostics;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// After PostgreSQL restarts (a failover, a patch), every connection a node kept in its pool is dead, and
/// the first request to use one would answer "service degraded" although the server is back. This
/// middleware runs such a request once more on a fresh pool, but only when it is certainly safe: the
/// failure is a broken connection, no command of the request had completed (so nothing of it reached the
/// database), and nothing of the response was sent. Everything else goes to the failure handler as before.
/// See docs/deployment.md, "When the database is away".
/// </summary>
public sealed partial class DatabaseReconnect(RequestDelegate next, ILogger<DatabaseReconnect> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // A body can be read a second time only if it was buffered from the start.
        context.Request.EnableBuffering();
        var work = DatabaseWork.Begin();
        try
        {
            await next(context);
        }
        catch (Exception error) when (IsBrokenConnection(error) && work.Completed == 0 && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogRetry(logger, context.GetTraceId(), error.GetType().Name);
            NpgsqlConnection.ClearAllPools();
            context.Response.Clear();
            context.Request.Body.Position = 0;
            DatabaseWork.Begin();
            await next(context);
        }
    }

    /// <summary>The connection itself failed (the server closed it, or it could not be used), as opposed to a statement's error or a timeout.</summary>
    public static bool IsBrokenConnection(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is PostgresException postgres)
            {
                // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now; class 08: connection exceptions.
                return postgres.SqlState is "57P01" or "57P02" or "57P03" || postgres.SqlState.StartsWith("08", StringComparison.Ordinal);
            }

            if (e is NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException or EndOfStreamException })
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 9003, EventName = "DatabaseReconnect.Retry", Level = LogLevel.Warning, Message = "Database connection broken before the request did any work (trace {TraceId}, {ExceptionType}): pool cleared, request run once more")]
    private static partial void LogRetry(ILogger logger, string traceId, string exceptionType);
}
