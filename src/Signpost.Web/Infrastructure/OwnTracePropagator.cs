using System.Diagnostics;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// The propagator ASP.NET Core asks for a request's parent trace: it never names one, so the request's span
/// always starts a trace of Signpost's own and its trace ID is the one users and support see (TraceIds.cs,
/// docs/observability.md). A client's <c>traceparent</c> is kept as a link on that span instead, and a
/// client's baggage is dropped. Outgoing calls (webhooks, identity providers) still carry our trace as W3C
/// <c>traceparent</c>.
/// </summary>
/// <remarks>
/// Why not continue the client's trace: the trace ID is the key of a sign-in attempt for support. A client
/// that could choose it could give its attempt the ID of someone else's and muddle that person's diagnosis,
/// or make its own attempts look like a trusted portal's. The link keeps the portal's trace one click away.
/// </remarks>
public sealed class OwnTracePropagator : DistributedContextPropagator
{
    private static readonly DistributedContextPropagator W3C = CreateW3CPropagator();

    public override IReadOnlyCollection<string> Fields => W3C.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) => W3C.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;

    /// <summary>Links the request's span to the trace its <c>traceparent</c> names, when it names a valid one.</summary>
    public static void LinkClientTrace(HttpContext context)
    {
        if (context.Request.Headers.TraceParent is not [{ } traceParent] || traceParent.Length > 128
            || Activity.Current is not { IsAllDataRequested: true } span)
        {
            return;
        }

        var traceState = context.Request.Headers.TraceState is [{ Length: <= 512 } state] ? state : null;
        if (ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var client))
        {
            span.AddLink(new ActivityLink(client));
        }
    }
}
