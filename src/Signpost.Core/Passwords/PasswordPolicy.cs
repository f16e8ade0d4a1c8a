using Signpost.Core.Accounts;

namespace Signpost.Core.Passwords;

/// <summary>
/// The length rules of SPEC §7 (NIST SP 800-63B §3.1.1.2): at least 15 characters when the password is
/// the only factor, at most <see cref="PasswordHashing.MaxPasswordLength"/>, no composition rules,
/// checked exactly as typed (no trimming, no normalisation). It also refuses the account's own
/// identifiers. The blocklist of common and breached passwords belongs to the recovery work.
/// </summary>
public static class PasswordPolicy
{
    public const int MinimumLengthSingleFactor = 15;

    /// <summary>Plain sentences naming what is wrong with the new password; empty when acceptable.</summary>
    public static IReadOnlyList<string> Check(string? password, Account account)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(password))
        {
            problems.Add("Enter a new password.");
            return problems;
        }

        var length = password.EnumerateRunes().Count();
        if (length < MinimumLengthSingleFactor)
        {
            problems.Add($"Use at least {MinimumLengthSingleFactor} characters; a short sentence works well.");
        }

        if (password.Length > PasswordHashing.MaxPasswordLength)
        {
            problems.Add($"Use at most {PasswordHashing.MaxPasswordLength} characters.");
        }

        string?[] context = [account.Username, account.Email, account.Npi, account.Email.Split('@')[0]];
        if (context.Any(word => word is { Length: >= 3 } && password.Equals(word, StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add("Do not use your username, email or NPI as the password.");
        }

        return problems;
    }
}
