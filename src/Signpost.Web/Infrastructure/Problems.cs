using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;
using SignInResult = Signpost.Core.SignIn.SignInResult;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// RFC 9457 problem details, always with <c>code</c>, <c>traceId</c> and the UTC <c>time</c>. For sign-in
/// reasons the <c>type</c> is the code's help page.
/// </summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ProblemDetails ForReason(HttpContext context, Reason shown, DateTimeOffset at, string? detail = null)
    {
        var problem = new ProblemDetails
        {
            Type = HelpUrl(context, shown),
            Title = shown.Title,
            Status = shown.HttpStatus,
            Detail = detail ?? shown.UserMessage,
            Instance = context.Request.Path,
        };
        problem.Extensions["code"] = shown.Code;
        problem.Extensions["traceId"] = context.GetTraceId();
        problem.Extensions["time"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return problem;
    }

    public static ProblemDetails ForResult(HttpContext context, SignInResult result)
    {
        var problem = ForReason(context, result.Shown, result.OccurredAt);
        if (result.LockedUntil is { } until)
        {
            // Only a browser allowed to see its own lock gets here (SignInResult.LockedUntil is null for anyone
            // else, so their headers and body stay those of a wrong password). The end is rounded up, never
            // down: a client that waits until lockedUntil finds the lock over (docs/recovery.md, "Lock messages").
            var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            var zone = Core.Lockout.LockNotice.ZoneFor(result.Account, result.Organizations.Count == 1 ? result.Organizations[0] : null);
            problem.Detail = now >= until ? Core.Lockout.LockNotice.Ended : $"{result.Shown.UserMessage} {Core.Lockout.LockNotice.Describe(until, now, zone)}";
            if (now < until)
            {
                problem.Extensions["lockedUntil"] = Core.Lockout.LockNotice.MachineEnd(until).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                var wait = (long)Math.Ceiling((until - now).TotalSeconds);
                context.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            }
        }

        if (result.Shown.Code == ReasonCodes.MaintenanceWindow && result.Maintenance is { } window)
        {
            problem.Detail = Pages.FailureView.MessageFor(result);
            problem.Extensions["maintenanceEndsAt"] = window.EndsAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var wait = Math.Max(60, (int)(window.EndsAt - result.OccurredAt).TotalSeconds);
            context.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
        }

        if (result.RetryAfter is { } retry)
        {
            var seconds = (long)Math.Ceiling(retry.TotalSeconds);
            problem.Detail = $"{result.Shown.UserMessage} Try again in {seconds} seconds.";
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (result.Problems.Count > 0)
        {
            problem.Extensions["errors"] = result.Problems;
        }

        return problem;
    }

    /// <summary>
    /// For a page that renders a refused attempt itself: a refusal that says when to retry (the hash admission
    /// gate's <c>rate_limited</c>, docs/security.md) answers 429 with <c>Retry-After</c>, like the API.
    /// </summary>
    public static void SetRetryAfter(HttpContext context, SignInResult result)
    {
        if (result.RetryAfter is { } retry)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }

    public static Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? 500;
        return context.Response.WriteAsJsonAsync(problem, options: null, contentType: ContentType);
    }

    /// <summary>A problem that is not a sign-in outcome (not found, forbidden, ...).</summary>
    public static Task WriteAsync(HttpContext context, int status, string code, string title, string detail)
    {
        var problem = new ProblemDetails { Type = "about:blank", Title = title, Status = status, Detail = detail, Instance = context.Request.Path };
        problem.Extensions["code"] = code;
        problem.Extensions["traceId"] = context.GetTraceId();
        problem.Extensions["time"] = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return WriteAsync(context, problem);
    }

    public static string HelpUrl(HttpContext context, Reason reason)
    {
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SignpostOptions>>().Value;
        return options.PublicBaseUrl.TrimEnd('/') + reason.HelpPath;
    }
}
