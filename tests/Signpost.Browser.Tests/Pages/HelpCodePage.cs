using Microsoft.Playwright;

namespace Signpost.Browser.Tests.Pages;

/// <summary>The help page of one reason code, <c>/help/codes/{code}</c>.</summary>
public sealed class HelpCodePage(IPage page)
{
    public IPage Page => page;

    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Code => page.GetByTestId("code");
}
