namespace Signpost.Core.Passwords;

/// <summary>How much of a password is made of patterns that password crackers enumerate first.</summary>
/// <param name="Length">Characters measured (the password without whitespace).</param>
/// <param name="Repeated">Characters inside a unit repeated back to back: "aaa", "abcabc", "1212".</param>
/// <param name="Sequential">Characters inside a run of three or more: "abcd", "4321", "qwerty", "1qaz".</param>
/// <param name="Patterned">Characters inside either.</param>
internal readonly record struct PatternCoverage(int Length, int Repeated, int Sequential, int Patterned)
{
    /// <summary>More than half of the password is patterned.</summary>
    public bool MostlyPatterned => Length > 0 && Patterned * 2 > Length;
}

/// <summary>
/// Finds repeated units and sequence or keyboard runs (zxcvbn's repeat, sequence and spatial matchers,
/// reduced to what can be explained in one sentence). Case is ignored; whitespace is skipped, so
/// "a b c d" is the run "abcd".
/// </summary>
internal static class PasswordPatterns
{
    private const int MinimumRun = 3;

    /// <summary>Lines along which a step of one place is a run; the digits wrap (…8, 9, 0, 1…).</summary>
    private static readonly (string Keys, bool Wraps)[] Tracks =
    [
        ("abcdefghijklmnopqrstuvwxyz", false),
        ("0123456789", true),
        // US keyboard rows, unshifted and shifted.
        ("`1234567890-=", false), ("qwertyuiop[]\\", false), ("asdfghjkl;'", false), ("zxcvbnm,./", false),
        ("~!@#$%^&*()_+", false), ("qwertyuiop{}|", false), ("asdfghjkl:\"", false), ("zxcvbnm<>?", false),
        // Keyboard columns ("1qaz2wsx").
        ("1qaz", false), ("2wsx", false), ("3edc", false), ("4rfv", false), ("5tgb", false),
        ("6yhn", false), ("7ujm", false), ("8ik,", false), ("9ol.", false), ("0p;/", false),
    ];

    public static PatternCoverage Measure(ReadOnlySpan<char> password)
    {
        var text = Prepare(password);
        var repeated = new bool[text.Length];
        var sequential = new bool[text.Length];
        MarkRepeats(text, repeated);
        MarkRuns(text, sequential);

        int r = 0, s = 0, either = 0;
        for (var i = 0; i < text.Length; i++)
        {
            r += repeated[i] ? 1 : 0;
            s += sequential[i] ? 1 : 0;
            either += repeated[i] || sequential[i] ? 1 : 0;
        }

        return new PatternCoverage(text.Length, r, s, either);
    }

    /// <summary>True when every character is in a repeat or a run ("!!!!!", "12345678", "!@#$").</summary>
    public static bool IsEntirelyPatterned(ReadOnlySpan<char> text)
    {
        var coverage = Measure(text);
        return coverage.Length >= MinimumRun && coverage.Patterned == coverage.Length;
    }

    /// <summary>Lowercase, whitespace removed; a password of whitespace only is measured as typed.</summary>
    private static string Prepare(ReadOnlySpan<char> password)
    {
        var builder = new System.Text.StringBuilder(password.Length);
        foreach (var c in password)
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.Length > 0 ? builder.ToString() : password.ToString();
    }

    /// <summary>
    /// For each period p, a stretch where every character equals the one p places before, at least p long,
    /// is a unit written twice or more: "abcabc" (p = 3), "aaa" (p = 1). Fewer than three characters do not count.
    /// </summary>
    private static void MarkRepeats(string text, bool[] marks)
    {
        for (var period = 1; period <= text.Length / 2; period++)
        {
            var streak = 0;
            for (var i = period; i <= text.Length; i++)
            {
                if (i < text.Length && text[i] == text[i - period])
                {
                    streak++;
                    continue;
                }

                if (streak >= period && streak + period >= MinimumRun)
                {
                    Array.Fill(marks, true, i - streak - period, streak + period);
                }

                streak = 0;
            }
        }
    }

    private static void MarkRuns(string text, bool[] marks)
    {
        foreach (var (keys, wraps) in Tracks)
        {
            foreach (var direction in (ReadOnlySpan<int>)[1, -1])
            {
                var start = 0;
                for (var i = 1; i <= text.Length; i++)
                {
                    if (i < text.Length && IsStep(keys, wraps, text[i - 1], text[i], direction))
                    {
                        continue;
                    }

                    if (i - start >= MinimumRun)
                    {
                        Array.Fill(marks, true, start, i - start);
                    }

                    start = i;
                }
            }
        }
    }

    private static bool IsStep(string keys, bool wraps, char from, char to, int direction)
    {
        var a = keys.IndexOf(from, StringComparison.Ordinal);
        var b = keys.IndexOf(to, StringComparison.Ordinal);
        if (a < 0 || b < 0)
        {
            return false;
        }

        return wraps ? (a + direction + keys.Length) % keys.Length == b : a + direction == b;
    }
}
