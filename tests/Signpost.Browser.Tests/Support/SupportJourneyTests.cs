using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Support;

/// <summary>
/// Issue 4's journey in real Chromium: a failed sign-in, "Can't sign in?" with the trace filled in, the client
/// check of this very browser, a help request with a screenshot; then the help desk, in another browser
/// profile, finds the attempt by its trace ID and works the incident to resolved.
/// </summary>
public sealed class SupportJourneyTests(SignpostBrowserFixture fixture, SupportServer support) : SupportTest(fixture, support)
{
    /// <summary>Markup a person might paste: the help desk must read it as text, never run it.</summary>
    private const string Description = "Wrong password again, I am sure it is right. The page said <script>window.injected = true</script> somewhere.";

    [Fact]
    public async Task FailedSignIn_AskForHelp_SupportFindsAttemptAndResolvesIncident()
    {
        // Arrange: a failed sign-in, followed from its failure box.
        var (cantSignIn, traceId) = await FailedSignInFollowedToCantSignInAsync();
        await Expect(cantSignIn.Trace).ToHaveValueAsync(traceId);

        // Act: check, then ask for help.
        await cantSignIn.Identifier.FillAsync(Demo.Admin);
        await cantSignIn.CheckAsync();

        // Assert: the reason shown at sign-in, and Chromium's own facts as its script reported them.
        await Expect(cantSignIn.ShownReason).ToHaveAttributeAsync("data-code", "invalid_credentials");
        await Expect(cantSignIn.ShownReason).ToContainTextAsync(traceId);
        await Expect(cantSignIn.Fact("JavaScript")).ToHaveAttributeAsync("data-status", "Ok");
        await Expect(cantSignIn.Fact("JavaScript")).ToContainTextAsync("Working");
        await Expect(cantSignIn.Fact("Cookies")).ToHaveAttributeAsync("data-status", "Ok");
        await Expect(cantSignIn.Fact("Browser")).ToContainTextAsync("Chrom");
        var zone = await cantSignIn.Page.EvaluateAsync<string>("Intl.DateTimeFormat().resolvedOptions().timeZone");
        await Expect(cantSignIn.Fact("Time zone")).ToHaveAttributeAsync("data-status", "Ok");
        await Expect(cantSignIn.Fact("Time zone")).ToContainTextAsync(zone);
        await Expect(cantSignIn.Fact("Clock")).ToHaveAttributeAsync("data-status", "Ok");
        await Expect(cantSignIn.NextSteps).ToBeVisibleAsync();

        var incidentId = await cantSignIn.AskExpectingFiledAsync(Description, "+1 555 010 0199", Png);
        await Expect(cantSignIn.Page.GetByTestId("incident-ref")).ToHaveTextAsync(Guid.Parse(incidentId).ToString("N")[..8]);
        await Expect(cantSignIn.AskForm).ToHaveCountAsync(0);

        // Act: the help desk, in another browser profile.
        var console = await SupportConsoleAsync();
        var attempt = await console.SearchTraceAsync(traceId);

        // Assert: the exact reason and the diagnosis.
        await Expect(attempt.ExactReason).ToContainTextAsync("invalid_credentials");
        await Expect(attempt.Diagnosis).ToBeVisibleAsync();
        await Expect(attempt.RootCause).ToContainTextAsync("invalid_credentials");

        var account = await attempt.FollowAccountLinkAsync();
        await Expect(account.Heading).Not.ToBeEmptyAsync();
        await Expect(account.TimelineRows("attempt").Filter(new() { HasText = traceId })).ToHaveCountAsync(1);
        await Expect(account.TimelineRows("incident")).Not.ToHaveCountAsync(0);

        var queue = await IncidentQueuePage.OpenAsync(console.Page);
        await Expect(queue.Row(incidentId)).ToHaveAttributeAsync("data-status", "Open");
        var incident = await queue.OpenIncidentAsync(incidentId);

        // Assert: what they wrote is text; the screenshot is the image sent.
        await Expect(incident.Description).ToContainTextAsync("<script>window.injected = true</script>");
        await Expect(incident.Description.Locator("script")).ToHaveCountAsync(0);
        Assert.False(await incident.Page.EvaluateAsync<bool>("window.injected === true"));
        await Expect(incident.Description).ToContainTextAsync("Client check");
        await Expect(incident.DataPoints).ToContainTextAsync(traceId);
        Assert.Equal(1, await incident.ScreenshotNaturalWidthAsync());
        await Expect(incident.Status).ToHaveTextAsync("Open");
        await Expect(incident.Assignee).ToHaveTextAsync("nobody");

        await incident.AssignToMeAsync();
        await Expect(incident.Assignee).ToHaveTextAsync(Demo.Support);

        await incident.ResolveAsync();
        await Expect(incident.Status).ToHaveTextAsync("Resolved");
        await Expect(incident.Assignee).ToHaveTextAsync(Demo.Support);
        queue = await IncidentQueuePage.OpenAsync(console.Page);
        await Expect(queue.Row(incidentId)).ToHaveAttributeAsync("data-status", "Resolved");
    }
}
