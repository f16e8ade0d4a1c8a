using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Api;

/// <summary>
/// The trace ID of an attempt is Signpost's own, never one the client names: with tracing on, ASP.NET
/// Core continues a request's <c>traceparent</c>, and a client could then choose its attempt's ID — or
/// reuse the ID of someone else's attempt, which a trace ID is the key to.
/// </summary>
public sealed class TraceIdTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Theory]
    [InlineData("traceparent", "00-{0}-b7ad6b7169203331-01")]
    [InlineData("Request-Id", "00-{0}-b7ad6b7169203331-01")]
    public async Task SignIn_ClientNamesATrace_TracingOn_TheAttemptGetsAFreshTraceIdOfOurOwn(string header, string format)
    {
        // Arrange: tracing on (a listener samples ASP.NET Core's request activities, as an exporter would).
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var account = await app.CreateAccountAsync(TestAccounts.Unique("tracer"), null);
        var chosen = ActivityTraceId.CreateRandom().ToHexString();
        using var client = app.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sign-in")
        {
            Content = JsonContent.Create(new { identifier = account.Username, password = TestAccounts.WrongPassword }),
        };
        request.Headers.TryAddWithoutValidation(header, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, chosen));

        // Act
        var response = await client.Http.SendAsync(request);

        // Assert: a well-formed trace ID that is not the one named; the event is under ours only.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var traceId = (await TestBrowser.JsonAsync(response)).GetProperty("traceId").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.NotEqual(chosen, traceId);
        Assert.Equal(traceId, response.Headers.GetValues("X-Trace-Id").Single());
        Assert.Equal(ReasonCodes.InvalidCredentials, (await app.EventAsync(traceId)).ReasonCode);
        Assert.False(await app.WithDbAsync(db => db.SignInEvents.AnyAsync(e => e.TraceId == chosen)));
    }
}
