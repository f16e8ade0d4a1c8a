using Microsoft.Playwright;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;

namespace Signpost.Browser.Tests.Docs;

/// <summary>
/// The README's screenshots, taken from the running app so they never drift from the real page.
/// Each run writes them into docs/images: a 1000×720 viewport, the whole page (a failure box makes the
/// page taller than the viewport, and a screenshot cut off at the links would mislead).
/// </summary>
public sealed class ScreenshotTests(SignpostBrowserFixture fixture) : BrowserTest(fixture)
{
    private const int Width = 1000;
    private const int Height = 720;

    [Fact]
    public async Task SignInPage_AfterFailedAttempt_WritesReadmeScreenshot()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(width: Width, height: Height), Demo.PracticePath);
        await signIn.SignInExpectingFailureAsync(Demo.Active, Demo.WrongPassword);

        // Act
        var path = await ScreenshotAsync(signIn.Page, "sign-in.png");

        // Assert
        AssertPng(path);
    }

    [Fact]
    public async Task SignInPage_Empty_WritesScreenshot()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(width: Width, height: Height), Demo.PracticePath);

        // Act
        var path = await ScreenshotAsync(signIn.Page, "sign-in-empty.png");

        // Assert
        AssertPng(path);
    }

    private static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(Repository.Root, "docs", "images");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        return path;
    }

    private static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes: the page did not render.");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.Equal(Width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.InRange(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)), Height, 2 * Height);
    }
}
