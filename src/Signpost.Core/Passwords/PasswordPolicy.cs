using System.Globalization;
using Microsoft.Extensions.Options;

namespace Signpost.Core.Passwords;

/// <summary>
/// The password rules of docs/design.md §7, after NIST SP 800-63B §3.1.1.2 and OWASP ASVS 5.0 V6.2: a length
/// (15 characters as the only factor, 8 with MFA, up to <see cref="PasswordHashing.MaxPasswordLength"/>),
/// a blocklist of common passwords, context words, repeated and sequential patterns, the person's recent
/// passwords and, optionally, a breach corpus. No composition rules (ASVS 6.2.5). The password is checked
/// exactly as typed (ASVS 6.2.8): nothing is trimmed or normalised, and a leading space is a character.
/// Each failing rule adds one sentence saying what to change; no sentence repeats the password.
/// </summary>
public sealed class PasswordPolicy(PasswordHashing hashing, IBreachedPasswordCheck breachCheck, IOptions<PasswordPolicyOptions> options)
{
    public const int MinimumLengthSingleFactor = 15;
    public const int MinimumLengthWithMfa = 8;

    private readonly PasswordPolicyOptions _options = options.Value;

    public async Task<PasswordVerdict> CheckAsync(string? password, PasswordContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(password))
        {
            return Refused(PasswordRules.Empty, "Enter a new password.");
        }

        // Nothing longer is examined, hashed or sent anywhere: the cap bounds the work a request can cause.
        if (password.Length > PasswordHashing.MaxPasswordLength)
        {
            return Refused(PasswordRules.TooLong, $"Use at most {PasswordHashing.MaxPasswordLength} characters.");
        }

        var failures = new List<PasswordRuleFailure>();
        var minimum = context.MfaEnrolled ? MinimumLengthWithMfa : MinimumLengthSingleFactor;

        // NIST counts characters (code points), not UTF-16 units: eight emoji are eight characters.
        if (password.EnumerateRunes().Count() < minimum)
        {
            failures.Add(new(PasswordRules.TooShort, $"Use at least {minimum} characters; a short sentence works well."));
        }

        if (CommonPasswords.Contains(password))
        {
            failures.Add(new(PasswordRules.Common,
                "It is one of the most common passwords, which attackers try first. Choose something else; a few unrelated words work well."));
        }
        else if (CommonPasswords.IsListedWithGuessableAdditions(password))
        {
            failures.Add(new(PasswordRules.Common,
                "It is a common password with easy digits or symbols added (like a year, 123 or !), which attackers try early. Choose something else; a few unrelated words work well."));
        }

        if (ContextWords.Check(password, context, _options.ContextWords, minimum) is { } contextProblem)
        {
            failures.Add(new(PasswordRules.Context, contextProblem));
        }

        var patterns = PasswordPatterns.Measure(password);
        if (patterns.MostlyPatterned)
        {
            // Name the pattern that covers more than half, or the larger one when only both together do.
            var repetitive = patterns.Repeated * 2 > patterns.Length;
            var sequential = patterns.Sequential * 2 > patterns.Length;
            if (!repetitive && !sequential)
            {
                repetitive = patterns.Repeated >= patterns.Sequential;
                sequential = !repetitive;
            }

            if (repetitive)
            {
                failures.Add(new(PasswordRules.Repetitive,
                    "Most of it repeats the same characters (like aaaa or abcabc). Use words that do not repeat."));
            }

            if (sequential)
            {
                failures.Add(new(PasswordRules.Sequential,
                    "Most of it is a sequence of letters, numbers or neighbouring keys (like abcd, 1234 or qwerty). Use words instead."));
            }
        }

        if (context.CurrentPassword is { } current && string.Equals(password, current, StringComparison.Ordinal))
        {
            failures.Add(new(PasswordRules.Unchanged, "Choose a password different from the current one."));
        }

        // Each comparison costs one full PBKDF2 run: this is the price of not keeping old passwords readable.
        if (context.RecentHashes.Any(hash => hashing.Verify(hash, password) != PasswordCheck.Wrong))
        {
            failures.Add(new(PasswordRules.Reused, "You used this password recently. Choose one you have not used before."));
        }

        // Only a password that passes everything else is sent for the breach check: the others are
        // refused anyway, and each check is a request to another service.
        string? note = null;
        if (failures.Count == 0)
        {
            switch (await breachCheck.CheckAsync(password, cancellationToken))
            {
                case BreachCheckOutcome.Breached breached:
                    failures.Add(new(PasswordRules.Breached,
                        $"It appears {breached.Count.ToString("N0", CultureInfo.InvariantCulture)} {(breached.Count == 1 ? "time" : "times")} in known data breaches, so attackers already have it. Choose a password you have never used anywhere."));
                    break;
                case BreachCheckOutcome.Unavailable unavailable when _options.BreachCheck.RejectWhenUnavailable:
                    failures.Add(new(PasswordRules.Breached,
                        "The check against passwords from data breaches could not run just now. Try again in a few minutes."));
                    note = BreachNote(unavailable);
                    break;
                case BreachCheckOutcome.Unavailable unavailable:
                    note = BreachNote(unavailable);
                    break;
            }
        }

        return new PasswordVerdict(failures, note);
    }

    private static string BreachNote(BreachCheckOutcome.Unavailable unavailable) =>
        $"The breach check could not run: {unavailable.Reason}.";

    private static PasswordVerdict Refused(string rule, string message) => new([new PasswordRuleFailure(rule, message)], null);
}
