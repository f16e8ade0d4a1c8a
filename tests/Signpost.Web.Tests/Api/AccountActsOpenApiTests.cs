using System.Net;
using System.Text.Json;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Api;

/// <summary>
/// The support acts on one account (hold, release, password-expiry extension) describe their success bodies from the
/// handlers' <c>Results&lt;…&gt;</c> signatures, and keep the problems each declares (README "Layout", expected failures).
/// </summary>
public sealed class AccountActsOpenApiTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Theory]
    [InlineData("/api/v1/accounts/{id}/hold", "HoldView", new[] { "400", "404", "409", "413", "415" })]
    [InlineData("/api/v1/accounts/{id}/release", "HoldView", new[] { "400", "404", "409", "413", "415" })]
    [InlineData("/api/v1/accounts/{id}/password-expiry-extension", "ExtensionView", new[] { "400", "404", "413", "415" })]
    public async Task Document_AccountActs_DescribeTheirAnswersFromTheSignatures(string path, string view, string[] problems)
    {
        using var client = app.CreateBrowser();

        var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var responses = (await TestBrowser.JsonAsync(response)).GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("responses");
        Assert.EndsWith("/" + view, responses.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString(), StringComparison.Ordinal);
        foreach (var status in problems)
        {
            Assert.True(responses.GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _), status);
        }
    }
}
