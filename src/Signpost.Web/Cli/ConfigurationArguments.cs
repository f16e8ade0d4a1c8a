using System.Text.RegularExpressions;

namespace Signpost.Web.Cli;

/// <summary>
/// Splits the process's arguments into configuration settings, which go to ASP.NET Core configuration, and
/// the command itself, which System.CommandLine parses strictly. A setting is written
/// <c>--Section:Key=value</c> (ASP.NET Core's command-line convention, with the <c>=</c>: a key and its
/// value in one token), or is one of the host's own top-level keys (<c>--environment=Production</c>).
/// Anything else is the command's, so a mistyped option is an error rather than a setting nobody reads.
/// </summary>
/// <remarks>
/// A bare, empty <c>--Section=</c> beside a <c>--Section:Key=value</c> is a setting too: the test host
/// (WebApplicationFactory) hands its whole configuration to <c>Main</c> that way, parent sections included.
/// </remarks>
public static partial class ConfigurationArguments
{
    /// <summary>Top-level keys the ASP.NET Core host reads (MapStaticAssets its reload switch: docs/passwords.md); every other setting has a section.</summary>
    private static readonly string[] HostKeys = ["environment", "applicationName", "contentRoot", Setup.SignpostHost.ReloadStaticAssetsKey];

    public static (string[] Settings, string[] Command) Split(IReadOnlyList<string> args)
    {
        var settings = new List<string>();
        var command = new List<string>();
        foreach (var arg in args)
        {
            var parent = Setting().Match(arg) is { Success: true } m && m.Length == arg.Length
                && args.Any(a => a.StartsWith($"--{m.Groups["key"].Value}:", StringComparison.OrdinalIgnoreCase));
            (IsSetting(arg) || parent ? settings : command).Add(arg);
        }

        return ([.. settings], [.. command]);
    }

    public static bool IsSetting(string arg)
    {
        var match = Setting().Match(arg);
        return match.Success
            && (match.Groups["key"].Value.Contains(':', StringComparison.Ordinal)
                || HostKeys.Contains(match.Groups["key"].Value, StringComparer.OrdinalIgnoreCase));
    }

    [GeneratedRegex(@"^--(?<key>[A-Za-z_][^=\s]*)=", RegexOptions.CultureInvariant)]
    private static partial Regex Setting();
}
