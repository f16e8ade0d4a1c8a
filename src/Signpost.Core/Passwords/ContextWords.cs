using System.Text;

namespace Signpost.Core.Passwords;

/// <summary>
/// Context-specific words (NIST SP 800-63B §3.1.1.2; ASVS 5.0 6.1.2, 6.2.11): the person's identifiers,
/// names and practices, and the product and payer names of <see cref="PasswordPolicyOptions.ContextWords"/>.
/// Compared ignoring case, spaces and punctuation, so "Jordan.Lee", "jordan lee" and "JORDANLEE" are one word.
/// </summary>
internal static class ContextWords
{
    /// <summary>Shorter identifiers are not looked for inside a password: "bob" is in too many words.</summary>
    public const int MinimumContainedLength = 4;

    /// <summary>Name parts shorter than this are not taken out ("Li" would remove too much by accident).</summary>
    public const int MinimumNamePartLength = 3;

    /// <summary>The sentence that says which kinds of words the password uses, or null when none.</summary>
    public static string? Check(string password, PasswordContext context, IEnumerable<string> productWords, int minimumLength)
    {
        var folded = Fold(password);
        var account = context.Account;
        var identifiers = new List<(string Word, string Kind)>
        {
            (Fold(account.Username), "your username"),
            (Fold(account.Email.Split('@')[0]), "your email address"),
            (Fold(account.Npi ?? ""), "your NPI"),
        };
        identifiers.AddRange(context.OrganizationNames.Select(name => (Fold(name), "the name of your organization")));
        identifiers.AddRange(productWords.Select(word => (Fold(word), "the name of this service or a payer")));

        var found = identifiers
            .Where(i => i.Word.Length >= MinimumContainedLength && folded.Contains(i.Word, StringComparison.Ordinal))
            .Select(i => i.Kind)
            .Distinct()
            .ToList();

        var sentences = new List<string>();
        if (found.Count > 0)
        {
            sentences.Add($"It contains {JoinKinds(found)}: leave {(found.Count == 1 ? "it" : "them")} out.");
        }

        // A name padded to the length is not a password: take the name parts out and measure what is left.
        var nameParts = Parts(account.DisplayName).Where(p => p.Length >= MinimumNamePartLength);
        var removed = CountCovered(password, nameParts);
        if (removed > 0 && password.EnumerateRunes().Count() - removed < minimumLength)
        {
            sentences.Add($"Apart from your name it has fewer than {minimumLength} characters: add words of your own.");
        }

        return sentences.Count == 0 ? null : string.Join(" ", sentences);
    }

    /// <summary>Lowercase letters and digits only.</summary>
    public static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    /// <summary>"Jordan Lee-Park" → jordan, lee, park.</summary>
    private static IEnumerable<string> Parts(string text)
    {
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || !char.IsLetterOrDigit(text[i]))
            {
                if (i > start)
                {
                    yield return Fold(text[start..i]);
                }

                start = i + 1;
            }
        }
    }

    /// <summary>
    /// How many characters of the password, as typed, are a name part (case ignored; longest parts first, no
    /// overlaps). A part of three letters counts only as a word of its own, between non-letters, the ends or
    /// another name part ("Lee!", "JordanLee"), not inside other words ("sleek", "ogle eggnog").
    /// </summary>
    private static int CountCovered(string password, IEnumerable<string> parts)
    {
        var covered = new bool[password.Length];
        foreach (var part in parts.Distinct().OrderByDescending(p => p.Length))
        {
            var anywhere = part.Length >= MinimumContainedLength;
            for (var at = password.IndexOf(part, StringComparison.OrdinalIgnoreCase); at >= 0;
                 at = password.IndexOf(part, at + 1, StringComparison.OrdinalIgnoreCase))
            {
                var span = covered.AsSpan(at, part.Length);
                if (!span.Contains(true) && (anywhere || (IsBoundary(password, covered, at - 1) && IsBoundary(password, covered, at + part.Length))))
                {
                    span.Fill(true);
                }
            }
        }

        return covered.Count(c => c);
    }

    private static bool IsBoundary(string password, bool[] covered, int index) =>
        index < 0 || index >= password.Length || covered[index] || !char.IsLetterOrDigit(password[index]);

    private static string JoinKinds(List<string> kinds) => kinds.Count == 1
        ? kinds[0]
        : $"{string.Join(", ", kinds.Take(kinds.Count - 1))} and {kinds[^1]}";
}
