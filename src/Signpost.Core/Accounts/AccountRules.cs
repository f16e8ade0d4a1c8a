using System.Text.RegularExpressions;

namespace Signpost.Core.Accounts;

/// <summary>What makes a username, email or slug acceptable; shared by the CLI, the pages and the API.</summary>
public static partial class AccountRules
{
    public const int MaxIdentifierLength = 254;

    // Usernames may not look like an email (no @) or an NPI (not all digits), so an identifier typed at
    // sign-in can only ever mean one account.
    [GeneratedRegex(@"^(?=.*[A-Za-z])[A-Za-z0-9._-]{3,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();

    [GeneratedRegex(@"^[^@\s\p{C}]{1,64}@[^@\s\p{C}]+\.[^@\s\p{C}]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^\d{9}$", RegexOptions.CultureInvariant)]
    private static partial Regex TinPattern();

    public static bool IsValidUsername(string? value) => value is not null && UsernamePattern().IsMatch(value);

    public static bool IsValidEmail(string? value) =>
        value is not null && value.Length <= MaxIdentifierLength && EmailPattern().IsMatch(value);

    public static bool IsValidSlug(string? value) => value is not null && SlugPattern().IsMatch(value);

    public static bool IsValidTaxId(string? value) => value is not null && TinPattern().IsMatch(value);
}
