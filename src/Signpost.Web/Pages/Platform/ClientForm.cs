using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Signpost.Core.Organizations;
using Signpost.Web.OpenIdProvider;

namespace Signpost.Web.Pages.Platform;

/// <summary>
/// The client form of <c>/platform/clients</c> as posted: lists one address or slug per line (or separated by
/// spaces), numbers as typed. <see cref="ToRequest"/> reads it into the same <see cref="ClientRequest"/> the
/// command line builds, so <see cref="ClientRegistry"/> checks both alike (docs/oidc-provider.md "Clients").
/// </summary>
public sealed class ClientForm
{
    /// <summary>More addresses or practices than anyone registers; a longer list is a mistake, said as one.</summary>
    public const int MaxEntries = 50;

    public string? ClientId { get; set; }
    public string? DisplayName { get; set; }
    public bool Public { get; set; }
    public bool ClientCredentials { get; set; }
    public string? RedirectUris { get; set; }
    public string? PostLogoutUris { get; set; }
    public string? BackChannelLogoutUri { get; set; }
    /// <summary>The ticked scopes besides openid, which every client has. Empty unless posted: an unticked box posts nothing.</summary>
    public List<string> Scopes { get; set; } = [];
    public bool AllPractices { get; set; }
    public string? Practices { get; set; }
    public string? AccessTokenMinutes { get; set; }
    public string? RefreshTokenHours { get; set; }

    /// <summary>What the client looked like when the edit form was opened (<see cref="StampOf"/>): a save over someone else's change is refused.</summary>
    public string? Stamp { get; set; }

    /// <summary>The add form as first shown: the command line's default scopes.</summary>
    public static ClientForm New() => new() { Scopes = ["profile", "email", "offline_access"] };

    public static ClientForm From(ClientView client) => new()
    {
        ClientId = client.ClientId,
        DisplayName = client.DisplayName,
        Public = client.Type == "public",
        ClientCredentials = client.GrantTypes.Contains("client_credentials"),
        RedirectUris = string.Join('\n', client.RedirectUris),
        PostLogoutUris = string.Join('\n', client.PostLogoutRedirectUris),
        BackChannelLogoutUri = client.BackChannelLogoutUri,
        Scopes = [.. client.Scopes],
        AllPractices = ClientSettings.AllowsAll(client.Practices),
        Practices = string.Join('\n', client.Practices.Where(p => p != ClientSettings.AllPractices)),
        AccessTokenMinutes = Minutes(client.AccessTokenLifetime),
        RefreshTokenHours = Hours(client.RefreshTokenLifetime),
        Stamp = StampOf(client),
    };

    /// <summary>A short hash of everything the registry shows of the client; never of its secret, which it does not show.</summary>
    public static string StampOf(ClientView client) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(client))))[..16];

    /// <summary>Reads the form; the problems are those of its shape (a number that is not one, too many lines), each naming its field.</summary>
    public IReadOnlyList<PolicyProblem> ToRequest(out ClientRequest request)
    {
        var problems = new List<PolicyProblem>();
        var redirects = Entries(RedirectUris, nameof(RedirectUris), problems);
        var postLogout = Entries(PostLogoutUris, nameof(PostLogoutUris), problems);
        var practices = Entries(Practices, nameof(Practices), problems);
        var access = Number(AccessTokenMinutes, nameof(AccessTokenMinutes), "Access token lifetime", problems);
        var refresh = Number(RefreshTokenHours, nameof(RefreshTokenHours), "Refresh token lifetime", problems);
        request = new ClientRequest(
            (ClientId ?? "").Trim(),
            DisplayName?.Trim(),
            Public,
            redirects,
            postLogout,
            string.IsNullOrWhiteSpace(BackChannelLogoutUri) ? null : BackChannelLogoutUri.Trim(),
            ["openid", .. Scopes.Select(s => s.Trim()).Where(s => s.Length > 0 && s != "openid").Distinct(StringComparer.Ordinal)],
            AllPractices ? [ClientSettings.AllPractices, .. practices] : practices,
            ClientCredentials,
            access,
            refresh);
        return problems;
    }

    /// <summary>The form field a <see cref="ClientRegistry"/> problem belongs to.</summary>
    public string FieldOf(PolicyProblem problem) => problem.Field switch
    {
        "client-id" => nameof(ClientId),
        "name" => nameof(DisplayName),
        "redirect-uri" when Mentions(problem.Message, PostLogoutUris) => nameof(PostLogoutUris),
        "redirect-uri" when Mentions(problem.Message, BackChannelLogoutUri) => nameof(BackChannelLogoutUri),
        "redirect-uri" => nameof(RedirectUris),
        "scope" => nameof(Scopes),
        "client-credentials" => nameof(ClientCredentials),
        "practice" => nameof(Practices),
        "lifetime" => nameof(AccessTokenMinutes),
        _ => "",
    };

    private static bool Mentions(string message, string? field) =>
        (field ?? "").Split((char[])['\n', '\r', ' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries).Any(v => message.Contains($"'{v}'", StringComparison.Ordinal));

    private static List<string> Entries(string? text, string field, List<PolicyProblem> problems)
    {
        var entries = (text ?? "").Split((char[])['\n', '\r', ' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (entries.Count > MaxEntries)
        {
            problems.Add(new PolicyProblem(field, $"At most {MaxEntries} entries, one per line."));
            return [];
        }

        return entries;
    }

    private static int? Number(string? text, string field, string label, List<PolicyProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Trim().Length > 6 || !int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            problems.Add(new PolicyProblem(field, $"{label}: a whole number, or blank for the provider's default."));
            return null;
        }

        return value;
    }

    private static string? Minutes(string? lifetime) =>
        TimeSpan.TryParse(lifetime, CultureInfo.InvariantCulture, out var span) ? ((int)span.TotalMinutes).ToString(CultureInfo.InvariantCulture) : null;

    private static string? Hours(string? lifetime) =>
        TimeSpan.TryParse(lifetime, CultureInfo.InvariantCulture, out var span) ? ((int)span.TotalHours).ToString(CultureInfo.InvariantCulture) : null;
}

/// <summary>What <c>_ClientFields</c> draws: the form's values, the page's problems, and whether the client is new (its ID and type are chosen only then).</summary>
public sealed record ClientFieldsView(ClientForm Form, PlatformPageModel Page, bool IsNew);
