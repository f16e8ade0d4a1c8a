namespace Signpost.Core.Passwords;

/// <summary>The rule ids of <see cref="PasswordRuleFailure.Rule"/>: stable, for tests, events and callers that branch.</summary>
public static class PasswordRules
{
    public const string Empty = "empty";
    public const string TooShort = "too_short";
    public const string TooLong = "too_long";
    public const string Common = "common";
    public const string Context = "context";
    public const string Repetitive = "repetitive";
    public const string Sequential = "sequential";
    public const string Reused = "reused";
    public const string Unchanged = "unchanged";
    public const string Breached = "breached";
}

/// <summary>One rule the password broke, with a plain sentence telling the person what to change. Never echoes the password.</summary>
public sealed record PasswordRuleFailure(string Rule, string Message);

/// <summary>
/// The result of <see cref="PasswordPolicy.CheckAsync"/>: every rule that failed, and a note for the event
/// detail and the person when something could not be checked (the breach check was unavailable).
/// </summary>
public sealed record PasswordVerdict(IReadOnlyList<PasswordRuleFailure> Failures, string? Note)
{
    public bool Accepted => Failures.Count == 0;

    /// <summary>The failure messages in rule order, ready to show as a list.</summary>
    public IReadOnlyList<string> Messages => Failures.Select(f => f.Message).ToList();
}
