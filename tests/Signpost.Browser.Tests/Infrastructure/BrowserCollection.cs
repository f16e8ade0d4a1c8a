namespace Signpost.Browser.Tests.Infrastructure;

/// <summary>Every browser test shares one app and one Chromium, and runs one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<SignpostBrowserFixture>
{
    public const string Name = "Browser";
}
