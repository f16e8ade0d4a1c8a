using System.Net;
using System.Net.Http.Json;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Signpost.Web.Infrastructure;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Api;

/// <summary>Per-address limit on attempts; a refused attempt is still an attempt with its event and trace ID.</summary>
public sealed class RateLimitTests
{
    /// <summary>
    /// The limit counts per clock minute: on the real clock, requests that straddle a minute's end fall in two windows
    /// and the third is not refused (it failed CI once). A clock held at ten seconds past a minute keeps them in one.
    /// </summary>
    private static FakeTimeProvider OneMinute() => new(new DateTimeOffset(2026, 12, 1, 9, 0, 10, TimeSpan.Zero));

    [Fact]
    public async Task SignIn_OverPerMinuteLimit_Returns429WithRetryAfterAndEvent()
    {
        // Arrange: two attempts a minute (requests that stop before hashing, to keep the test quick).
        await using var app = new SignpostFactory { PermitsPerMinute = 2, Time = OneMinute() };
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

    [Fact]
    public async Task SignIn_IPv6Clients_CountedByTheirSlash64()
    {
        // Arrange: two attempts a minute; each request from a new address of one /64, as any IPv6 host can.
        await using var app = new AddressedApp { PermitsPerMinute = 2, Time = OneMinute() };
        var empty = new { identifier = "someone", password = "" };

        // Act
        var statuses = new List<HttpStatusCode>();
        string? refusedTrace = null;
        foreach (var address in new[] { "2001:db8:5:7::1", "2001:db8:5:7:aaaa::2", "2001:db8:5:7:ffff:ffff:ffff:fffe" })
        {
            using var client = app.CreateBrowser();
            client.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, address);
            var response = await client.Http.PostAsJsonAsync("/api/v1/sign-in", empty);
            statuses.Add(response.StatusCode);
            refusedTrace = response.Headers.GetValues("X-Trace-Id").Single();
        }

        using var neighbour = app.CreateBrowser();
        neighbour.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, "2001:db8:5:8::1");
        var neighbourResponse = await neighbour.Http.PostAsJsonAsync("/api/v1/sign-in", empty);

        // Assert: the third address of the same /64 is over the limit; the next /64 is not.
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
        var recorded = await app.EventAsync(refusedTrace!);
        Assert.Equal((ReasonCodes.RateLimited, "2001:db8:5:7:ffff:ffff:ffff:fffe"), (recorded.ReasonCode, recorded.ClientIp));
        Assert.Equal(HttpStatusCode.BadRequest, neighbourResponse.StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("2001:db8:5:7:1:2:3:4", "2001:db8:5:7::/64")]
    [InlineData("2001:db8:5:7::", "2001:db8:5:7::/64")]
    [InlineData(null, "unknown")]
    public void ClientKey_Address_IPv4AsItIsIPv6ByItsSlash64(string? address, string expected) =>
        Assert.Equal(expected, RateLimiting.ClientKey(address is null ? null : IPAddress.Parse(address)));

    /// <summary>The host where a request may name its client address.</summary>
    private sealed class AddressedApp : SignpostFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressFilter>());
        }
    }
}
