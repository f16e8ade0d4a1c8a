using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Web.Infrastructure;
using Signpost.Web.Platform;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Incidents;

/// <summary><c>/api/v1/incidents</c>: who sees what, hostile bodies, text kept as text, optimistic concurrency.</summary>
public sealed class IncidentsApiTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    private async Task<TestBrowser> SignedInAsync(string? slug, PlatformRoles platform = PlatformRoles.None, PracticeRoles practice = PracticeRoles.Staff)
    {
        var username = TestAccounts.Unique("u");
        await app.WithServicesAsync(services => services.GetService(typeof(PlatformProvisioning)) is PlatformProvisioning admin
            ? admin.CreateAccountAsync(slug, username, $"{username}@clinic.example", username, null, slug is null ? PracticeRoles.None : practice, platform, TestAccounts.Password, CancellationToken.None).Done()
            : throw new InvalidOperationException());
        var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(username, TestAccounts.Password)).StatusCode);
        return browser;
    }

    private static async Task<Guid> CreateAsync(TestBrowser browser, Guid organizationId)
    {
        var response = await browser.Http.PostAsJsonAsync("/api/v1/incidents", new { description = "Locked out since the update.", organizationId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await TestBrowser.JsonAsync(response)).GetProperty("incident").GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Incidents_ByRole_SupportSeesAll_PracticeAdminOnlyTheirs_OthersRefused()
    {
        var a = await app.CreateOrganizationAsync(TestAccounts.Unique("alder"), "Alder Clinic");
        var b = await app.CreateOrganizationAsync(TestAccounts.Unique("beech"), "Beech Clinic");
        using var support = await SignedInAsync(null, PlatformRoles.SupportAgent);
        using var adminA = await SignedInAsync(a.Slug, practice: PracticeRoles.PracticeAdmin);
        using var staffA = await SignedInAsync(a.Slug);
        using var anonymous = app.CreateBrowser();
        var inA = await CreateAsync(support, a.Id);
        var inB = await CreateAsync(support, b.Id);

        var supportList = await TestBrowser.JsonAsync(await support.GetAsync($"/api/v1/incidents?take=500"));
        var adminList = await TestBrowser.JsonAsync(await adminA.GetAsync("/api/v1/incidents?status=open"));
        var adminReadsB = await adminA.GetAsync($"/api/v1/incidents/{inB}");
        var adminReadsA = await adminA.GetAsync($"/api/v1/incidents/{inA}");

        var supportIds = supportList.EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(inA, supportIds);
        Assert.Contains(inB, supportIds);
        Assert.Equal([inA], adminList.EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        Assert.Equal(HttpStatusCode.NotFound, adminReadsB.StatusCode);
        Assert.Equal("not_found", (await TestBrowser.JsonAsync(adminReadsB)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, adminReadsA.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffA.GetAsync("/api/v1/incidents")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/incidents")).StatusCode);
        var refusal = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == AdminScope.RefusalAction && e.TargetId == inB.ToString()).ToListAsync());
        Assert.Single(refusal);

        // A practice admin cannot open one for another practice either (answered like a missing one).
        var foreign = await adminA.Http.PostAsJsonAsync("/api/v1/incidents", new { description = "x", organizationId = b.Id });
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Theory]
    [InlineData("text/plain", "{\"description\":\"x\"}", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type")]
    [InlineData("application/json", "{\"description\":", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("application/json", "[\"description\"]", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("application/json", "{\"description\":\"a\",\"description\":\"b\"}", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("application/json", "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("application/json", "{\"description\":42}", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("application/json", "{\"description\":\"x\",\"traceIds\":\"abc\"}", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("application/json", "{\"description\":\"x\",\"traceIds\":[\"<script>\"]}", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("application/json", "{\"description\":\"x\",\"screenshot\":\"not base64!\"}", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("application/json", "{\"description\":\"x\",\"screenshot\":\"R0lGODlhAQABAAAAACw=\"}", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("application/json", "{\"description\":\"x\",\"organizationId\":\"nope\"}", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("application/json", "{\"description\":\"x\",\"callbackNumber\":\"<b>call</b>\"}", HttpStatusCode.BadRequest, "invalid_request")]
    public async Task Create_HostileBody_IsAProblemWithACode(string contentType, string body, HttpStatusCode status, string code)
    {
        using var support = await SignedInAsync(null, PlatformRoles.SupportAgent);

        var response = await support.Http.PostAsync("/api/v1/incidents", new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(status, response.StatusCode);
        var problem = await TestBrowser.JsonAsync(response);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(32, problem.GetProperty("traceId").GetString()!.Length);
    }

    [Fact]
    public async Task Create_OversizedBody_Is413()
    {
        using var support = await SignedInAsync(null, PlatformRoles.SupportAgent);
        var body = "{\"description\":\"" + new string('a', 4 * 1024 * 1024) + "\"}";

        var response = await support.Http.PostAsync("/api/v1/incidents", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", (await TestBrowser.JsonAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Create_MarkupAndScreenshot_StoredAsTextAndBytes()
    {
        using var support = await SignedInAsync(null, PlatformRoles.SupportAgent);
        const string Hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

        var created = await support.Http.PostAsJsonAsync("/api/v1/incidents", new { description = Hostile, title = Hostile, screenshot = Convert.ToBase64String(png) });
        var id = (await TestBrowser.JsonAsync(created)).GetProperty("incident").GetProperty("id").GetGuid();
        var read = await support.GetAsync($"/api/v1/incidents/{id}");
        var shot = await support.GetAsync($"/api/v1/incidents/{id}/screenshot");

        Assert.Equal("application/json", read.Content.Headers.ContentType?.MediaType);
        var detail = await TestBrowser.JsonAsync(read);
        Assert.Equal(Hostile, detail.GetProperty("description").GetString());
        Assert.True(detail.GetProperty("hasScreenshot").GetBoolean());
        Assert.Equal("image/png", shot.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await shot.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", shot.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Update_StatusAssigneeNote_Audited_StaleVersionIs409()
    {
        var org = await app.CreateOrganizationAsync(TestAccounts.Unique("elm"), "Elm Clinic");
        using var support = await SignedInAsync(null, PlatformRoles.SupportAgent);
        var id = await CreateAsync(support, org.Id);

        var first = await support.Http.PatchAsJsonAsync($"/api/v1/incidents/{id}", new { version = 0, status = "resolved", assignedTo = "ana", note = "<b>Reset done</b>" });
        var stale = await support.Http.PatchAsJsonAsync($"/api/v1/incidents/{id}", new { version = 0, status = "open" });
        var badStatus = await support.Http.PatchAsJsonAsync($"/api/v1/incidents/{id}", new { version = 1, status = "closed" });
        var nothing = await support.Http.PatchAsJsonAsync($"/api/v1/incidents/{id}", new { version = 1 });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var detail = await TestBrowser.JsonAsync(first);
        Assert.Equal("resolved", detail.GetProperty("incident").GetProperty("status").GetString());
        Assert.Equal(1, detail.GetProperty("incident").GetProperty("version").GetInt32());
        Assert.Equal("<b>Reset done</b>", detail.GetProperty("notes")[0].GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var conflict = await TestBrowser.JsonAsync(stale);
        Assert.Equal("conflict", conflict.GetProperty("code").GetString());
        Assert.Equal(1, conflict.GetProperty("currentVersion").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        var audit = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == "incident.update" && e.TargetId == id.ToString()).ToListAsync());
        Assert.Contains("Resolved", Assert.Single(audit).After, StringComparison.Ordinal);
    }
}
