using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Signpost.Browser.Tests.Accessibility;
using Signpost.Browser.Tests.Docs;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Platform;

/// <summary>
/// The platform settings and the credential audit in Chromium: each page, and the policy form showing a
/// malformed value, pass every WCAG 2.1 A/AA rule of axe; the documentation screenshots come from here.
/// The operator is the bootstrap platform admin, activated once through the link the server printed.
/// </summary>
public sealed partial class PlatformBrowserTests(SignpostBrowserFixture fixture) : BrowserTest(fixture)
{
    private const string OperatorPassword = "platform operator browser test passphrase";

    private static readonly SemaphoreSlim Activation = new(1, 1);
    private static bool _activated;

    /// <summary>Activates the bootstrap <c>admin</c> once for the suite's server, then signs it in on a fresh page.</summary>
    private async Task<IPage> SignedInOperatorAsync(int width = 1280, int height = 720)
    {
        await Activation.WaitAsync();
        try
        {
            if (!_activated)
            {
                var link = ActivationLink().Match(Server.Output);
                Assert.True(link.Success, "The server printed no platform-admin activation link:\n" + Server.Output);
                var activate = await ActivatePage.OpenAsync(await NewPageAsync(), link.Groups["path"].Value);
                await activate.ActivateAsync(OperatorPassword);
                _activated = true;
            }
        }
        finally
        {
            Activation.Release();
        }

        var page = await NewPageAsync(width: width, height: height);
        await (await SignInPage.OpenAsync(page, "/sign-in")).SignInAsync("admin", OperatorPassword);
        return page;
    }

    [Theory]
    [InlineData("/platform", "Platform settings")]
    [InlineData("/platform/organizations/" + Demo.Slug, Demo.PracticeName)]
    [InlineData("/platform/people", "Support agents and platform admins")]
    [InlineData("/platform/clients", "Portal applications")]
    [InlineData("/platform/clients/riverside-portal", "Riverside provider portal (sample)")]
    public async Task PlatformPage_Axe_NoWcag21AAViolations(string path, string heading)
    {
        // Arrange
        var page = await SignedInOperatorAsync();

        // Act
        await page.GotoAsync(path);

        // Assert
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(heading);
        await Wcag21AA.AssertNoViolationsAsync(page, path);
    }

    [Fact]
    public async Task PolicyForm_MalformedThreshold_MarksTheFieldAndStaysAxeClean()
    {
        // Arrange
        var page = await SignedInOperatorAsync();
        await page.GotoAsync("/platform/organizations/" + Demo.Slug);
        var threshold = page.GetByLabel("Failed attempts that lock an account");

        // Act
        await threshold.FillAsync("ten");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();

        // Assert: the message names the field, the input says so to assistive technology, and keeps what was typed.
        await Expect(page.GetByTestId("problems")).ToContainTextAsync("Lockout threshold must be a whole number.");
        await Expect(threshold).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(threshold).ToHaveValueAsync("ten");
        await page.GetByTestId("problems").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(threshold).ToBeFocusedAsync();
        await Wcag21AA.AssertNoViolationsAsync(page, "policy form with a malformed threshold");
        await Screenshots.TakeAsync(page, "platform-policy-error.png");
    }

    [Fact]
    public async Task ClientsPage_BadRedirectThenRegistered_FieldMarkedSecretShownOnceAxeCleanThroughout()
    {
        // Arrange
        var page = await SignedInOperatorAsync(Screenshots.Width, Screenshots.Height);
        await page.GotoAsync("/platform/clients");
        var redirect = page.GetByLabel("Redirect URIs");
        await page.GetByLabel("Client ID").FillAsync($"axe-{Guid.NewGuid():N}"[..16]);
        await page.GetByLabel("Or these practices").FillAsync(Demo.Slug);

        // Act: a wildcard redirect URI
        await redirect.FillAsync("https://*.claims.example/signin-oidc");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register application" }).ClickAsync();

        // Assert: the field named and marked, what was typed kept, nothing registered
        await Expect(page.GetByTestId("problems")).ToContainTextAsync("https://*.claims.example/signin-oidc");
        await Expect(redirect).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(redirect).ToHaveValueAsync("https://*.claims.example/signin-oidc");
        await Wcag21AA.AssertNoViolationsAsync(page, "client form with a wildcard redirect URI");

        // Act: the exact address
        await redirect.FillAsync("https://claims.example/signin-oidc");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register application" }).ClickAsync();

        // Assert: the secret, once, on a page as accessible as the rest
        await Expect(page.GetByTestId("secret")).ToHaveValueAsync(new Regex("^[A-Za-z0-9_-]{43}$"));
        await Wcag21AA.AssertNoViolationsAsync(page, "client registered, its secret shown");
    }

    [Fact]
    public async Task OrganizationPage_WritesDocsScreenshot()
    {
        // Arrange
        var page = await SignedInOperatorAsync(Screenshots.Width, Screenshots.Height);

        // Act
        await page.GotoAsync("/platform/organizations/" + Demo.Slug);
        var path = await Screenshots.TakeAsync(page, "platform-organization.png");

        // Assert
        Assert.True(new FileInfo(path).Length > 10_000);
    }

    [Fact]
    public async Task CredentialAudit_PracticeAdmin_AxeCleanAndDocsScreenshot()
    {
        // Arrange: the demo practice's admin, who sees the demo's locked and pending people.
        var page = await NewPageAsync(width: Screenshots.Width, height: Screenshots.Height);
        await (await SignInPage.OpenAsync(page, Demo.PracticePath)).SignInAsync(Demo.Admin, Demo.Password);

        // Act
        await page.GotoAsync($"/admin/{Demo.Slug}/credential-audit");

        // Assert
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Credential audit");
        await Expect(page.Locator("[data-code=locked_now]")).ToContainTextAsync(Demo.Locked);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" })).ToBeVisibleAsync();
        await Wcag21AA.AssertNoViolationsAsync(page, "credential audit");
        Assert.True(new FileInfo(await Screenshots.TakeAsync(page, "credential-audit.png")).Length > 10_000);
    }

    // The operator's link, not the demo's pending account's: the line after "No platform administrator has a password yet".
    [GeneratedRegex(@"No platform administrator has a password yet[^\n]*\n\s*https?://[^/\s]+(?<path>/activate\?token=[A-Za-z0-9_\-]+)")]
    private static partial Regex ActivationLink();
}
