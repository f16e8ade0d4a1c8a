using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Diagnostics;

namespace Signpost.Web.Infrastructure;

/// <summary>Bodies for bare status codes: a problem for the API, a short page with the trace ID for people.</summary>
public static class StatusCodeAnswers
{
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var (title, message) = status switch
        {
            404 => ("Page not found", "There is nothing at this address. If it was a practice's sign-in bookmark, ask the practice administrator for the current one."),
            405 => ("Not allowed here", "This address does not accept that kind of request."),
            400 => ("The request could not be read", "Reload the page and try again."),
            403 => ("Not allowed", "Your account does not have access to this page."),
            _ => ("Something went wrong", "Please try again."),
        };
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            var code = status switch { 404 => "not_found", 405 => "method_not_allowed", 403 => "forbidden", 401 => "unauthorized", _ => "http_" + status.ToString(CultureInfo.InvariantCulture) };
            await Problems.WriteAsync(http, status, code, title, message);
            return;
        }

        var e = HtmlEncoder.Default;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{e.Encode(title)}} — Signpost</title><link rel="stylesheet" href="/css/site.css"></head>
            <body><main class="card" id="main"><h1>{{e.Encode(title)}}</h1><p>{{e.Encode(message)}}</p>
            <p class="trace">Trace ID <code data-testid="trace-id">{{http.GetTraceId()}}</code></p>
            <p><a href="/sign-in">Go to sign-in</a> · <a href="/help/codes">Help</a></p></main></body></html>
            """);
    }
}
