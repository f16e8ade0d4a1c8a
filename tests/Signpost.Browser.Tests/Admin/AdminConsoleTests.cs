using Microsoft.Playwright;
using Signpost.Browser.Tests.Accessibility;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using Signpost.Browser.Tests.Recovery;
using static Microsoft.Playwright.Assertions;
using static Signpost.Browser.Tests.Docs.Screenshots;

namespace Signpost.Browser.Tests.Admin;

/// <summary>
/// The practice admin console in real Chromium, as the demo's practice administrator: invite → activate →
/// sign in through a real SMTP server, unlock a locked person, change a role, each showing in "recent
/// changes"; every console page passes axe; screenshots for docs/admin-console.md.
/// </summary>
public sealed class AdminConsoleTests(SignpostBrowserFixture fixture, RecoveryServer server)
    : BrowserTest(fixture), IClassFixture<RecoveryServer>
{
    protected override SignpostServer Server => server.Server;

    private async Task<IPage> AdminAsync(int width = 1280, int height = 720)
    {
        var home = await (await SignInPage.OpenAsync(await NewPageAsync(width: width, height: height), Demo.PracticePath)).SignInAsync(Demo.Admin, Demo.Password);
        return home.Page;
    }

    [Fact]
    public async Task Invite_ActivateAndSignIn_ShowsInRecentChanges()
    {
        // Arrange: from the home page's link to the console.
        var page = await AdminAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Practice administration" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = Demo.PracticeName }).ClickAsync();
        var practice = new PracticeAdminPage(page);
        var username = "nora." + Guid.NewGuid().ToString("N")[..6];
        var email = username + "@riverside.example";

        // Act 1: invite.
        await practice.InviteAsync(email, "Nora Newhire", username, "Staff");

        // Assert 1
        await Expect(practice.Done).ToContainTextAsync($"An invitation to join {Demo.PracticeName} as Staff is on its way to {email}.");
        await Expect(practice.Members.Locator($"tr[data-username='{username}']")).ToContainTextAsync("Waiting for activation");
        await Expect(practice.Changes.Locator("li").First).ToContainTextAsync("invited");

        // Act 2: the invitee activates from the email and signs in.
        var invitee = await NewPageAsync();
        var activate = await ActivatePage.OpenAsync(invitee, server.LinkIn(Assert.Single(await server.MailForAsync(email)), "/activate"));
        await activate.ActivateAsync("nora picks a long new sentence for work");
        var home = await (await activate.GoToSignInAsync()).SignInAsync(username, "nora picks a long new sentence for work");

        // Assert 2
        await Expect(home.Username).ToHaveTextAsync(username);
        var member = await new PracticeAdminPage(page).OpenMemberAsync(username);
        await Expect(member.Status).ToHaveTextAsync("Active");
        await Expect(member.Outcomes.Locator("tr[data-code='signed_in']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Unlock_LockedPerson_StatusClearsAndTrailShowsIt()
    {
        // Arrange: the demo locks demo.locked at start-up.
        var practice = await PracticeAdminPage.OpenAsync(await AdminAsync(), Demo.Slug);
        var member = await practice.OpenMemberAsync(Demo.Locked);
        await Expect(member.Status).ToContainTextAsync("locked until");

        // Act
        await member.UnlockAsync();

        // Assert
        await Expect(member.Done).ToContainTextAsync("Lee Locked is unlocked");
        await Expect(member.Status).ToHaveTextAsync("Active");
        await Expect(member.Changes.Locator("li").First).ToContainTextAsync($"unlocked by {Demo.Admin}");
        var signedIn = await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath)).SignInAsync(Demo.Locked, Demo.Password);
        await Expect(signedIn.Username).ToHaveTextAsync(Demo.Locked);
    }

    [Fact]
    public async Task ChangeRole_ShowsNewRolesAndTrail()
    {
        // Arrange
        var practice = await PracticeAdminPage.OpenAsync(await AdminAsync(), Demo.Slug);
        var member = await practice.OpenMemberAsync(Demo.Expired);

        // Act
        await member.SetRolesAsync("Staff", "Provider");

        // Assert
        await Expect(member.Done).ToContainTextAsync("Eli Expired's roles changed from Staff to Staff + Provider.");
        await Expect(member.Roles).ToHaveTextAsync("Staff, Provider");
        await Expect(member.Changes.Locator("li").First).ToContainTextAsync("roles changed");
        await Expect(member.Changes.Locator("li").First).ToContainTextAsync("Roles: Staff → Staff, Provider");
    }

    [Fact]
    public async Task ConsolePages_Axe_NoWcag21AAViolations()
    {
        // Arrange: the list, a practice with its chart and an invitation refused by a malformed email, and a person.
        var page = await AdminAsync();
        await page.GotoAsync("/admin");
        await Wcag21AA.AssertNoViolationsAsync(page, "/admin");

        var practice = await PracticeAdminPage.OpenAsync(page, Demo.Slug);
        await Expect(practice.Chart.GetByRole(AriaRole.Img)).ToBeVisibleAsync();
        await page.GetByText("The numbers as a table").ClickAsync();
        await Wcag21AA.AssertNoViolationsAsync(page, "/admin/riverside with the chart's table open");

        await practice.InviteAsync("not an email", "Someone", "someone.new", "Staff");
        await Expect(practice.Error).ToContainTextAsync("Email:");
        await Wcag21AA.AssertNoViolationsAsync(page, "/admin/riverside with an invitation error");

        // An email that has an account gets the answer every invitation gets (docs/security.md).
        await practice.InviteAsync(Demo.ActiveEmail, "Dana Again", "dana.again", "Staff");
        await Expect(practice.Done).ToContainTextAsync($"An invitation to join {Demo.PracticeName} as Staff is on its way to {Demo.ActiveEmail}.");
        await Wcag21AA.AssertNoViolationsAsync(page, "/admin/riverside with an invitation answer");

        var member = await (await PracticeAdminPage.OpenAsync(page, Demo.Slug)).OpenMemberAsync(Demo.Active);
        await Wcag21AA.AssertNoViolationsAsync(member.Page, "a person's page");

        // Act + Assert: a refusal on the person's page (the only administrator cannot demote themself).
        var self = await (await PracticeAdminPage.OpenAsync(page, Demo.Slug)).OpenMemberAsync(Demo.Admin);
        await self.SetRolesAsync("Staff");
        await Expect(self.Error).ToContainTextAsync("that would lock you out");
        await Wcag21AA.AssertNoViolationsAsync(self.Page, "a person's page with a refusal");
    }

    [Fact]
    public async Task ConsolePages_WriteScreenshots()
    {
        // Arrange: a few failures, so the chart shows more than one category.
        foreach (var password in new[] { Demo.WrongPassword, Demo.WrongPassword, Demo.Password })
        {
            await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath)).SignInExpectingFailureAsync("demo.disabled", password);
        }

        var page = await AdminAsync(Width, Height);

        // Act
        var practice = await PracticeAdminPage.OpenAsync(page, Demo.Slug);
        await Expect(practice.Chart.GetByRole(AriaRole.Img)).ToBeVisibleAsync();
        var practicePath = await TakeTopAsync(page, "admin-practice.png");
        await practice.Chart.ScrollIntoViewIfNeededAsync();
        var chartPath = await TakeElementAsync(practice.Chart, "admin-chart.png");
        var member = await (await PracticeAdminPage.OpenAsync(page, Demo.Slug)).OpenMemberAsync(Demo.Active);
        var memberPath = await TakeTopAsync(member.Page, "admin-member.png");

        // Assert
        foreach (var path in new[] { practicePath, memberPath })
        {
            AssertPng(path);
        }

        Assert.True(new FileInfo(chartPath).Length > 2_000);
    }

    /// <summary>The top of a long console page (the full page would be several screens tall).</summary>
    private static async Task<string> TakeTopAsync(IPage page, string name)
    {
        var path = Path.Combine(Repository.Root, "docs", "images", name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false, Animations = ScreenshotAnimations.Disabled });
        return path;
    }

    private static async Task<string> TakeElementAsync(ILocator element, string name)
    {
        var path = Path.Combine(Repository.Root, "docs", "images", name);
        await element.ScreenshotAsync(new LocatorScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled });
        return path;
    }
}
