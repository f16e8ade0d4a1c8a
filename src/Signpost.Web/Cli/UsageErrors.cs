using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Signpost.Web.Cli;

/// <summary>
/// The one line a wrong command line gets (exit code 2): what was not understood, the nearest command or
/// option when one is close ("did you mean migrate?"), and where the help is. Worked out from the parse
/// alone, before any host, database or file is touched.
/// </summary>
public static class UsageErrors
{
    /// <summary>The line to print, or null when the command line is sound.</summary>
    public static string? Describe(ParseResult parsed, IReadOnlyList<string> tokens)
    {
        var path = CommandPath(parsed.CommandResult);
        var help = $"See '{path} --help'";
        if (UnknownOption(parsed.CommandResult, tokens) is { } option)
        {
            var near = Closest(option.Split('=')[0], KnownOptions(parsed.CommandResult));
            return $"signpost: unknown option '{option}' for '{path}'.{Suggest(near)} Settings are written --Section:Key=value. {help}.";
        }

        if (parsed.Errors.Count == 0)
        {
            return null;
        }

        if (parsed.UnmatchedTokens.FirstOrDefault() is { } unmatched)
        {
            var command = parsed.CommandResult.Command;
            if (command.Subcommands.Count > 0 && !unmatched.StartsWith('-'))
            {
                var near = Closest(unmatched, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
                return $"signpost: unknown command '{unmatched}'.{Suggest(near)} {help}.";
            }

            return $"signpost: unexpected argument '{unmatched}' for '{path}'. {help}.";
        }

        // One line, whatever the parser's message looks like (a list of allowed values spans several).
        var message = string.Join(' ', parsed.Errors[0].Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return $"signpost: {path}: {message.TrimEnd('.')}. {help}.";
    }

    private static string Suggest(string? near) => near is null ? "" : $" Did you mean {near}?";

    /// <summary>
    /// The first token that looks like an option but is none of this command's: found even where an
    /// argument would have swallowed it (<c>events show --jsno ID</c>), so it never runs as a value.
    /// </summary>
    private static string? UnknownOption(CommandResult result, IReadOnlyList<string> tokens)
    {
        var options = OptionsInScope(result).ToList();
        var names = options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        var takesValue = options.Where(o => o.Arity.MaximumNumberOfValues > 0 && o.ValueType != typeof(bool))
            .SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token == "--")
            {
                return null;
            }

            if (i > 0 && takesValue.Contains(tokens[i - 1]))
            {
                continue; // the value of the option before it, whatever it looks like
            }

            if (token.Length > 1 && token[0] == '-' && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                && !names.Contains(token.Split('=')[0]))
            {
                return token;
            }
        }

        return null;
    }

    private static IEnumerable<string> KnownOptions(CommandResult result) =>
        OptionsInScope(result).Where(o => !o.Hidden).Select(o => o.Name);

    /// <summary>The command's own options and those its ancestors hand down (help).</summary>
    private static IEnumerable<Option> OptionsInScope(CommandResult result)
    {
        foreach (var option in result.Command.Options)
        {
            yield return option;
        }

        for (var parent = result.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
        {
            foreach (var option in parent.Command.Options.Where(o => o.Recursive))
            {
                yield return option;
            }
        }
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (var current = result; current is not null; current = current.Parent as CommandResult)
        {
            names.Add(current.Parent is null ? "signpost" : current.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>The candidate nearest to what was typed, when near enough to be what was meant: a slip of a letter or two, or the start of the word.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        var bare = typed.TrimStart('-');
        if (bare.Length == 0)
        {
            return null;
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var name = candidate.TrimStart('-');
            var distance = name.StartsWith(bare, StringComparison.OrdinalIgnoreCase) && bare.Length >= 3 ? 0 : Distance(bare.ToLowerInvariant(), name.ToLowerInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best is not null && bestDistance <= Math.Max(1, Math.Min(3, best.TrimStart('-').Length / 3)) ? best : null;
    }

    /// <summary>Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
