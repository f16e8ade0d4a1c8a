using System.Globalization;
using System.Text.Encodings.Web;
using Signpost.Core.Reasons;

namespace Signpost.Web.Infrastructure;

/// <summary>Minimal self-contained HTML for answers given outside Razor (rate limits, fatal errors).</summary>
public static class SimplePages
{
    public static string Failure(Reason reason, string message, string traceId, DateTimeOffset at)
    {
        var e = HtmlEncoder.Default;
        var time = at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{e.Encode(reason.Title)}} — Signpost</title><link rel="stylesheet" href="/css/site.css"></head>
            <body><main class="card" id="main"><h1>{{e.Encode(reason.Title)}}</h1>
            <div class="alert" role="alert"><p>{{e.Encode(message)}}</p>
            <p class="trace">Trace ID <code data-testid="trace-id">{{traceId}}</code> · {{time}}</p>
            <p><a href="{{reason.HelpPath}}">What does "{{e.Encode(reason.Code)}}" mean?</a></p></div>
            <p><a href="/sign-in">Back to sign-in</a></p></main></body></html>
            """;
    }
}
