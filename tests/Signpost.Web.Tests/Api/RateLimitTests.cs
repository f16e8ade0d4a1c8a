using System.Net;
using System.Net.Http.Json;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Api;

/// <summary>Per-address limit on attempts; a refused attempt is still an attempt with its event and trace ID.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task SignIn_OverPerMinuteLimit_Returns429WithRetryAfterAndEvent()
    {
        // Arrange: two attempts a minute (requests that stop before hashing, to keep the test quick).
        await using var app = new SignpostFactory { PermitsPerMinute = 2 };
        using var client = app.CreateBrowser();
        var empty = new { identifier = "someone", password = "" };
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Http.PostAsJsonAsync("/api/v1/sign-in", empty)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Http.PostAsJsonAsync("/api/v1/sign-in", empty)).StatusCode);

        // Act
        var response = await client.Http.PostAsJsonAsync("/api/v1/sign-in", empty);

        // Assert
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        var problem = await TestBrowser.JsonAsync(response);
        Assert.Equal(ReasonCodes.RateLimited, problem.GetProperty("code").GetString());
        Assert.Equal($"{SignpostFactory.PublicBaseUrl}/help/codes/{ReasonCodes.RateLimited}", problem.GetProperty("type").GetString());
        var recorded = await app.EventAsync(problem.GetProperty("traceId").GetString()!);
        Assert.Equal(ReasonCodes.RateLimited, recorded.ReasonCode);
        Assert.Equal(SignInMethod.Api, recorded.Method);

        // The page shares the limit and explains it the same way, with a trace ID.
        using var browser = app.CreateBrowser();
        var form = await browser.OpenFormAsync("/sign-in");
        var page = await browser.SubmitAsync(form, [new("identifier", "someone"), new("password", "something long enough")]);
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.True(page.Headers.Contains("Retry-After"));
        var traceId = (await TestBrowser.ParseAsync(page)).QuerySelector("[data-testid=trace-id]")!.TextContent.Trim();
        var pageEvent = await app.EventAsync(traceId);
        Assert.Equal(ReasonCodes.RateLimited, pageEvent.ReasonCode);
        Assert.Equal(SignInMethod.Password, pageEvent.Method);
    }
}
