namespace Signpost.Core.Browsers;

/// <summary>What a user agent string says about the browser: family, major version and operating system.</summary>
public sealed record BrowserInfo(string Family, int? MajorVersion, string? Version, string OperatingSystem)
{
    public const string UnknownFamily = "Unknown";

    public static BrowserInfo Unknown { get; } = new(UnknownFamily, null, null, "Unknown");

    public override string ToString() => Version is null ? $"{Family} on {OperatingSystem}" : $"{Family} {Version} on {OperatingSystem}";
}
