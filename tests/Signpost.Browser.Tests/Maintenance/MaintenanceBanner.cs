using Microsoft.Playwright;

namespace Signpost.Browser.Tests.Maintenance;

/// <summary>The maintenance banner on the sign-in pages and the home page.</summary>
public sealed class MaintenanceBanner(IPage page)
{
    public ILocator Box => page.GetByTestId("maintenance-notice");

    public ILocator Heading => Box.GetByRole(AriaRole.Heading, new() { Level = 2 });

    public ILocator Window(string id) => Box.Locator($"[data-window-id='{id}']");

    public ILocator StatusLink => Box.GetByRole(AriaRole.Link, new() { Name = "Service status and calendar feed" });
}
