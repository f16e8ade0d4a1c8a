using System.Net;
using Signpost.Core.Accounts;
using Signpost.Web.Tests.Email;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Passwords;

/// <summary>The home page tells a signed-in person when their password expires, from 14 days before.</summary>
public sealed class ExpiryBannerTests : IAsyncLifetime
{
    // A fresh app per test: its clock only moves forward. Accounts are created at its start, Monday
    // 2 March 2026 09:00 UTC, so with a 30-day policy they expire Wednesday 1 April 2026 09:00 UTC.
    private static readonly DateTimeOffset ExpiresAt = EmailApp.Start.AddDays(30);

    private readonly EmailApp _app = new() { Settings = { ["Signpost:ExpiryReminders:Enabled"] = "false" } };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<Account> MemberAsync(int? expiryDays)
    {
        var slug = TestAccounts.Unique("oakridge");
        await _app.CreateOrganizationAsync(slug, "Oakridge Cardiology", policy => policy.PasswordExpiryDays = expiryDays);
        return await _app.CreateMemberAsync(slug, TestAccounts.Unique("ivy"), PracticeRoles.Staff);
    }

    private async Task<AngleSharp.Html.Dom.IHtmlDocument> HomeAsync(Account account)
    {
        using var browser = _app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        var (response, document) = await browser.GetPageAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return document;
    }

    [Theory]
    [InlineData(14.0, "in 14 days")]
    [InlineData(7.0, "in 7 days")]
    [InlineData(6.5, "in 7 days")]
    [InlineData(1.0, "in 1 day")]
    [InlineData(0.25, "in 1 day")]
    public async Task Home_PasswordExpiresWithinFourteenDays_SaysWhenAndHowManyDaysAndLinksToTheChangePage(double daysLeft, string inDays)
    {
        // Arrange
        var account = await MemberAsync(30);
        _app.Clock.SetUtcNow(ExpiresAt.AddDays(-daysLeft));

        // Act
        var document = await HomeAsync(account);

        // Assert
        var banner = document.QuerySelector("[data-testid=password-expiry]");
        Assert.NotNull(banner);
        Assert.Equal($"Your password expires on Wed 1 Apr 2026 at 09:00 UTC ({inDays}). Change it now", banner.TextContent.Trim());
        Assert.Equal("/account/password", banner.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("status", banner.GetAttribute("role"));
    }

    [Theory]
    [InlineData(30)]
    [InlineData(null)]
    public async Task Home_MoreThanFourteenDaysLeftOrExpiryOff_NoBanner(int? expiryDays)
    {
        // Arrange: fifteen days after the password was set.
        var account = await MemberAsync(expiryDays);
        _app.Clock.SetUtcNow(EmailApp.Start.AddDays(15));

        // Act
        var document = await HomeAsync(account);

        // Assert
        Assert.Null(document.QuerySelector("[data-testid=password-expiry]"));
        Assert.Contains(account.Username, document.QuerySelector("[data-testid=username]")!.TextContent, StringComparison.Ordinal);
    }
}
