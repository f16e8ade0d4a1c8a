using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Signpost.Postgres.Tests.Infrastructure;

/// <summary>What one call of the sign-in API answered, and how long it took.</summary>
public sealed record SignInAnswer(HttpStatusCode Status, string? Code, string? TraceId, TimeSpan Elapsed)
{
    public override string ToString() => $"{(int)Status} {Code} trace {TraceId} in {Elapsed.TotalMilliseconds:0} ms";
}

public static class SignInCalls
{
    /// <summary>
    /// POST /api/v1/sign-in. Success and problem bodies both carry <c>code</c> and <c>traceId</c>; a body
    /// that is not JSON leaves them null (and fails whichever assertion needed them).
    /// </summary>
    public static async Task<SignInAnswer> SignInAsync(this HttpClient client, string identifier, string password, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.PostAsJsonAsync(new Uri("api/v1/sign-in", UriKind.Relative), new { identifier, password }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        clock.Stop();
        string? code = null;
        string? traceId = response.Headers.TryGetValues("X-Trace-Id", out var header) ? header.FirstOrDefault() : null;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("code", out var c))
            {
                code = c.GetString();
            }

            if (json.RootElement.TryGetProperty("traceId", out var t))
            {
                traceId = t.GetString();
            }
        }
        catch (JsonException)
        {
            // Not JSON: leave the code unknown.
        }

        return new SignInAnswer(response.StatusCode, code, traceId, clock.Elapsed);
    }
}
