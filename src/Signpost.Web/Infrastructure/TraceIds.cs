using System.Diagnostics;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// Every request gets a W3C trace ID (32 hex digits) — the one support asks for. It is the current
/// activity's trace when tracing is on, otherwise a fresh random one.
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

        var traceId = Activity.Current?.TraceId.ToHexString() ?? ActivityTraceId.CreateRandom().ToHexString();
        context.Items[ItemKey] = traceId;
        return traceId;
    }

    /// <summary>A fresh trace ID for work that no request started (the command line, background jobs).</summary>
    public static string New() => ActivityTraceId.CreateRandom().ToHexString();

    /// <summary>True for strings that could be a trace ID; anything else is refused before it reaches a query.</summary>
    public static bool IsWellFormed(string? value) => Core.Events.TraceIdFormat.IsWellFormed(value);
}
