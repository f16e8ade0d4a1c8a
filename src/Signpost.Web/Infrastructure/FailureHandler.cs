using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Signpost.Core.Reasons;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// The last line: an exception that escaped a handler. A database that cannot be reached is the
/// "service degraded" reason (503, retry); anything else is a bug, answered with a trace ID support can find in the log.
/// </summary>
public static partial class FailureHandler
{
    public static async Task HandleAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Signpost.Failures");
        var traceId = context.GetTraceId();
        var degraded = IsDependencyFailure(error);
        if (degraded)
        {
            LogDegraded(logger, traceId, error!.GetType().Name);
        }
        else
        {
            LogBug(logger, error, traceId);
        }

        var reason = ReasonCatalogue.Get(ReasonCodes.ServiceDegraded);
        var at = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var status = degraded ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        context.Response.Headers.RetryAfter = "30";
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            var problem = Problems.ForReason(context, reason, at);
            problem.Status = status;
            await Problems.WriteAsync(context, problem);
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(SimplePages.Failure(reason, reason.UserMessage, traceId, at));
    }

    /// <summary>A database or timeout anywhere in the chain: EF Core wraps Npgsql's errors two levels deep.</summary>
    public static bool IsDependencyFailure(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is DbException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 9001, EventName = "FailureHandler.Degraded", Level = LogLevel.Error, Message = "Service degraded (trace {TraceId}): {ExceptionType} from a dependency")]
    private static partial void LogDegraded(ILogger logger, string traceId, string exceptionType);

    [LoggerMessage(EventId = 9002, EventName = "FailureHandler.Bug", Level = LogLevel.Error, Message = "Unhandled failure (trace {TraceId})")]
    private static partial void LogBug(ILogger logger, Exception? exception, string traceId);
}
