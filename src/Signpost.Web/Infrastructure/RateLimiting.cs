using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// Per-address limit on sign-in attempts (pages and API together). A refused attempt is still an
/// attempt: it gets the <c>rate_limited</c> reason, an event and a trace ID, and says when to retry.
/// </summary>
public static class RateLimiting
{
    public const string SignInPolicy = "sign-in";

    public static IServiceCollection AddSignpostRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(SignInPolicy, context =>
            {
                var permits = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<SignpostOptions>>()
                    .CurrentValue.SignInRateLimit.PermitsPerMinute;
                if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                {
                    // Showing the form costs nothing; only attempts are limited.
                    return RateLimitPartition.GetNoLimiter("read");
                }

                var key = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            options.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var isApi = context.Request.Path.StartsWithSegments("/api");
        var result = await EdgeRejections.RecordAsync(context, ReasonCodes.RateLimited, identifier: null,
            isApi ? SignInMethod.Api : SignInMethod.Password, $"Address over its per-minute limit; retry after {seconds} s.");
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
