using System.Text.RegularExpressions;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.SignIn;

/// <summary>Signing in through the form, and what a failure shows.</summary>
public sealed partial class SignInTests(SignpostBrowserFixture fixture) : BrowserTest(fixture)
{
    [Theory]
    [InlineData(Demo.PracticePath, Demo.Active)]
    [InlineData(Demo.PracticePath, Demo.ActiveEmail)]
    [InlineData("/sign-in", Demo.ActiveNpi)]
    public async Task SignIn_ActiveAccount_LandsOnHomeNamingPersonAndPractice(string path, string identifier)
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(), path);

        // Act
        var home = await signIn.SignInAsync(identifier, Demo.Password);

        // Assert
        await Expect(home.Heading).ToHaveTextAsync($"Welcome, {Demo.ActiveName}");
        await Expect(home.Username).ToHaveTextAsync(Demo.Active);
        await Expect(home.Practices).ToContainTextAsync(Demo.PracticeName);
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsFailureWithTraceIdTimeAndHelpLink()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath);
        var before = DateTimeOffset.UtcNow;

        // Act
        var failure = await signIn.SignInExpectingFailureAsync(Demo.Admin, Demo.WrongPassword);

        // Assert: the reason, announced, with the trace ID and the time
        Assert.Equal("invalid_credentials", await failure.CodeAsync());
        await Expect(failure.Box).ToHaveAttributeAsync("role", "alert");
        await Expect(failure.TraceId).ToHaveTextAsync(TraceIdFormat());
        await Expect(failure.Time).ToHaveTextAsync(UtcTimeFormat());
        var at = await failure.OccurredAtAsync();
        Assert.Equal(TimeSpan.Zero, at.Offset);
        Assert.InRange(at, before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));

        // Assert: the help link, and the form kept the identifier but not the password
        await Expect(failure.HelpLink).ToHaveAttributeAsync("href", "/help/codes/invalid_credentials");
        await Expect(signIn.Identifier).ToHaveValueAsync(Demo.Admin);
        await Expect(signIn.Password).ToHaveValueAsync("");
    }

    [Fact]
    public async Task FailureHelpLink_Followed_OpensHelpPageOfTheCode()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath);
        var failure = await signIn.SignInExpectingFailureAsync(Demo.Admin, Demo.WrongPassword);
        var title = await failure.Title.TextContentAsync();

        // Act
        var help = await failure.FollowHelpLinkAsync();

        // Assert
        await Expect(help.Code).ToHaveTextAsync("invalid_credentials");
        await Expect(help.Heading).ToHaveTextAsync(title!);
    }

    [Fact]
    public async Task SignIn_LockedAccountWithCorrectPassword_LooksLikeWrongPassword()
    {
        // Arrange: a wrong password on an open account, for comparison
        var wrong = await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath))
            .SignInExpectingFailureAsync(Demo.Admin, Demo.WrongPassword);

        // Act: the right password on the locked account, from a new (untrusted) browser
        var locked = await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath))
            .SignInExpectingFailureAsync(Demo.Locked, Demo.Password);

        // Assert: same code, title and message; only the trace ID and time differ
        Assert.Equal("invalid_credentials", await locked.CodeAsync());
        Assert.Equal(await wrong.CodeAsync(), await locked.CodeAsync());
        Assert.Equal(await wrong.Title.InnerTextAsync(), await locked.Title.InnerTextAsync());
        Assert.Equal(await Describe(wrong), await Describe(locked));
        Assert.NotEqual(await wrong.TraceId.InnerTextAsync(), await locked.TraceId.InnerTextAsync());
        await Expect(locked.Box.GetByTestId("locked-until")).ToHaveCountAsync(0);

        // The box's text with the trace ID and time blanked out.
        static async Task<string> Describe(FailureBox box)
        {
            var text = await box.Box.InnerTextAsync();
            return UtcTimeFormat().Replace(TraceIdAnywhere().Replace(text, "<trace>"), "<time>");
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceIdFormat();

    [GeneratedRegex("[0-9a-f]{32}")]
    private static partial Regex TraceIdAnywhere();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC")]
    private static partial Regex UtcTimeFormat();
}
