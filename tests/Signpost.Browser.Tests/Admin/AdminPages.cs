using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Admin;

/// <summary>A practice's console page (/admin/{slug}): people, invitation, outcomes chart, recent changes.</summary>
public sealed class PracticeAdminPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Done => Page.GetByTestId("admin-done");

    public ILocator Error => Page.GetByTestId("admin-error");

    public ILocator Members => Page.GetByTestId("members");

    public ILocator Chart => Page.GetByTestId("outcomes-chart");

    public ILocator Changes => Page.GetByTestId("changes");


    public static async Task<PracticeAdminPage> OpenAsync(IPage page, string slug)
    {
        await page.GotoAsync($"/admin/{slug}");
        await Expect(page.GetByTestId("invite-form")).ToBeVisibleAsync();
        return new PracticeAdminPage(page);
    }

    public async Task InviteAsync(string email, string name, string username, params string[] roles)
    {
        await Page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await Page.GetByLabel("Username (provider ID)").FillAsync(username);
        var form = Page.GetByTestId("invite-form");
        foreach (var role in new[] { "Practice administrator", "Staff", "Provider" })
        {
            await form.GetByLabel(role, new() { Exact = true }).SetCheckedAsync(roles.Contains(role));
        }

        await Page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
    }

    public async Task<MemberAdminPage> OpenMemberAsync(string username)
    {
        await Page.GetByLabel("Name, username, email or NPI").FillAsync(username);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Members.Locator($"tr[data-username='{username}'] a").ClickAsync();
        return await MemberAdminPage.ExpectAsync(Page);
    }
}

/// <summary>One person's console page (/admin/{slug}/users/{id}).</summary>
public sealed class MemberAdminPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Done => Page.GetByTestId("admin-done");

    public ILocator Error => Page.GetByTestId("admin-error");

    public ILocator Status => Page.GetByTestId("member-status");

    public ILocator Roles => Page.GetByTestId("member-roles");

    public ILocator Changes => Page.GetByTestId("changes");

    public ILocator Outcomes => Page.GetByTestId("member-outcomes");

    public static async Task<MemberAdminPage> ExpectAsync(IPage page)
    {
        await Expect(page.GetByTestId("member-facts")).ToBeVisibleAsync();
        return new MemberAdminPage(page);
    }

    public async Task SetRolesAsync(params string[] roles)
    {
        var form = Page.GetByTestId("roles-form");
        foreach (var role in new[] { "Practice administrator", "Staff", "Provider" })
        {
            await form.GetByLabel(role, new() { Exact = true }).SetCheckedAsync(roles.Contains(role));
        }

        await form.GetByRole(AriaRole.Button, new() { Name = "Save roles" }).ClickAsync();
    }

    public Task UnlockAsync() => Page.GetByTestId("unlock-form").GetByRole(AriaRole.Button).ClickAsync();
}
