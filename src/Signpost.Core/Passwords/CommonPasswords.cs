using System.Collections.Frozen;
using System.Text;

namespace Signpost.Core.Passwords;

/// <summary>
/// The blocklist of common passwords (NIST SP 800-63B §3.1.1.2; ASVS 5.0 6.2.4 asks for at least the top
/// 3,000): the 49,233 passwords of zxcvbn-ts's language-common list (MIT, see common-passwords.LICENSE.txt),
/// embedded in the assembly and loaded once. Matching ignores case, nothing else.
/// </summary>
internal static class CommonPasswords
{
    private const string ResourceName = "Signpost.Core.Passwords.common-passwords.txt";

    /// <summary>Additions of at most this many characters count as easy to guess whatever they are ("2024", "!!").</summary>
    private const int ShortAddition = 4;

    /// <summary>Longer additions are not looked at: they are not what rule sets append, and it bounds the work.</summary>
    private const int LongestAddition = 32;

    private static readonly Lazy<(FrozenSet<string> Set, int Longest)> Loaded = new(Load);

    /// <summary>True when the text, ignoring case, is on the list.</summary>
    public static bool Contains(ReadOnlySpan<char> text) =>
        text.Length <= Loaded.Value.Longest && Loaded.Value.Set.GetAlternateLookup<ReadOnlySpan<char>>().Contains(text);

    /// <summary>
    /// True when the password is a listed one with only easy-to-guess characters added before or after it:
    /// the core between the additions is on the list, and each addition is made of digits, punctuation
    /// and spaces only and, spaces aside, is short (≤ 4), one repeated unit, a sequence or keyboard run, on the
    /// list itself, or two such pieces ("12345678" then "!"). Attackers' rule sets try exactly these (a year, "123", "!").
    /// </summary>
    public static bool IsListedWithGuessableAdditions(string password)
    {
        var longest = Loaded.Value.Longest;
        var n = password.Length;

        // The additions hold no letters, so the core runs at least from the first letter to the last
        // (a password without letters may be split anywhere).
        var leading = Math.Min(CountNonLetters(password, fromEnd: false), LongestAddition);
        var trailing = Math.Min(CountNonLetters(password, fromEnd: true), LongestAddition);
        for (var start = 0; start <= leading; start++)
        {
            for (var end = Math.Min(n, start + longest); end - start >= 3 && n - end <= trailing; end--)
            {
                if (start == 0 && end == n)
                {
                    continue; // the whole password: the exact match, checked before this
                }

                if (Contains(password.AsSpan(start, end - start))
                    && IsGuessableAddition(password.AsSpan(0, start))
                    && IsGuessableAddition(password.AsSpan(end)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsGuessableAddition(ReadOnlySpan<char> typed)
    {
        // Spaces between additions cost an attacker nothing: "baseball 1999 !!!" is "baseball" + "1999!!!".
        Span<char> buffer = typed.Length <= 256 ? stackalloc char[typed.Length] : new char[typed.Length];
        var length = 0;
        foreach (var c in typed)
        {
            if (!char.IsWhiteSpace(c))
            {
                buffer[length++] = c;
            }
        }

        var addition = buffer[..length];
        if (IsGuessablePiece(addition))
        {
            return true;
        }

        // Two pieces, digits and the rest, each easy: "2024!", "12345678!!", "!!1234".
        var split = 1;
        while (split < addition.Length && char.IsAsciiDigit(addition[split]) == char.IsAsciiDigit(addition[0]))
        {
            split++;
        }

        var rest = addition[split..];
        foreach (var c in rest)
        {
            if (char.IsAsciiDigit(c) != char.IsAsciiDigit(rest[0]))
            {
                return false; // three pieces or more: no longer a simple addition
            }
        }

        return IsGuessablePiece(addition[..split]) && IsGuessablePiece(rest);
    }

    private static bool IsGuessablePiece(ReadOnlySpan<char> piece) =>
        piece.Length <= ShortAddition || PasswordPatterns.IsEntirelyPatterned(piece) || Contains(piece);

    private static int CountNonLetters(string password, bool fromEnd)
    {
        var count = 0;
        while (count < password.Length && !char.IsLetter(password[fromEnd ? password.Length - 1 - count : count]))
        {
            count++;
        }

        return count;
    }

    private static (FrozenSet<string>, int) Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from Signpost.Core.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var words = new List<string>(50_000);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                words.Add(line);
            }
        }

        return (words.ToFrozenSet(StringComparer.OrdinalIgnoreCase), words.Max(w => w.Length));
    }
}
