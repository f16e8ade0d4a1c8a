using Ganss.Xss;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Signpost.Web.Maintenance;

/// <summary>What rendering an operator's Markdown produced, and what was taken out on the way.</summary>
/// <param name="Html">Safe to write into a page as it is.</param>
/// <param name="Removed">Each element or attribute the sanitiser removed, in words ("the href attribute of &lt;a&gt; (javascript:…)").</param>
/// <param name="ContainsRawHtml">The Markdown held raw HTML, which is shown as text and never run.</param>
public sealed record RenderedMarkdown(string Html, IReadOnlyList<string> Removed, bool ContainsRawHtml);

/// <summary>
/// Markdown written by operators (the downtime procedure) to HTML that a page can show. Two layers, so a
/// gap in one is caught by the other: Markdig with raw HTML disabled (HTML in the text is escaped and shown
/// as text), then HtmlSanitizer over the result, which drops what Markdown itself can produce that a browser
/// would run — a <c>javascript:</c> link or image, a <c>data:</c> URL. OWASP ASVS 5.0 V1.3.1 (sanitise
/// untrusted HTML with a well-kept library); the page's Content-Security-Policy is the third layer.
/// </summary>
public sealed class SafeMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseAutoLinks()
        .Build();

    /// <summary>Parses with HTML enabled only to find out whether the text holds any (it is never rendered this way).</summary>
    private static readonly MarkdownPipeline HtmlDetector = new MarkdownPipelineBuilder().Build();

    private static readonly string[] Schemes = ["http", "https", "mailto", "tel"];

    public RenderedMarkdown Render(string markdown)
    {
        var removed = new List<string>();

        // A sanitiser per call: its events report what this document lost.
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.UnionWith(Schemes);
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.RemovingTag += (_, e) => removed.Add($"the <{e.Tag.LocalName}> element");
        sanitizer.RemovingAttribute += (_, e) => removed.Add($"the {e.Attribute.Name} attribute of <{e.Tag.LocalName}> ({Shorten(e.Attribute.Value)})");
        sanitizer.RemovingStyle += (_, e) => removed.Add($"the style {e.Style.Name} of <{e.Tag.LocalName}>");
        sanitizer.RemovingAtRule += (_, e) => removed.Add("a CSS at-rule");
        sanitizer.RemovingComment += (_, e) => removed.Add("an HTML comment");
        sanitizer.RemovingCssClass += (_, e) => removed.Add($"the class {e.CssClass} of <{e.Tag.LocalName}>");

        // The page has its own <h1>: the document's headings sit one level below it.
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            heading.Level = Math.Min(heading.Level + 1, 6);
        }

        // Column alignment would come out as style attributes, which the Content-Security-Policy refuses.
        foreach (var column in document.Descendants<Table>().SelectMany(t => t.ColumnDefinitions))
        {
            column.Alignment = null;
        }

        var html = sanitizer.Sanitize(document.ToHtml(Pipeline));
        var rawHtml = Markdown.Parse(markdown, HtmlDetector).Descendants().Any(node => node is HtmlBlock or HtmlInline);
        return new RenderedMarkdown(html, removed, rawHtml);
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
