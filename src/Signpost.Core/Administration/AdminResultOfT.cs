using Signpost.Core.Organizations;

namespace Signpost.Core.Administration;

/// <summary>
/// An act that hands back what it made or changed: the <see cref="Value"/> when it was done, otherwise the
/// failure as an <see cref="AdminResult"/>. A failure converts implicitly, so a service returns
/// <c>AdminResult.Refused("…")</c> and its value alike.
/// </summary>
/// <typeparam name="T">What a done act hands back.</typeparam>
public sealed class AdminResult<T>
    where T : class
{
    private AdminResult(AdminResult result, T? value)
    {
        Result = result;
        Value = value;
    }

    /// <summary>How the act ended, with its sentence and fields.</summary>
    public AdminResult Result { get; }

    /// <summary>What the act made or changed; null unless it was done.</summary>
    public T? Value { get; }

    public AdminOutcome Outcome => Result.Outcome;

    public string Message => Result.Message;

    public IReadOnlyList<PolicyProblem> Problems => Result.Problems;

    public bool Succeeded => Result.Succeeded;

    /// <summary>
    /// The value, for a caller whose input is fixed in code (first run, the demo data): a failure there is a
    /// bug, not something a person caused, so it is an exception.
    /// </summary>
    public T ValueOrThrow() => Value ?? throw new InvalidOperationException(Message);

    public static AdminResult<T> Done(T value, string message = "") => new(new AdminResult(AdminOutcome.Done, message), value);

    public static implicit operator AdminResult<T>(T value) => Done(value);

    public static implicit operator AdminResult<T>(AdminResult failure)
    {
        if (failure.Succeeded)
        {
            throw new ArgumentException("A done act hands back its value; only failures convert.", nameof(failure));
        }

        return new AdminResult<T>(failure, null);
    }
}
