namespace Signpost.Web.Infrastructure;

/// <summary>Headers on every answer: the trace ID, and what browsers should refuse to do with the page.</summary>
public static class ResponseHeaders
{
    public static IApplicationBuilder UseSignpostResponseHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var traceId = context.GetTraceId();
        context.Response.Headers["X-Trace-Id"] = traceId;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.XFrameOptions = "DENY";

        // Ask Chromium-based browsers for fuller client hints (sent over HTTPS only) for the sign-in event.
        context.Response.Headers["Accept-CH"] = "Sec-CH-UA-Full-Version-List, Sec-CH-UA-Platform-Version";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";
        await next();
    });
}
