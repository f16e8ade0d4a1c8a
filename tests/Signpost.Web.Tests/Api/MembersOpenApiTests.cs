using System.Net;
using System.Text.Json;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Api;

/// <summary>
/// The members API's OpenAPI entries come from the handlers' <c>Results&lt;…&gt;</c> signatures: the success body of
/// each answer, and the problems each endpoint declares (README "Layout", expected failures).
/// </summary>
public sealed class MembersOpenApiTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task Document_MembersEndpoints_DescribeTheirAnswersFromTheSignatures()
    {
        using var client = app.CreateBrowser();

        var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await TestBrowser.JsonAsync(response)).GetProperty("paths");
        var members = paths.GetProperty("/api/v1/organizations/{slug}/members");
        var list = members.GetProperty("get").GetProperty("responses");
        Assert.Equal("array", Schema(list, "200").GetProperty("type").GetString());
        Assert.EndsWith("/MemberView", Schema(list, "200").GetProperty("items").GetProperty("$ref").GetString(), StringComparison.Ordinal);
        Assert.True(list.TryGetProperty("404", out _));

        var invite = members.GetProperty("post").GetProperty("responses");
        Assert.EndsWith("/InvitationView", Schema(invite, "202").GetProperty("$ref").GetString(), StringComparison.Ordinal);

        var disable = paths.GetProperty("/api/v1/organizations/{slug}/members/{accountId}/disable").GetProperty("post").GetProperty("responses");
        Assert.EndsWith("/ActView", Schema(disable, "200").GetProperty("$ref").GetString(), StringComparison.Ordinal);
        Assert.False(disable.TryGetProperty("202", out _)); // an act is never accepted for later: only invitations are
        foreach (var status in new[] { "400", "404", "409" })
        {
            Assert.True(disable.GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _), status);
        }
    }

    private static JsonElement Schema(JsonElement responses, string status) =>
        responses.GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema");
}
