using System.Net;
using System.Text.Json;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Logs;

/// <summary>
/// JSON console logs (docs/observability.md): every line of a request carries its trace ID in the scopes —
/// the ID the person was shown — and a signed-in request its account ID; no line ever holds a password.
/// </summary>
public sealed class JsonLogTests(JsonLogApp app) : IClassFixture<JsonLogApp>
{
    [Fact]
    public async Task SignIn_JsonConsole_LinesCarryTheTraceIdAndAccountId_NeverThePassword()
    {
        // Arrange
        var slug = TestAccounts.Unique("logs");
        await app.CreateOrganizationAsync(slug, "Log Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("logs"), slug);
        using var browser = app.CreateBrowser();

        // Act: a wrong password, the right one, then a page as the signed-in person.
        var failed = await browser.SignInAsync(account.Username, TestAccounts.WrongPassword);
        var signedIn = await browser.SignInAsync(account.Username, TestAccounts.Password);
        var home = await browser.GetAsync("/");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var events = await app.EventsForAccountAsync(account.Id);
        Assert.Equal([ReasonCodes.InvalidCredentials, ReasonCodes.SignedIn], events.Select(e => e.ReasonCode));
        var lines = app.Lines.ToList();
        foreach (var traceId in events.Select(e => e.TraceId).Append(home.Headers.GetValues("X-Trace-Id").Single()))
        {
            Assert.Contains(lines, line => ScopeValues(line, "TraceId").Contains(traceId));
        }

        Assert.Contains(lines, line => ScopeValues(line, "AccountId").Contains(account.Id.ToString()));
        Assert.DoesNotContain(lines, line => line.Contains(TestAccounts.Password, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(TestAccounts.WrongPassword, StringComparison.Ordinal));
        Assert.NotEqual(HttpStatusCode.InternalServerError, failed.StatusCode);
    }

    /// <summary>The values of <paramref name="name"/> in a JSON log line's scopes.</summary>
    private static List<string> ScopeValues(string line, string name)
    {
        using var json = JsonDocument.Parse(line);
        if (!json.RootElement.TryGetProperty("Scopes", out var scopes))
        {
            return [];
        }

        return [.. scopes.EnumerateArray()
            .Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(name, out _))
            .Select(s => s.GetProperty(name).GetString() ?? "")];
    }
}
