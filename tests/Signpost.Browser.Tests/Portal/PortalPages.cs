using Microsoft.Playwright;

namespace Signpost.Browser.Tests.Portal;

/// <summary>The sample portal's pages as a person sees them: home, the signed-in page with the claims, the error page.</summary>
public sealed class PortalPages(IPage page)
{
    public ILocator SignInButton => page.GetByTestId("sign-in");

    public ILocator SignOutButton => page.GetByRole(AriaRole.Button, new() { Name = "Sign out" });

    public ILocator Who => page.GetByTestId("who");

    /// <summary>One claim's cell on the signed-in page (<c>/me</c>).</summary>
    public ILocator Claim(string type) => page.Locator($"[data-testid=claims] td[data-claim='{type}']");

    /// <summary>A practice in the <c>practices</c> claim, by slug.</summary>
    public ILocator Practice(string slug) => Claim("practices").Locator($"li[data-practice='{slug}']");

    public ILocator Error => page.GetByTestId("error");

    public ILocator ErrorDescription => page.GetByTestId("error-description");

    /// <summary>A parameter the provider added to its error response, as the error page lists it.</summary>
    public ILocator ErrorParameter(string name) => page.Locator($"[data-testid=error-details] code[data-parameter='{name}']");
}
