using System.Diagnostics;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// Every request gets a W3C trace ID (32 hex digits) — the one support asks for. It is the current
/// activity's trace when tracing is on and the trace began here, otherwise a fresh random one. A trace a
/// client names (a <c>traceparent</c> or <c>Request-Id</c> header, which ASP.NET Core continues) never
/// becomes ours: a client could otherwise choose the ID of its attempt, or reuse another's
/// (docs/deployment.md).
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

        var traceId = Activity.Current is { } activity && !ContinuesClientTrace(context, activity)
            ? activity.TraceId.ToHexString()
            : ActivityTraceId.CreateRandom().ToHexString();
        context.Items[ItemKey] = traceId;
        return traceId;
    }

    /// <summary>
    /// Whether the activity's trace came in with the request: the request carries a propagation header, or
    /// the request's root activity has a parent from outside this process.
    /// </summary>
    private static bool ContinuesClientTrace(HttpContext context, Activity activity)
    {
        if (context.Request.Headers.ContainsKey("traceparent") || context.Request.Headers.ContainsKey("Request-Id"))
        {
            return true;
        }

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
