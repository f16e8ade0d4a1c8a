using System.Net;
using Signpost.Core.Accounts;
using Signpost.Web.Infrastructure;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Admin;

/// <summary>
/// Issue 5 part 3: an administrator of practice A can neither read nor change anything of practice B,
/// not by B's slug, not by B's account IDs in URLs or bodies. Every refusal looks like a missing target
/// (404) and is in the audit trail as <c>access.denied</c> with the actor and what was tried.
/// </summary>
public sealed class CrossPracticeTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task Pages_OtherPracticeSlugOrPerson_AnswerLikeMissingAndAreAudited()
    {
        // Arrange: practice A with its admin, practice B with a person.
        var (slugA, adminA) = await app.PracticeAsync("north");
        var (slugB, _) = await app.PracticeAsync("south");
        var personB = await app.PersonAsync("bea", slugB, PracticeRoles.Staff);
        using var browser = await app.SignedInAsync(adminA);

        // Act
        var ownPractice = await browser.GetAsync($"/admin/{slugA}");
        var otherPractice = await browser.GetAsync($"/admin/{slugB}");
        var missingPractice = await browser.GetAsync("/admin/no-such-practice");
        var otherPersonThroughOwnSlug = await browser.GetAsync($"/admin/{slugA}/users/{personB.Id}");
        var otherPersonThroughOtherSlug = await browser.GetAsync($"/admin/{slugB}/users/{personB.Id}");
        var malformedId = await browser.GetAsync($"/admin/{slugA}/users/not-a-guid");
        var (_, own) = await browser.GetPageAsync($"/admin/{slugA}");

        // Assert: B is invisible, exactly like a practice that does not exist.
        Assert.Equal(HttpStatusCode.OK, ownPractice.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherPractice.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missingPractice.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherPersonThroughOwnSlug.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherPersonThroughOtherSlug.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, malformedId.StatusCode);
        Assert.Equal(StripTrace(await missingPractice.Content.ReadAsStringAsync()), StripTrace(await otherPractice.Content.ReadAsStringAsync()));
        Assert.DoesNotContain(personB.Username, own.Body!.TextContent, StringComparison.Ordinal);

        var refusals = await app.AuditAsync(adminA.Id, AdminScope.RefusalAction);
        Assert.Contains(refusals, e => e.TargetType == "organization" && e.TargetId == slugB && e.After!.Contains("does not administer", StringComparison.Ordinal));
        Assert.Contains(refusals, e => e.TargetType == "account" && e.TargetId == personB.Id.ToString() && e.After!.Contains("account.read", StringComparison.Ordinal));
        Assert.Contains(refusals, e => e.TargetId == "not-a-guid" && e.After!.Contains("not a GUID", StringComparison.Ordinal));
        Assert.All(refusals, e => Assert.NotNull(e.TraceId));
    }

    [Fact]
    public async Task PagePost_OtherPracticePersonInUrl_ChangesNothing()
    {
        // Arrange: A's admin takes a real action form of their own practice and swaps in B's person.
        var (slugA, adminA) = await app.PracticeAsync("east");
        var (slugB, _) = await app.PracticeAsync("west");
        var personA = await app.PersonAsync("amy", slugA, PracticeRoles.Staff);
        var personB = await app.PersonAsync("bob", slugB, PracticeRoles.Staff);
        using var browser = await app.SignedInAsync(adminA);
        var form = await browser.OpenFormAsync($"/admin/{slugA}/users/{personA.Id}", "form[data-testid=disable-form]");
        var forged = form.Action.Replace(personA.Id.ToString(), personB.Id.ToString(), StringComparison.Ordinal);

        // Act
        var response = await browser.Http.PostAsync(new Uri(forged, UriKind.Relative), new FormUrlEncodedContent(form.Fields));
        var viaOtherSlug = await browser.Http.PostAsync(new Uri(forged.Replace(slugA, slugB, StringComparison.Ordinal), UriKind.Relative), new FormUrlEncodedContent(form.Fields));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, viaOtherSlug.StatusCode);
        Assert.Equal(AccountStatus.Active, (await app.StoredAsync(personB.Id)).Status);
        var refusals = await app.AuditAsync(adminA.Id, AdminScope.RefusalAction);
        Assert.Contains(refusals, e => e.TargetId == personB.Id.ToString() && e.After!.Contains("account.disable", StringComparison.Ordinal));
        Assert.Contains(refusals, e => e.TargetId == slugB && e.After!.Contains("account.disable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api_OtherPracticeSlugIdsInUrlsAndBodies_AllNotFoundAndAudited()
    {
        // Arrange
        var (slugA, adminA) = await app.PracticeAsync("alpha");
        var (slugB, _) = await app.PracticeAsync("bravo");
        var personA = await app.PersonAsync("ann", slugA, PracticeRoles.Staff);
        var personB = await app.PersonAsync("ben", slugB, PracticeRoles.Staff);
        using var browser = await app.SignedInAsync(adminA);
        var version = new { version = 0 };

        // Act
        var list = await browser.GetAsync($"/api/v1/organizations/{slugB}/members");
        var read = await browser.GetAsync($"/api/v1/organizations/{slugA}/members/{personB.Id}");
        var disable = await browser.PostJsonAsync($"/api/v1/organizations/{slugA}/members/{personB.Id}/disable", version);
        var roles = await browser.PutJsonAsync($"/api/v1/organizations/{slugA}/members/{personB.Id}/roles", new { version = 0, roles = new[] { "PracticeAdmin" } });
        var unlockInB = await browser.PostJsonAsync($"/api/v1/organizations/{slugB}/members/{personB.Id}/unlock", version);
        var pullIntoA = await browser.PostJsonAsync($"/api/v1/organizations/{slugA}/members/existing", new { accountId = personB.Id, roles = new[] { "Staff" } });
        var inviteIntoB = await browser.PostJsonAsync($"/api/v1/organizations/{slugB}/members",
            new { email = "x@clinic.example", username = TestAccounts.Unique("x"), displayName = "X", roles = new[] { "Staff" } });
        var moveToB = await browser.PostJsonAsync($"/api/v1/organizations/{slugA}/members/{personA.Id}/reassign", new { version = 0, to = slugB });
        var ownList = await browser.GetAsync($"/api/v1/organizations/{slugA}/members");

        // Assert: every attempt on B is a 404 problem with a trace ID; B's person is untouched.
        foreach (var response in new[] { list, read, disable, roles, unlockInB, pullIntoA, inviteIntoB })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var problem = await TestBrowser.JsonAsync(response);
            Assert.Equal("not_found", problem.GetProperty("code").GetString());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        }

        Assert.Equal(HttpStatusCode.Conflict, moveToB.StatusCode);
        Assert.Equal("refused", (await TestBrowser.JsonAsync(moveToB)).GetProperty("code").GetString());
        var storedB = await app.StoredAsync(personB.Id);
        Assert.Equal(AccountStatus.Active, storedB.Status);
        Assert.Equal(PracticeRoles.Staff, Assert.Single(storedB.Memberships).Roles);
        Assert.Equal(MembershipStatus.Active, Assert.Single((await app.StoredAsync(personA.Id)).Memberships).Status);
        Assert.DoesNotContain(personB.Username, await ownList.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var refusals = await app.AuditAsync(adminA.Id, AdminScope.RefusalAction);
        string[] attempted = ["organization.read", "account.read", "account.disable", "membership.roles", "account.unlock", "membership.add", "account.invite", "membership.reassign"];
        foreach (var act in attempted)
        {
            Assert.Contains(refusals, e => e.After!.Contains($"\"attempted\":\"{act}\"", StringComparison.Ordinal));
        }

        Assert.Contains(refusals, e => e.Action == AdminScope.RefusalAction && e.TargetId == personB.Id.ToString() && e.After!.Contains("membership.add", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api_StaffMember_CannotAdministerOwnPractice()
    {
        // Arrange: a person of A without the PracticeAdmin role.
        var (slugA, _) = await app.PracticeAsync("staffonly");
        var staff = await app.PersonAsync("sol", slugA, PracticeRoles.Staff);
        using var browser = await app.SignedInAsync(staff);

        // Act
        var api = await browser.GetAsync($"/api/v1/organizations/{slugA}/members");
        var page = await browser.GetAsync($"/admin/{slugA}");
        var (_, index) = await browser.GetPageAsync("/admin");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.NotNull(index.QuerySelector("[data-testid=no-practices]"));
        Assert.Equal(2, (await app.AuditAsync(staff.Id, AdminScope.RefusalAction)).Count);
    }

    [Fact]
    public async Task SignedOut_AdminPagesAndApi_AskToSignIn()
    {
        var (slug, _) = await app.PracticeAsync("anon");
        using var browser = app.CreateBrowser();

        var page = await browser.GetAsync($"/admin/{slug}");
        var api = await browser.GetAsync($"/api/v1/organizations/{slug}/members");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/sign-in", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    private static string StripTrace(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "[0-9a-f]{32}", "TRACE");
}
