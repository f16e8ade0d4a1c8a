using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Tests.Authorization;

/// <summary>One cell's answer: the outcome expected and met, and any of the other practice's strings found in it.</summary>
public sealed record CellResult(MatrixEntry Entry, Caller Caller, Variant Variant, Outcome Expected, Outcome Actual, int Status, string Path, string? Leak)
{
    public bool Passed => Expected == Actual && Leak is null;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Entry.Key} | {Caller} | {Variant} | expected {Expected} | got {Actual} ({Status}) {Path}") +
        (Leak is null ? "" : $" | shows the other practice's {Leak}");
}

/// <summary>Asks every cell of the matrix through the real app, caller by caller, with the caller's own session.</summary>
public static class MatrixRunner
{
    public static async Task<IReadOnlyList<CellResult>> RunAsync(MatrixWorld world, IReadOnlyList<MatrixEntry> entries)
    {
        var results = new List<CellResult>();
        foreach (var entry in entries)
        {
            foreach (var variant in entry.Variants)
            {
                foreach (var caller in Enum.GetValues<Caller>())
                {
                    results.Add(await AskAsync(world, entry, variant, caller));
                }
            }
        }

        return results;
    }

    /// <summary>"'secret' in: …text around it…", or null when the answer does not contain it.</summary>
    private static string? Excerpt(string answer, string secret)
    {
        var at = answer.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var start = Math.Max(0, at - 80);
        var end = Math.Min(answer.Length, at + secret.Length + 40);
        return $"'{secret}' in: …{answer[start..end].ReplaceLineEndings(" ")}…";
    }

    private static async Task<CellResult> AskAsync(MatrixWorld world, MatrixEntry entry, Variant variant, Caller caller)
    {
        var session = entry.EndsSession ? await world.FreshSessionAsync(caller) : world.SessionOf(caller);
        var request = entry.Request(world.TargetFor(variant));
        using var message = new HttpRequestMessage(new HttpMethod(entry.Method), new Uri(request.Path, UriKind.Relative));
        var sent = request.Path;
        if (request.Form is { } form)
        {
            var fields = form.Append(new(FormGuard.FieldName, session.Token)).ToList();
            message.Content = new FormUrlEncodedContent(fields);
            sent += " " + string.Join(" ", form.Values);
        }
        else if (request.Json is { } json)
        {
            message.Content = JsonContent.Create(json, json.GetType());
            sent += " " + JsonSerializer.Serialize(json);
        }

        try
        {
            using var response = await session.Browser.Http.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            var actual = Outcomes.Classify(response, body);
            var expected = entry.Expected(caller, variant);
            string? leak = null;
            if (actual == Outcome.Allowed && world.ForeignTo(caller) is { } foreign)
            {
                // What the caller typed is no leak; nor is a practice's public name on the page its slug opens.
                var named = entry.ShowsNamedPractice && sent.Contains(foreign.Slug, StringComparison.OrdinalIgnoreCase);
                var answer = body + " " + response.Headers.Location?.OriginalString;
                leak = foreign.IdentifyingStrings
                    .Where(s => !sent.Contains(s, StringComparison.OrdinalIgnoreCase) && !(named && s == foreign.Name))
                    .Select(s => Excerpt(answer, s))
                    .FirstOrDefault(e => e is not null);
            }

            return new CellResult(entry, caller, variant, expected, actual, (int)response.StatusCode, request.Path, leak);
        }
        finally
        {
            if (entry.EndsSession)
            {
                session.Browser.Dispose();
            }
        }
    }
}
