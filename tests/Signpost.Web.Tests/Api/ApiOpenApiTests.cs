using System.Net;
using System.Text.Json;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Api;

/// <summary>
/// The sign-in, sign-out, events, webhook-delivery, diagnosis and incident endpoints describe their success bodies from the handlers'
/// <c>Results&lt;…&gt;</c> signatures (no <c>Produces&lt;T&gt;</c> beside them), and keep the problems each declares
/// (README "Layout", expected failures).
/// </summary>
public sealed class ApiOpenApiTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Theory]
    [InlineData("/api/v1/sign-in", "post", "200", "SignInResponse", false, new[] { "400", "401", "403", "429" })]
    [InlineData("/api/v1/events/{traceId}", "get", "200", "EventView", false, new[] { "400", "404" })]
    [InlineData("/api/v1/webhook-deliveries", "get", "200", "DeliveryView", true, new[] { "400" })]
    [InlineData("/api/v1/diagnoses/{traceId}", "get", "200", "DiagnosisView", false, new[] { "400", "403", "404" })]
    [InlineData("/api/v1/accounts/{id}/diagnosis", "get", "200", "DiagnosisView", false, new[] { "400", "403", "404" })]
    [InlineData("/api/v1/incidents", "get", "200", "IncidentSummary", true, new[] { "400", "403" })]
    [InlineData("/api/v1/incidents", "post", "201", "IncidentDetail", false, new[] { "400", "404", "413", "415" })]
    [InlineData("/api/v1/incidents/{id}", "get", "200", "IncidentDetail", false, new[] { "400", "404" })]
    [InlineData("/api/v1/incidents/{id}", "patch", "200", "IncidentDetail", false, new[] { "400", "404", "409", "413", "415" })]
    public async Task Document_Endpoint_DescribesItsAnswerFromTheSignature(string path, string method, string status, string view, bool list, string[] problems)
    {
        var responses = await ResponsesAsync(path, method);

        var schema = responses.GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema");
        if (list)
        {
            Assert.Equal("array", schema.GetProperty("type").GetString());
            schema = schema.GetProperty("items");
        }

        Assert.EndsWith("/" + view, schema.GetProperty("$ref").GetString(), StringComparison.Ordinal);
        foreach (var problem in problems)
        {
            Assert.True(responses.GetProperty(problem).GetProperty("content").TryGetProperty("application/problem+json", out _), problem);
        }
    }

    [Fact]
    public async Task Document_SignOut_AnswersNoContent()
    {
        var responses = await ResponsesAsync("/api/v1/sign-out", "post");

        Assert.True(responses.TryGetProperty("204", out _));
        Assert.False(responses.TryGetProperty("200", out _));
    }

    [Fact]
    public async Task Document_IncidentScreenshot_IsAnImageOrAProblem()
    {
        var responses = await ResponsesAsync("/api/v1/incidents/{id}/screenshot", "get");

        var content = responses.GetProperty("200").GetProperty("content");
        Assert.True(content.TryGetProperty("image/png", out _));
        Assert.True(content.TryGetProperty("image/jpeg", out _));
        Assert.True(responses.GetProperty("404").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    private async Task<JsonElement> ResponsesAsync(string path, string method)
    {
        using var client = app.CreateBrowser();

        var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await TestBrowser.JsonAsync(response)).GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");
    }
}
