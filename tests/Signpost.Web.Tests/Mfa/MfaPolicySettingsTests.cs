using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;
using static Signpost.Web.Tests.Platform.PlatformPeople;

namespace Signpost.Web.Tests.Mfa;

/// <summary>Setting a practice's second-factor policy: the platform page and <c>signpost orgs policy --mfa</c>, each audited.</summary>
public sealed class MfaPolicySettingsTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task PlatformPage_SecondFactorFields_AreShownSavedAndAudited()
    {
        // Arrange
        var slug = TestAccounts.Unique("mfa-page");
        var organization = await app.CreateOrganizationAsync(slug, "Two Step Clinic");
        var (_, browser) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;

        // Act
        var saved = await PostAsync(browser, $"/platform/organizations/{slug}", "form[data-testid=policy-form]",
            ("Policy.SecondFactor", "admins"), ("Policy.SecondFactorGraceDays", "5"), ("Policy.RememberBrowserDays", "0"));
        var (_, page) = await browser.GetPageAsync(saved.Headers.Location!.OriginalString);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var policy = (await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Id == organization.Id))).Policy;
        Assert.Equal((SecondFactorPolicy.RequiredForAdmins, 5, 0), (policy.SecondFactor, policy.SecondFactorGraceDays, policy.RememberBrowserDays));
        Assert.Equal("admins", page.QuerySelector("#policy-SecondFactor option[selected]")!.GetAttribute("value"));
        Assert.Equal("5", page.GetElementById("policy-SecondFactorGraceDays")!.GetAttribute("value"));
        var entry = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == "organization.policy" && e.OrganizationId == organization.Id).SingleAsync());
        Assert.Contains("\"SecondFactorGraceDays\":5", entry.After, StringComparison.Ordinal);
        Assert.Contains("\"SecondFactorGraceDays\":14", entry.Before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliOrgsPolicy_MfaOptions_SetThePolicyAndRefuseUnknownWords()
    {
        // Arrange
        var slug = TestAccounts.Unique("mfa-cli");
        var organization = await app.CreateOrganizationAsync(slug, "Command Line Clinic");
        _ = app.Server;

        // Act
        var set = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null,
            "orgs", "policy", "--slug", slug, "--mfa", "everyone", "--mfa-grace-days", "7", "--remember-browser-days", "14");
        var wrong = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, "orgs", "policy", "--slug", slug, "--mfa", "sometimes");

        // Assert
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("second factor: everyone; grace 7 days; remember browsers 14 days", set.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("'sometimes' is not a second-factor policy", wrong.Stderr, StringComparison.Ordinal);
        var policy = (await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Id == organization.Id))).Policy;
        Assert.Equal((SecondFactorPolicy.RequiredForEveryone, 7, 14), (policy.SecondFactor, policy.SecondFactorGraceDays, policy.RememberBrowserDays));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "organization.policy" && e.OrganizationId == organization.Id && e.Actor.StartsWith("cli:"))));
    }
}
