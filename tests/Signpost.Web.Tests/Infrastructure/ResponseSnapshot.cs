using System.Text.RegularExpressions;

namespace Signpost.Web.Tests.Infrastructure;

/// <summary>
/// Everything an observer outside the server sees of a response — status, every header and cookie, the
/// body — with only what must differ between two requests blanked: the trace ID, the time, and on pages
/// the per-render anti-forgery token and form stamp. Two snapshots that are equal tell an attacker nothing.
/// </summary>
public sealed partial record ResponseSnapshot(int Status, string Headers, string Body)
{
    private static readonly HashSet<string> VaryingHeaders = new(StringComparer.OrdinalIgnoreCase) { "Date", "X-Trace-Id" };

    public static async Task<ResponseSnapshot> TakeAsync(HttpResponseMessage response, params string[] typed)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => !VaryingHeaders.Contains(h.Key))
            .SelectMany(h => h.Value.Select(v => $"{h.Key.ToLowerInvariant()}: {v}"))
            .Order(StringComparer.Ordinal);
        var body = await response.Content.ReadAsStringAsync();
        foreach (var text in typed)
        {
            // What the person typed is echoed back into the form; it is theirs, not a signal.
            body = body.Replace(text, "{typed}", StringComparison.Ordinal);
        }

        body = FormSecret().Replace(body, "$1{secret}\"");
        // The failure link's proof that this browser was shown the trace: signed fresh for every failure.
        body = HeldProof().Replace(body, "held={secret}");
        body = TraceId().Replace(body, "{trace}");
        body = Time().Replace(body, "{time}");
        return new ResponseSnapshot((int)response.StatusCode, string.Join("\n", headers), body);
    }

    [GeneratedRegex(@"(name=""(?:__RequestVerificationToken|form_stamp)""[^>]*?value="")[^""]*""")]
    private static partial Regex FormSecret();

    [GeneratedRegex("held=[A-Za-z0-9_%-]+")]
    private static partial Regex HeldProof();

    [GeneratedRegex("[0-9a-f]{32}")]
    private static partial Regex TraceId();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z| UTC)?")]
    private static partial Regex Time();
}
