using System.Net;
using AngleSharp.Html.Dom;
using Signpost.Core.Accounts;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Admin;

/// <summary>
/// Bad input and the rules that keep a practice administrable: two admins editing one person, the last
/// administrator, acting on oneself, an email that already has an account, malformed values.
/// </summary>
public sealed class AdminRulesTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task TwoAdmins_EditOnePersonAtOnce_SecondIsRefusedWithWhatChanged()
    {
        // Arrange: two admins open the same person's page.
        var (slug, first) = await app.PracticeAsync("twin");
        var second = await app.PersonAsync("second", slug, PracticeRoles.PracticeAdmin);
        var person = await app.PersonAsync("pia", slug, PracticeRoles.Staff);
        using var one = await app.SignedInAsync(first);
        using var two = await app.SignedInAsync(second);
        var path = $"/admin/{slug}/users/{person.Id}";
        var rolesForm = await one.OpenFormAsync(path, "form[data-testid=roles-form]");
        var disableForm = await two.OpenFormAsync(path, "form[data-testid=disable-form]");

        // Act: the first saves new roles; the second, still on the old page, disables.
        var saved = await one.SubmitAsync(rolesForm, [new("roles", "Provider")]);
        var stale = await two.SubmitAsync(disableForm);
        var page = await TestBrowser.ParseAsync(stale);

        // Assert: the second change is not made, and the message says what happened meanwhile.
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var error = page.QuerySelector("[data-testid=admin-error]")!.TextContent;
        Assert.Contains("Someone else changed this user after you opened the page: roles changed by " + first.Username, error, StringComparison.Ordinal);
        Assert.Contains("Review and try again.", error, StringComparison.Ordinal);
        var stored = await app.StoredAsync(person.Id);
        Assert.Equal(AccountStatus.Active, stored.Status);
        Assert.Equal(PracticeRoles.Provider, stored.Memberships.Single().Roles);
        Assert.Equal(1, stored.Version);

        // The page shown with the refusal carries the new version: trying again works.
        var retry = await two.SubmitAsync(HtmlForm.From(page, path, "form[data-testid=disable-form]"));
        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        Assert.Equal(AccountStatus.Disabled, (await app.StoredAsync(person.Id)).Status);
    }

    [Fact]
    public async Task Api_StaleVersion_Is409WithCurrentVersion()
    {
        var (slug, admin) = await app.PracticeAsync("apistale");
        var person = await app.PersonAsync("sam", slug, PracticeRoles.Staff);
        using var browser = await app.SignedInAsync(admin);
        var url = $"/api/v1/organizations/{slug}/members/{person.Id}";

        var first = await browser.PutJsonAsync($"{url}/roles", new { version = 0, roles = new[] { "Staff", "Provider" } });
        var second = await browser.PostJsonAsync($"{url}/disable", new { version = 0 });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1, (await TestBrowser.JsonAsync(first)).GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await TestBrowser.JsonAsync(second);
        Assert.Equal("stale_version", problem.GetProperty("code").GetString());
        Assert.Equal(1, problem.GetProperty("currentVersion").GetInt32());
        Assert.Contains("roles changed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(AccountStatus.Active, (await app.StoredAsync(person.Id)).Status);
    }

    [Fact]
    public async Task LastAdmin_RemoveDemoteDisable_RefusedWithReason()
    {
        // Arrange: a platform admin (who may act on anyone) and a practice with exactly one admin.
        var (slug, only) = await app.PracticeAsync("solo", "Solo Clinic");
        var platform = await app.PersonAsync("plat", null, PracticeRoles.None, platform: PlatformRoles.PlatformAdmin);
        using var browser = await app.SignedInAsync(platform);
        var url = $"/api/v1/organizations/{slug}/members/{only.Id}";

        // Act
        var remove = await browser.PostJsonAsync($"{url}/remove", new { version = 0 });
        var demote = await browser.PutJsonAsync($"{url}/roles", new { version = 0, roles = new[] { "Staff" } });
        var disable = await browser.PostJsonAsync($"{url}/disable", new { version = 0 });
        var keepAdmin = await browser.PutJsonAsync($"{url}/roles", new { version = 0, roles = new[] { "PracticeAdmin" } });

        // Assert
        foreach (var refused in new[] { remove, demote, disable })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var problem = await TestBrowser.JsonAsync(refused);
            Assert.Equal("refused", problem.GetProperty("code").GetString());
            Assert.Contains("is the last active administrator of Solo Clinic", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, keepAdmin.StatusCode);
        var stored = await app.StoredAsync(only.Id);
        Assert.Equal(AccountStatus.Active, stored.Status);
        Assert.Equal(PracticeRoles.PracticeAdmin, stored.Memberships.Single().Roles);
    }

    [Fact]
    public async Task Page_RemoveLastAdmin_ShowsReason_AndSelfActsRefused()
    {
        // Arrange: two admins; the first removes the second (allowed), then cannot demote or remove themself.
        var (slug, first) = await app.PracticeAsync("pair", "Pair Clinic");
        var second = await app.PersonAsync("other", slug, PracticeRoles.PracticeAdmin);
        using var browser = await app.SignedInAsync(first);

        // Act
        var removed = await browser.SubmitAsync(await browser.OpenFormAsync($"/admin/{slug}/users/{second.Id}", "form[data-testid=remove-form]"));
        var self = $"/admin/{slug}/users/{first.Id}";
        var demoteSelf = await browser.SubmitAsync(await browser.OpenFormAsync(self, "form[data-testid=roles-form]"), [new("roles", "Staff")]);
        var removeSelf = await browser.SubmitAsync(await browser.OpenFormAsync(self, "form[data-testid=remove-form]"));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(MembershipStatus.Removed, (await app.StoredAsync(second.Id)).Memberships.Single().Status);
        foreach (var refused in new[] { demoteSelf, removeSelf })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var text = (await TestBrowser.ParseAsync(refused)).QuerySelector("[data-testid=admin-error]")!.TextContent;
            Assert.Contains("that would lock you out", text, StringComparison.Ordinal);
        }

        Assert.Equal(PracticeRoles.PracticeAdmin | PracticeRoles.Staff, (await app.StoredAsync(first.Id)).Memberships.Single().Roles);
    }

    [Fact]
    public async Task Invite_EmailWithAccount_SendsAnInvitation_NeverDuplicatesNorNamesThePerson()
    {
        // Arrange: someone of another practice already has an account.
        var (slug, admin) = await app.PracticeAsync("offer", "Offer Clinic");
        var (otherSlug, _) = await app.PracticeAsync("elsewhere");
        var known = await app.PersonAsync("kit", otherSlug, PracticeRoles.Staff);
        using var browser = await app.SignedInAsync(admin);
        var form = await browser.OpenFormAsync($"/admin/{slug}", "form[data-testid=invite-form]");

        // Act: invite the same email (in other letter case).
        var invited = await browser.SubmitAsync(form, [
            new("Invite.Email", known.Email.ToUpperInvariant()), new("Invite.DisplayName", "Kit Again"), new("Invite.Username", TestAccounts.Unique("kit2")),
            new("Invite.Roles", "Provider")]);

        // Assert: the answer every invitation gets, without the person's name; no second account; an invitation
        // waiting for the person's consent, not a membership (docs/security.md).
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var (_, list) = await browser.GetPageAsync($"/admin/{slug}");
        var done = list.QuerySelector("[data-testid=admin-done]")!.TextContent;
        Assert.Contains($"An invitation to join Offer Clinic as Provider is on its way to {known.Email.ToUpperInvariant()}.", done, StringComparison.Ordinal);
        Assert.DoesNotContain(known.DisplayName, done, StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Accounts, a => a.NormalizedEmail == known.NormalizedEmail)));
        var stored = await app.StoredAsync(known.Id);
        Assert.Single(stored.Memberships, m => m.Status == MembershipStatus.Active);
        Assert.Single(stored.Memberships, m => m.Status == MembershipStatus.Invited && m.Roles == PracticeRoles.Provider);
        Assert.Null(list.QuerySelector($"[data-testid=members] tr[data-username='{known.Username}']"));
        Assert.Single(await app.AuditAsync(admin.Id, "membership.invite"));
    }

    [Theory]
    [InlineData("Invite.Email", "not-an-email", "Email: ")]
    [InlineData("Invite.Username", "x", "Username: ")]
    [InlineData("Invite.Npi", "1234567890", "NPI: ")]
    [InlineData("Invite.DisplayName", "", "Name: ")]
    [InlineData("Invite.Roles", "Janitor", "Roles: ")]
    public async Task Invite_MalformedValue_RejectedWithFieldNamed(string field, string value, string named)
    {
        var (slug, admin) = await app.PracticeAsync("bad");
        using var browser = await app.SignedInAsync(admin);
        var form = await browser.OpenFormAsync($"/admin/{slug}", "form[data-testid=invite-form]");
        var username = TestAccounts.Unique("newbie");
        var values = new Dictionary<string, string>
        {
            ["Invite.Email"] = $"{username}@clinic.example", ["Invite.DisplayName"] = "New Person", ["Invite.Username"] = username, ["Invite.Roles"] = "Staff",
        };
        values[field] = value;

        var response = await browser.SubmitAsync(form, values.Select(v => new KeyValuePair<string, string>(v.Key, v.Value)));
        var page = await TestBrowser.ParseAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(named, page.QuerySelector("[data-testid=admin-error]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Accounts, a => a.Username == username)));
    }

    [Fact]
    public async Task Api_MalformedInput_ClearProblemsNever500()
    {
        var (slug, admin) = await app.PracticeAsync("junk");
        var person = await app.PersonAsync("jo", slug, PracticeRoles.Staff);
        using var browser = await app.SignedInAsync(admin);
        var members = $"/api/v1/organizations/{slug}/members";

        var badGuid = await browser.PostJsonAsync($"{members}/not-a-guid/disable", new { version = 0 });
        var noVersion = await browser.PostJsonAsync($"{members}/{person.Id}/disable", new { });
        var unknownRole = await browser.PutJsonAsync($"{members}/{person.Id}/roles", new { version = 0, roles = new[] { "Overlord" } });
        var numericRole = await browser.PutJsonAsync($"{members}/{person.Id}/roles", new { version = 0, roles = new[] { "7" } });
        var badDays = await browser.PostJsonAsync($"{members}/{person.Id}/password-expiry-extension", new { version = 0, days = 9999 });
        var huge = await browser.PostJsonAsync(members, new { email = new string('a', 10_000) });
        var notJson = await browser.Http.PostAsync(new Uri($"{members}/{person.Id}/disable", UriKind.Relative), new StringContent("version=0", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        var broken = await browser.Http.PostAsync(new Uri($"{members}/{person.Id}/disable", UriKind.Relative), new StringContent("{\"version\":0,\"version\":1}", System.Text.Encoding.UTF8, "application/json"));
        var longQuery = await browser.GetAsync($"{members}?q={new string('z', 5000)}");
        var badSlug = await browser.GetAsync($"/api/v1/organizations/{new string('S', 300)}/members");

        Assert.Equal(HttpStatusCode.BadRequest, badGuid.StatusCode);
        Assert.Equal("accountId", (await TestBrowser.JsonAsync(badGuid)).GetProperty("field").GetString());
        await AssertFieldAsync(noVersion, "version");
        await AssertFieldAsync(unknownRole, "roles");
        await AssertFieldAsync(numericRole, "roles");
        await AssertFieldAsync(badDays, "days");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, longQuery.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, badSlug.StatusCode);
        var stored = await app.StoredAsync(person.Id);
        Assert.Equal(0, stored.Version);
        Assert.Equal(PracticeRoles.Staff, stored.Memberships.Single().Roles);
    }

    [Fact]
    public async Task Api_ListSearchAndActs_Work()
    {
        var (slug, admin) = await app.PracticeAsync("api");
        var person = await app.PersonAsync("quinn", slug, PracticeRoles.Staff);
        using var browser = await app.SignedInAsync(admin);
        var members = $"/api/v1/organizations/{slug}/members";

        var found = await TestBrowser.JsonAsync(await browser.GetAsync($"{members}?q={person.Username.ToUpperInvariant()}"));
        var unlocked = await browser.PostJsonAsync($"{members}/{person.Id}/unlock", new { version = 0 });
        var disabled = await browser.PostJsonAsync($"{members}/{person.Id}/disable", new { version = 1 });
        var enabled = await browser.PostJsonAsync($"{members}/{person.Id}/enable", new { version = 2 });
        var extended = await browser.PostJsonAsync($"{members}/{person.Id}/password-expiry-extension", new { version = 3, days = 30 });
        var removed = await browser.PostJsonAsync($"{members}/{person.Id}/remove", new { version = 4 });

        Assert.Equal(person.Id, Assert.Single(found.EnumerateArray()).GetProperty("accountId").GetGuid());
        foreach (var response in new[] { unlocked, disabled, enabled, extended, removed })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var stored = await app.StoredAsync(person.Id);
        Assert.Equal(5, stored.Version);
        Assert.Equal(30, stored.PasswordExpiryExtensionDays);
        Assert.Equal(MembershipStatus.Removed, stored.Memberships.Single().Status);
        string[] acts = ["account.unlock", "account.disable", "account.enable", "password.expiry-extension", "membership.remove"];
        foreach (var act in acts)
        {
            var entry = Assert.Single(await app.AuditAsync(admin.Id, act));
            Assert.Equal(person.Id.ToString(), entry.TargetId);
            Assert.NotNull(entry.Before);
            Assert.NotNull(entry.After);
        }
    }

    private static async Task AssertFieldAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestBrowser.JsonAsync(response);
        Assert.Equal("invalid_request", problem.GetProperty("code").GetString());
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
    }
}
