using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Signpost.Browser.Tests.Accessibility;

/// <summary>
/// axe-core run with only the rules of WCAG 2.0 and 2.1, levels A and AA: the level the recovery pages are
/// held to, with no violation of any impact allowed (the older pages' checks allow minor and moderate ones).
/// </summary>
public static class Wcag21AA
{
    private static readonly string[] Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    /// <summary>Fails with every violation, its nodes and its help link, unless the page passes every rule.</summary>
    public static async Task AssertNoViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. Tags] },
        });
        Assert.True(result.Violations.Length == 0,
            $"axe found {result.Violations.Length} WCAG 2.1 A/AA violation(s) on {where} ({page.Url}):\n"
            + string.Join("\n", result.Violations.Select(v =>
                $"- [{v.Impact}] {v.Id}: {v.Help} ({v.HelpUrl})\n"
                + string.Join("\n", v.Nodes.Select(n => $"    {n.Target}: {n.Html}")))));
        Assert.NotEmpty(result.Passes);
    }
}
