using Signpost.Browser.Tests.Accessibility;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Support;

/// <summary>
/// The help centre, every state of "Can't sign in?", and the support console's pages pass axe's WCAG 2.1 A
/// and AA rules with no violation at all. Three help requests are filed here, within the hour's five.
/// </summary>
public sealed class SupportAxeTests(SignpostBrowserFixture fixture, SupportServer support) : SupportTest(fixture, support)
{
    [Theory]
    [InlineData("/help")]
    [InlineData(CantSignInPage.Path)]
    public async Task AnonymousPage_Axe_NoWcag21AAViolations(string path)
    {
        // Arrange
        var page = await NewPageAsync();
        var response = await page.GotoAsync(path);
        Assert.Equal(200, response?.Status);

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(page, path);
    }

    [Fact]
    public async Task CantSignInAfterCheck_Axe_NoWcag21AAViolations()
    {
        // Arrange
        var (cantSignIn, _) = await FailedSignInFollowedToCantSignInAsync();
        await cantSignIn.CheckAsync();
        await Expect(cantSignIn.ShownReason).ToBeVisibleAsync();

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(cantSignIn.Page, "/cant-sign-in after a check");
    }

    [Fact]
    public async Task CantSignInWithUnknownTrace_Axe_NoWcag21AAViolations()
    {
        // Arrange: well formed, but no attempt has it.
        var cantSignIn = await CantSignInPage.OpenAsync(await NewPageAsync());
        await cantSignIn.Trace.FillAsync(new string('a', 32));
        await cantSignIn.CheckAsync();
        await Expect(cantSignIn.Page.GetByTestId("trace-problem")).ToBeVisibleAsync();

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(cantSignIn.Page, "/cant-sign-in with an unknown trace ID");
    }

    [Fact]
    public async Task CantSignInAfterFiling_Axe_NoWcag21AAViolations()
    {
        // Arrange
        var (cantSignIn, _, _) = await FiledHelpRequestAsync("The password is refused although I typed it carefully.");

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(cantSignIn.Page, "/cant-sign-in after filing");
    }

    [Fact]
    public async Task CantSignInWithAskProblems_Axe_NoWcag21AAViolations()
    {
        // Arrange: no description and a call-back number that is not one.
        var (cantSignIn, _) = await FailedSignInFollowedToCantSignInAsync();
        await cantSignIn.CheckAsync();
        await cantSignIn.AskAsync("", callbackNumber: "call me");
        await Expect(cantSignIn.AskProblems).ToContainTextAsync("Describe what happened.");
        await Expect(cantSignIn.AskProblems).ToContainTextAsync("call-back number");
        await Expect(cantSignIn.AskForm).ToBeVisibleAsync();

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(cantSignIn.Page, "/cant-sign-in with the ask form's problems");
    }

    [Fact]
    public async Task SupportSearch_Axe_NoWcag21AAViolations()
    {
        // Arrange
        var console = await SupportConsoleAsync();

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(console.Page, "/support");
    }

    [Fact]
    public async Task SupportSearchResults_Axe_NoWcag21AAViolations()
    {
        // Arrange: "demo" matches every demo account and no practice, so the page lists them.
        var console = await SupportConsoleAsync();
        await console.SearchAsync("demo");
        await Expect(console.AccountResults).ToContainTextAsync(Demo.Support);

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(console.Page, "/support listing results");
    }

    [Fact]
    public async Task SupportAttemptAndAccount_Axe_NoWcag21AAViolations()
    {
        // Arrange
        var (_, traceId) = await FailedSignInFollowedToCantSignInAsync();
        var attempt = await (await SupportConsoleAsync()).SearchTraceAsync(traceId);
        await Expect(attempt.Diagnosis).ToBeVisibleAsync();

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(attempt.Page, "an attempt with its diagnosis");
        var account = await attempt.FollowAccountLinkAsync();
        await Expect(account.Timeline).ToBeVisibleAsync();
        await Wcag21AA.AssertNoViolationsAsync(account.Page, "an account with its diagnosis and timeline");
    }

    [Fact]
    public async Task IncidentQueueAndIncident_Axe_NoWcag21AAViolations()
    {
        // Arrange
        var (_, _, incidentId) = await FiledHelpRequestAsync("Locked out after the update, please call.");
        var queue = await (await SupportConsoleAsync()).OpenIncidentQueueAsync();
        await Expect(queue.Row(incidentId)).ToBeVisibleAsync();

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(queue.Page, "the incident queue");
        var incident = await queue.OpenIncidentAsync(incidentId);
        Assert.Equal(1, await incident.ScreenshotNaturalWidthAsync());
        await Wcag21AA.AssertNoViolationsAsync(incident.Page, "an incident");
    }
}
