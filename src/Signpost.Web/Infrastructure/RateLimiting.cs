using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.RateLimiting;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.Scheduling;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// Per-address limit on sign-in attempts (pages and API together), counted in the database so that it
/// holds across every node behind the load balancer: one atomic upsert per attempt, in fixed one-minute
/// windows. Endpoints opt in with <c>[EnableRateLimiting(RateLimiting.SignInPolicy)]</c> or
/// <c>RequireRateLimiting</c>; only posts count (showing a form costs nothing). A refused attempt is still
/// an attempt: it gets the <c>rate_limited</c> reason, an event, a trace ID, and says when to retry.
/// IPv6 clients are counted by their /64 (<see cref="ClientKey"/>).
/// </summary>
public static class RateLimiting
{
    public const string SignInPolicy = "sign-in";

    /// <summary>The fixed one-minute window an instant falls in (Unix minutes).</summary>
    public static long WindowOf(DateTimeOffset instant) => instant.ToUnixTimeSeconds() / 60;

    /// <summary>
    /// Endpoint metadata: its GET requests count too. For a GET that is itself a sign-in attempt — <c>/sso/{slug}</c>
    /// sends the browser to a practice's provider and costs Signpost a back-channel call — not a form being shown.
    /// </summary>
    public sealed class CountsGetRequests;

    public static IApplicationBuilder UseSharedRateLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (((HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) && metadata?.GetMetadata<CountsGetRequests>() is null)
            || metadata?.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName != SignInPolicy)
        {
            await next(context);
            return;
        }

        var services = context.RequestServices;
        var permits = services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<SignpostOptions>>().CurrentValue.SignInRateLimit.PermitsPerMinute;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var key = $"{SignInPolicy}:{ClientKey(context.Connection.RemoteIpAddress)}";
        var count = await services.GetRequiredService<IRateCounterStore>().HitAsync(key, WindowOf(now), context.RequestAborted);
        if (count <= permits)
        {
            await next(context);
            return;
        }

        await RejectAsync(context, 60 - (int)(now.ToUnixTimeSeconds() % 60), context.RequestAborted);
    });

    /// <summary>
    /// What one client is, for counting: an IPv4 address as it is (an IPv4-mapped IPv6 address too), an IPv6
    /// address by its /64 network. One subscriber or host usually holds a whole /64 (RFC 6177, RFC 7934) and
    /// can take a new address from it for every request, so counting single IPv6 addresses counts nothing.
    /// </summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    private static async Task RejectAsync(HttpContext context, int seconds, CancellationToken cancellationToken)
    {
        seconds = Math.Max(1, seconds);
        var isApi = context.Request.Path.StartsWithSegments("/api");
        var method = isApi ? SignInMethod.Api : context.Request.Path.StartsWithSegments("/sso") ? SignInMethod.Sso : SignInMethod.Password;
        var result = await EdgeRejections.RecordAsync(context, ReasonCodes.RateLimited, identifier: null,
            method, $"Address over its per-minute limit; retry after {seconds} s.");
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = Problems.ForResult(context, result);
        problem.Detail = $"{result.Shown.UserMessage} Try again in {seconds} seconds.";
        if (isApi)
        {
            await Problems.WriteAsync(context, problem);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(SimplePages.Failure(result.Shown, problem.Detail!, result.TraceId, result.OccurredAt), cancellationToken);
    }
}
