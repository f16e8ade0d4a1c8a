using AngleSharp.Dom;

namespace Signpost.Web.Tests.Infrastructure;

/// <summary>What the shared failure box of a page shows.</summary>
public sealed record PageFailure(string Code, string TraceId, string Time, string HelpHref, string Text)
{
    /// <summary>Reads the failure box; fails the test when the page has none.</summary>
    public static PageFailure Read(IDocument document)
    {
        var box = document.QuerySelector("[data-testid=failure]");
        Assert.NotNull(box);
        var time = box.QuerySelector("time");
        Assert.NotNull(time);
        var help = box.QuerySelectorAll("a").Select(a => a.GetAttribute("href") ?? "").Single(h => h.StartsWith("/help/codes/", StringComparison.Ordinal));
        return new PageFailure(
            box.GetAttribute("data-code")!,
            box.QuerySelector("[data-testid=trace-id]")!.TextContent.Trim(),
            time.TextContent.Trim(),
            help,
            box.TextContent);
    }
}
