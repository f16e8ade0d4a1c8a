using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Web.Infrastructure;
using Signpost.Web.Tests.Admin;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Recovery;

namespace Signpost.Web.Tests.Boundary;

/// <summary>
/// The tenant boundary's first hole (issue 15, attack 1): a practice administrator who names the email of
/// someone at another practice must not get that person — only send them an invitation they accept through
/// an emailed single-use link; payer staff are never added; and the answer never says whether the email
/// has an account. Played through the real API and pages with a real SMTP server.
/// </summary>
public sealed class InvitationTests(RecoveryApp app) : IClassFixture<RecoveryApp>
{
    [Fact]
    public async Task AddExisting_EmailOfAnotherPracticesPerson_OnlyInvites_JoinsAfterAcceptingTheLink()
    {
        // Arrange: Riverside's admin, and a person who works at Lakeside only.
        var (riverside, admin) = await app.PracticeAsync("river", "Riverside Clinic");
        var (lakeside, _) = await app.PracticeAsync("lake", "Lakeside Clinic");
        var person = await app.PersonAsync("lena", lakeside, PracticeRoles.Staff);
        using var browser = await app.SignedInAsync(admin);

        // Act 1: the attack as filed — add the person by email.
        var added = await browser.PostJsonAsync($"/api/v1/organizations/{riverside}/members/existing", new { email = person.Email, roles = new[] { "Staff" } });

        // Assert 1: an invitation only. The person is no member of Riverside, Riverside's admin cannot read them,
        // and the person got an email with a link to accept.
        Assert.Equal(HttpStatusCode.Accepted, added.StatusCode);
        var stored = await app.StoredAsync(person.Id);
        var offer = stored.Memberships.Single(m => m.OrganizationId != stored.Memberships.Single(x => x.Status == MembershipStatus.Active).OrganizationId);
        Assert.Equal(MembershipStatus.Invited, offer.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/api/v1/organizations/{riverside}/members/{person.Id}")).StatusCode);
        Assert.Single(await app.AuditAsync(admin.Id, "membership.invite"));
        var mail = Assert.Single(await app.MailForAsync(person.Email));
        Assert.Contains("Riverside Clinic", mail.Text, StringComparison.Ordinal);

        // Act 2: the person opens the link and accepts.
        using var invitee = app.CreateBrowser();
        var link = RecoveryApp.LinkIn(mail, "/invitation");
        var (_, page) = await invitee.GetPageAsync(link);
        Assert.Contains("Riverside Clinic", page.QuerySelector("[data-testid=invitation-form]")!.TextContent, StringComparison.Ordinal);
        var answered = await invitee.SubmitAsync(HtmlForm.From(page, link, "[data-testid=invitation-form]"));
        var again = await invitee.SubmitAsync(HtmlForm.From(page, link, "[data-testid=invitation-form]"));

        // Assert 2: now a member, by their own act; the link worked once.
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("You joined Riverside Clinic", (await TestBrowser.ParseAsync(answered)).QuerySelector("[data-testid=invitation-answered]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(MembershipStatus.Active, (await app.StoredAsync(person.Id)).Memberships.Single(m => m.Id == offer.Id).Status);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "membership.accept" && e.ActorAccountId == person.Id)));
        Assert.Null((await TestBrowser.ParseAsync(again)).QuerySelector("[data-testid=invitation-answered]"));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/api/v1/organizations/{riverside}/members/{person.Id}")).StatusCode);
    }

    [Fact]
    public async Task Invitation_Declined_GivesNoAccess()
    {
        var (riverside, admin) = await app.PracticeAsync("river", "Riverside Clinic");
        var (lakeside, _) = await app.PracticeAsync("lake");
        var person = await app.PersonAsync("dana", lakeside, PracticeRoles.Staff);
        using var browser = await app.SignedInAsync(admin);
        await browser.PostJsonAsync($"/api/v1/organizations/{riverside}/members/existing", new { email = person.Email, roles = new[] { "PracticeAdmin" } });
        var link = RecoveryApp.LinkIn(Assert.Single(await app.MailForAsync(person.Email)), "/invitation");
        using var invitee = app.CreateBrowser();
        var (_, page) = await invitee.GetPageAsync(link);

        var form = HtmlForm.From(page, link, "[data-testid=invitation-form]");
        using var unticked = new FormUrlEncodedContent(form.Without("accept"));
        var answered = await invitee.Http.PostAsync(new Uri(form.Action, UriKind.Relative), unticked);

        Assert.Contains("You declined", (await TestBrowser.ParseAsync(answered)).QuerySelector("[data-testid=invitation-answered]")!.TextContent, StringComparison.Ordinal);
        var stored = await app.StoredAsync(person.Id);
        Assert.Single(stored.Memberships, m => m.Status == MembershipStatus.Active);
        Assert.Single(stored.Memberships, m => m.Status == MembershipStatus.Removed);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/api/v1/organizations/{riverside}/members/{person.Id}")).StatusCode);
    }

    [Fact]
    public async Task Invite_PlatformStaffEmail_SameAnswerAsUnknownEmail_NeverAddedNorEmailed()
    {
        // Arrange: payer support has an account; a practice admin tries to pull it in, by both routes.
        var (riverside, admin) = await app.PracticeAsync("river", "Riverside Clinic");
        var support = await app.PersonAsync("help", null, PracticeRoles.None, platform: PlatformRoles.SupportAgent);
        var nobody = $"{TestAccounts.Unique("nobody")}@clinic.example";
        using var browser = await app.SignedInAsync(admin);

        // Act
        var staffExisting = await browser.PostJsonAsync($"/api/v1/organizations/{riverside}/members/existing", new { email = support.Email, roles = new[] { "PracticeAdmin" } });
        var nobodyExisting = await browser.PostJsonAsync($"/api/v1/organizations/{riverside}/members/existing", new { email = nobody, roles = new[] { "PracticeAdmin" } });
        var staffInvite = await browser.PostJsonAsync($"/api/v1/organizations/{riverside}/members",
            new { email = support.Email, username = TestAccounts.Unique("s"), displayName = "S", roles = new[] { "Staff" } });

        // Assert: the same status and sentence (but for the email typed) as for an email with no account; nothing joined, nothing sent, refusal audited.
        Assert.Equal(HttpStatusCode.Accepted, staffExisting.StatusCode);
        Assert.Equal(nobodyExisting.StatusCode, staffExisting.StatusCode);
        Assert.Equal(Message(await TestBrowser.JsonAsync(nobodyExisting), nobody), Message(await TestBrowser.JsonAsync(staffExisting), support.Email));
        Assert.Equal(HttpStatusCode.Accepted, staffInvite.StatusCode);
        Assert.Empty((await app.StoredAsync(support.Id)).Memberships);
        Assert.Empty(app.MailFor(support.Email));
        var refusals = await app.AuditAsync(admin.Id, AdminScope.RefusalAction);
        Assert.Equal(2, refusals.Count(e => e.TargetId == support.Id.ToString() && e.After!.Contains("platform role", StringComparison.Ordinal)));

        static string Message(System.Text.Json.JsonElement body, string email) =>
            body.GetProperty("message").GetString()!.Replace(email, "{email}", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Invite_NewEmailAndEmailWithAccount_AnswerAlike()
    {
        // Arrange
        var (riverside, admin) = await app.PracticeAsync("river", "Riverside Clinic");
        var (lakeside, _) = await app.PracticeAsync("lake");
        var person = await app.PersonAsync("omar", lakeside, PracticeRoles.Staff);
        var fresh = $"{TestAccounts.Unique("fresh")}@clinic.example";
        using var browser = await app.SignedInAsync(admin);

        // Act: the same invitation form, once with a new email, once with the email of someone at Lakeside.
        var known = await browser.PostJsonAsync($"/api/v1/organizations/{riverside}/members",
            new { email = person.Email, username = TestAccounts.Unique("o"), displayName = "Omar Again", roles = new[] { "Staff" } });
        var unknown = await browser.PostJsonAsync($"/api/v1/organizations/{riverside}/members",
            new { email = fresh, username = TestAccounts.Unique("f"), displayName = "Fresh Person", roles = new[] { "Staff" } });

        // Assert: one status, one sentence, no name or account of the Lakeside person in the answer.
        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(unknown.StatusCode, known.StatusCode);
        var knownBody = await known.Content.ReadAsStringAsync();
        var unknownBody = await unknown.Content.ReadAsStringAsync();
        Assert.Equal(unknownBody.Replace(fresh, "{email}", StringComparison.Ordinal), knownBody.Replace(person.Email, "{email}", StringComparison.Ordinal));
        Assert.DoesNotContain(person.DisplayName, knownBody, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Id.ToString(), knownBody, StringComparison.Ordinal);
        Assert.Equal(MembershipStatus.Invited, (await app.StoredAsync(person.Id)).Memberships.Single(m => m.Status != MembershipStatus.Active).Status);
        Assert.Single(await app.MailForAsync(fresh));
        Assert.Single(await app.MailForAsync(person.Email));
    }
}
