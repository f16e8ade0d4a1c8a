using System.Net;
using Signpost.Core.Accounts;
using Signpost.Web.Tests.Infrastructure;
using static Signpost.Web.Tests.Platform.PlatformPeople;

namespace Signpost.Web.Tests.Platform;

/// <summary>Bad input on the platform and credential-audit pages: an answer that says what is wrong, never a 500.</summary>
public sealed class PlatformBadInputTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    public static TheoryData<string, string, string> Posts() => new()
    {
        { "form[data-testid=details-form]", "Details.Name", new string('x', 10_000) },
        { "form[data-testid=details-form]", "Details.GroupNpis", string.Join(',', Enumerable.Range(1_000_000_000, 5_000)) },
        { "form[data-testid=details-form]", "Details.TimeZone", "../../etc/passwd" },
        { "form[data-testid=details-form]", "Details.TaxId", "12345678\u0001" },
        { "form[data-testid=policy-form]", "Policy.LockoutThreshold", "\u202e" + new string('9', 5_000) },
        { "form[data-testid=policy-form]", "Policy.BrowserPolicy", "Warn, Block" },
        { "form[data-testid=network-form]", "Cidr", "::/0/0" },
        { "form[data-testid=network-form]", "Label", new string('L', 65) },
    };

    [Theory]
    [MemberData(nameof(Posts))]
    public async Task OrganizationForms_MalformedValue_PageAgainWithTheProblem(string form, string field, string value)
    {
        // Arrange
        var slug = TestAccounts.Unique("bad");
        await app.CreateOrganizationAsync(slug, "Bad Input Clinic");
        var (_, browser) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;

        // Act
        var response = await PostAsync(browser, $"/platform/organizations/{slug}", form, ("Policy.BrowserPolicy", "warn"), (field, value));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull((await TestBrowser.ParseAsync(response)).QuerySelector("[data-testid=problems] li"));
    }

    [Theory]
    [InlineData("/platform/organizations/no-such-practice")]
    [InlineData("/platform/organizations/" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("/admin/%E2%80%AE/credential-audit")]
    [InlineData("/admin/no-such-practice/credential-audit?handler=csv&days=-1")]
    public async Task Pages_UnknownOrOddSlug_404NotA500(string path)
    {
        // Arrange
        var (_, browser) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;

        // Act
        var response = await browser.GetAsync(path);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("99999999999999")]
    [InlineData("")]
    public async Task CredentialAudit_MalformedDays_FallsBackToAQuarter(string days)
    {
        // Arrange
        var slug = TestAccounts.Unique("days");
        await app.CreateOrganizationAsync(slug, "Days Clinic");
        var (_, browser) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;

        // Act
        var page = await browser.GetAsync($"/admin/{slug}/credential-audit?days={Uri.EscapeDataString(days)}");
        var csv = await browser.GetAsync($"/admin/{slug}/credential-audit?handler=csv&days={Uri.EscapeDataString(days)}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("in the last 90 days", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
    }
}
