using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Recovery;

namespace Signpost.Web.Tests.Admin;

/// <summary>
/// The console's journeys through a real SMTP server: invite → activate → sign in, unlock, force a reset,
/// move a person between two practices, with the audit trail and the outcomes chart showing each.
/// </summary>
public sealed class AdminJourneyTests(RecoveryApp app) : IClassFixture<RecoveryApp>
{
    [Fact]
    public async Task Invite_NewPerson_ActivatesBySentLink_AndSignsIn()
    {
        // Arrange
        var (slug, admin) = await app.PracticeAsync("invite", "Invite Clinic");
        using var browser = await app.SignedInAsync(admin);
        var username = TestAccounts.Unique("nina");
        var email = $"{username}@clinic.example";
        var form = await browser.OpenFormAsync($"/admin/{slug}", "form[data-testid=invite-form]");

        // Act 1: invite.
        var invited = await browser.SubmitAsync(form, [
            new("Invite.Email", email), new("Invite.DisplayName", "Nina Newcomer"), new("Invite.Username", username), new("Invite.Npi", "1245319599"),
            new("Invite.Roles", "Staff"), new("Invite.Roles", "Provider")]);

        // Assert 1: a pending account with the membership, and the activation email.
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var account = await app.WithDbAsync(db => db.Accounts.AsNoTracking().Include(a => a.Memberships).SingleAsync(a => a.Username == username));
        Assert.Equal(AccountStatus.PendingActivation, account.Status);
        Assert.Equal(PracticeRoles.Staff | PracticeRoles.Provider, account.Memberships.Single().Roles);
        var mail = Assert.Single(await app.MailForAsync(email));
        var (_, listing) = await browser.GetPageAsync($"/admin/{slug}");
        Assert.Contains($"An invitation to join Invite Clinic as Staff + Provider is on its way to {email}.", listing.QuerySelector("[data-testid=admin-done]")!.TextContent, StringComparison.Ordinal);

        // Act 2: the invitee activates through the link and signs in.
        using var invitee = app.CreateBrowser();
        var link = RecoveryApp.LinkIn(mail, "/activate");
        var (_, activation) = await invitee.GetPageAsync(link);
        await invitee.SubmitAsync(HtmlForm.From(activation, link), [new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)]);
        var signIn = await invitee.SignInAsync(username, TestAccounts.NewPassword);

        // Assert 2: active, signed in, and the trail has the invitation.
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location!.OriginalString);
        Assert.Equal(AccountStatus.Active, (await app.StoredAsync(account.Id)).Status);
        var invite = Assert.Single(await app.AuditAsync(admin.Id, "account.invite"));
        Assert.Equal(account.Id.ToString(), invite.TargetId);
        var (_, person) = await browser.GetPageAsync($"/admin/{slug}/users/{account.Id}");
        Assert.Contains(person.QuerySelectorAll("[data-testid=changes] li"), li => li.GetAttribute("data-action") == "invited");
        Assert.Contains(person.QuerySelectorAll("[data-testid=member-outcomes] tr"), tr => tr.GetAttribute("data-code") == ReasonCodes.SignedIn);
    }

    [Fact]
    public async Task Unlock_LockedPerson_SignsInAgain_AndTrailShowsIt()
    {
        // Arrange: a locked person.
        var (slug, admin) = await app.PracticeAsync("unlock", "Unlock Clinic");
        var person = await app.PersonAsync("lou", slug, PracticeRoles.Staff);
        await app.LockAsync(person.Id, TimeSpan.FromHours(1));
        using var browser = await app.SignedInAsync(admin);
        var path = $"/admin/{slug}/users/{person.Id}";
        var (_, before) = await browser.GetPageAsync(path);

        // Act
        var unlocked = await browser.SubmitAsync(HtmlForm.From(before, path, "form[data-testid=unlock-form]"));
        var (_, after) = await browser.GetPageAsync(path);
        using var personBrowser = app.CreateBrowser();
        var signIn = await personBrowser.SignInAsync(person.Username, TestAccounts.Password);

        // Assert
        Assert.Contains("locked until", before.QuerySelector("[data-testid=member-status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, unlocked.StatusCode);
        Assert.Contains("is unlocked (1 lock(s) cleared)", after.QuerySelector("[data-testid=admin-done]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("locked", after.QuerySelector("[data-testid=member-status]")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(await app.LocksAsync(person.Id));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("unlocked", after.QuerySelector("[data-testid=changes] li")!.GetAttribute("data-action"));
        var entry = Assert.Single(await app.AuditAsync(admin.Id, "account.unlock"));
        Assert.Contains("\"Version\":1", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForceReset_EndsSessions_SendsLink_AndRequiresNewPassword()
    {
        // Arrange: the person is signed in somewhere.
        var (slug, admin) = await app.PracticeAsync("reset", "Reset Clinic");
        var person = await app.PersonAsync("rae", slug, PracticeRoles.Staff);
        using var personBrowser = await app.SignedInAsync(person);
        using var browser = await app.SignedInAsync(admin);

        // Act
        var path = $"/admin/{slug}/users/{person.Id}";
        var response = await browser.SubmitAsync(await browser.OpenFormAsync(path, "form[data-testid=force-reset-form]"));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var stored = await app.StoredAsync(person.Id);
        Assert.True(stored.MustChangePassword);
        Assert.Equal(HttpStatusCode.Redirect, (await personBrowser.GetAsync("/")).StatusCode);
        var mail = Assert.Single(await app.MailForAsync(person.Email));
        Assert.Contains("/reset-password?token=", mail.Text, StringComparison.Ordinal);
        Assert.Single(await app.AuditAsync(admin.Id, "account.force-reset"));
    }

    [Fact]
    public async Task Reassign_NeedsRightsInBoth_MovesWithRoles()
    {
        // Arrange: one admin runs two practices; a third practice is someone else's.
        var (from, admin) = await app.PracticeAsync("from", "From Clinic");
        var to = TestAccounts.Unique("to");
        await app.CreateOrganizationAsync(to, "To Clinic");
        await app.WithDbAsync(db =>
        {
            db.Memberships.Add(new Membership { AccountId = admin.Id, OrganizationId = db.Organizations.Single(o => o.Slug == to).Id, Roles = PracticeRoles.PracticeAdmin });
            return db.SaveChangesAsync();
        });
        var (foreign, _) = await app.PracticeAsync("foreign");
        var person = await app.PersonAsync("max", from, PracticeRoles.Provider);
        using var browser = await app.SignedInAsync(admin);
        var path = $"/admin/{from}/users/{person.Id}";
        var form = await browser.OpenFormAsync(path, "form[data-testid=reassign-form]");

        // Act
        var refused = await browser.SubmitAsync(form, [new("to", foreign)]);
        var moved = await browser.SubmitAsync(form, [new("to", to)]);

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("needs administrator rights in both practices", (await TestBrowser.ParseAsync(refused)).QuerySelector("[data-testid=admin-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        var stored = await app.StoredAsync(person.Id);
        var active = Assert.Single(stored.Memberships, m => m.Status == MembershipStatus.Active);
        Assert.Equal(PracticeRoles.Provider, active.Roles);
        Assert.Equal(2, (await app.AuditAsync(admin.Id, "membership.reassign")).Count);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/admin/{to}/users/{person.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/admin/{from}/users/{person.Id}")).StatusCode);
    }

    [Fact]
    public async Task Chart_CountsThePracticesOutcomesByReason()
    {
        // Arrange: one success and two wrong passwords today for a person of the practice.
        var (slug, admin) = await app.PracticeAsync("chart", "Chart Clinic");
        var person = await app.PersonAsync("cy", slug, PracticeRoles.Staff);
        using var personBrowser = app.CreateBrowser();
        await personBrowser.SignInAsync(person.Username, TestAccounts.WrongPassword);
        await personBrowser.SignInAsync(person.Username, TestAccounts.WrongPassword);
        using var browser = await app.SignedInAsync(admin);
        await personBrowser.SignInAsync(person.Username, TestAccounts.Password);

        // Act
        var (response, page) = await browser.GetPageAsync($"/admin/{slug}?days=30");

        // Assert: bars with titles, and the same numbers in the tables.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var svg = page.QuerySelector("[data-testid=outcomes-chart] svg")!;
        Assert.Equal("img", svg.GetAttribute("role"));
        Assert.Contains(svg.QuerySelectorAll("rect title"), t => t.TextContent.EndsWith("2 × Credentials", StringComparison.Ordinal));
        Assert.Equal(30, page.QuerySelectorAll("[data-testid=outcomes-table] tbody tr").Length);
        var byReason = page.QuerySelectorAll("[data-testid=outcomes-by-reason] tbody tr");
        Assert.Contains(byReason, tr => tr.GetAttribute("data-code") == ReasonCodes.InvalidCredentials && tr.Children[2].TextContent == "2");
        Assert.Contains(byReason, tr => tr.GetAttribute("data-code") == ReasonCodes.SignedIn);
        Assert.NotNull(page.QuerySelector($"[data-testid=outcomes-by-reason] a[href='/help/codes/{ReasonCodes.InvalidCredentials}']"));
    }
}
