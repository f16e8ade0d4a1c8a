using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Accessibility;

/// <summary>axe-core finds no serious or critical violation on the pages people sign in through.</summary>
public sealed class AxeTests(SignpostBrowserFixture fixture) : BrowserTest(fixture)
{
    [Theory]
    [InlineData("/sign-in")]
    [InlineData(Demo.PracticePath)]
    [InlineData("/help/codes")]
    [InlineData("/help/codes/invalid_credentials")]
    public async Task AnonymousPage_Axe_NoSeriousViolations(string path)
    {
        // Arrange
        var page = await NewPageAsync();
        var response = await page.GotoAsync(path);
        Assert.Equal(200, response?.Status);

        // Act
        var result = await page.RunAxe();

        // Assert
        AssertNoSeriousViolations(result, path);
    }

    [Fact]
    public async Task SignInPageShowingFailure_Axe_NoSeriousViolations()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath);
        await signIn.SignInExpectingFailureAsync(Demo.Admin, Demo.WrongPassword);
        await signIn.PressKeyInPasswordAsync("R", capsLock: true);

        // Act
        var result = await signIn.Page.RunAxe();

        // Assert
        AssertNoSeriousViolations(result, "sign-in with a failure and the caps-lock warning");
    }

    [Fact]
    public async Task HomePage_Axe_NoSeriousViolations()
    {
        // Arrange
        var home = await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath)).SignInAsync(Demo.Active, Demo.Password);

        // Act
        var result = await home.Page.RunAxe();

        // Assert
        AssertNoSeriousViolations(result, "home");
    }

    [Fact]
    public async Task SessionsPage_Axe_NoSeriousViolations()
    {
        // Arrange: a second session, so the page lists one that can be signed out. The server is shared
        // with other classes (analytics signs demo.support in too), so the count is "at least two".
        await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath)).SignInAsync(Demo.Support, Demo.Password);
        var home = await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath)).SignInAsync(Demo.Support, Demo.Password);
        var sessions = await SessionsPage.OpenAsync(home.Page);
        await Expect(sessions.Rows.Nth(1)).ToBeVisibleAsync();

        // Act
        var result = await sessions.Page.RunAxe();

        // Assert
        AssertNoSeriousViolations(result, "sessions");
    }

    [Fact]
    public async Task ChangePasswordPage_Axe_NoSeriousViolations()
    {
        // Arrange
        var change = await ChangePasswordPage.OpenAsync(await NewPageAsync(), Fixture.ChangePasswordPath);

        // Act
        var result = await change.Page.RunAxe();

        // Assert
        AssertNoSeriousViolations(result, "change password");
    }

    private static void AssertNoSeriousViolations(AxeResult result, string where)
    {
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0,
            $"axe found {serious.Count} serious or critical violation(s) on {where}:\n"
            + string.Join("\n", serious.Select(v =>
                $"- [{v.Impact}] {v.Id}: {v.Help} ({v.HelpUrl})\n"
                + string.Join("\n", v.Nodes.Select(n => $"    {n.Target}: {n.Html}")))));
    }
}
