using System.Diagnostics;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// Every request gets a W3C trace ID (32 hex digits) — the one support asks for, and the ID of the request's
/// trace, so a tracing system finds the whole request under it (docs/observability.md). The request's span
/// always starts a trace here: <see cref="OwnTracePropagator"/> never hands ASP.NET Core a client's
/// <c>traceparent</c> or <c>Request-Id</c>, because a client could otherwise choose the ID of its attempt, or
/// reuse another's. Without a span (nothing traces, nothing logs) the ID is a fresh random one.
/// </summary>
public static class TraceIds
{
    private const string ItemKey = "signpost.traceId";

    public static string GetTraceId(this HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var value) && value is string id)
        {
            return id;
        }

        var traceId = Activity.Current is { } activity && !ContinuesRemoteTrace(activity)
            ? activity.TraceId.ToHexString()
            : ActivityTraceId.CreateRandom().ToHexString();
        context.Items[ItemKey] = traceId;
        return traceId;
    }

    /// <summary>
    /// Whether the activity's trace came from outside this process: its root has a remote parent. Never so
    /// with <see cref="OwnTracePropagator"/> in place; kept so that a host configured otherwise (another
    /// propagator, an instrumentation that re-reads <c>traceparent</c>) still never shows a client's trace ID.
    /// </summary>
    private static bool ContinuesRemoteTrace(Activity activity)
    {
        var root = activity;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        return root.ParentId is not null || root.HasRemoteParent;
    }

    /// <summary>A fresh trace ID for work that no request started (the command line, background jobs).</summary>
    public static string New() => ActivityTraceId.CreateRandom().ToHexString();

    /// <summary>True for strings that could be a trace ID; anything else is refused before it reaches a query.</summary>
    public static bool IsWellFormed(string? value) => Core.Events.TraceIdFormat.IsWellFormed(value);
}
