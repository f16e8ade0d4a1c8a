using System.Text.Json;
using OpenIddict.Abstractions;

namespace Signpost.Web.OpenIdProvider;

/// <summary>
/// What Signpost keeps on an OpenIddict application beyond the library's own fields, in its <c>Properties</c>:
/// the practices that may use the client and its back-channel logout URI (docs/oidc-provider.md "Clients").
/// </summary>
public static class ClientSettings
{
    public const string PracticesProperty = "signpost_practices";
    public const string BackChannelLogoutProperty = "signpost_backchannel_logout_uri";

    /// <summary>Stands for "every practice" in <see cref="PracticesProperty"/>.</summary>
    public const string AllPractices = "*";

    /// <summary>The slugs of the practices allowed for the client; <see cref="AllPractices"/> alone means all.</summary>
    public static IReadOnlyList<string> Practices(IReadOnlyDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(PracticesProperty, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];

    public static bool AllowsAll(IReadOnlyList<string> practices) => practices.Contains(AllPractices);

    public static bool Allows(IReadOnlyList<string> practices, string slug) =>
        AllowsAll(practices) || practices.Contains(slug, StringComparer.OrdinalIgnoreCase);

    public static string? BackChannelLogoutUri(IReadOnlyDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(BackChannelLogoutProperty, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The properties of <paramref name="application"/>, read through the manager.</summary>
    public static async Task<IReadOnlyDictionary<string, JsonElement>> PropertiesAsync(IOpenIddictApplicationManager applications, object application, CancellationToken cancellationToken) =>
        await applications.GetPropertiesAsync(application, cancellationToken);
}
