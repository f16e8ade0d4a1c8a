using Microsoft.Playwright;
using Signpost.Browser.Tests.Infrastructure;

namespace Signpost.Browser.Tests.Docs;

/// <summary>
/// Screenshots for the documentation, written into docs/images: a 1000×720 viewport, the whole page (a failure
/// box makes the page taller than the viewport, and a screenshot cut off at the links would mislead).
/// </summary>
public static class Screenshots
{
    public const int Width = 1000;
    public const int Height = 720;

    /// <summary>Writes docs/images/<paramref name="name"/> and returns its path.</summary>
    public static async Task<string> TakeAsync(IPage page, string name)
    {
        var folder = Path.Combine(Repository.Root, "docs", "images");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        return path;
    }

    /// <summary>A PNG of the viewport's width and at most twice its height, big enough to show a rendered page.</summary>
    public static void AssertPng(string path) => AssertPng(path, 2 * Height);

    /// <summary>
    /// A PNG of the viewport's width and at most <paramref name="maxHeight"/> tall: for pages that are long by
    /// nature (a diagnosis's eight steps, an incident's data points), shown whole in the docs all the same.
    /// </summary>
    public static void AssertPng(string path, int maxHeight)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 10_000, $"{path} is only {bytes.Length} bytes: the page did not render.");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.Equal(Width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.InRange(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)), Height, maxHeight);
    }
}
