namespace Signpost.Core.Administration;

/// <summary>How an administrative act ended. Expected failures are values, translated to pages and problems at the edge.</summary>
public enum AdminOutcome
{
    /// <summary>The act was carried out and audited.</summary>
    Done,

    /// <summary>No such practice or member in the caller's scope (also the answer to another practice's IDs).</summary>
    NotFound,

    /// <summary>The form or body carried an older version of the person than the one stored: someone else changed them first.</summary>
    Stale,

    /// <summary>A rule forbids the act (the last admin, acting on oneself, another practice's person); the message says which.</summary>
    Refused,

    /// <summary>A value is malformed; <see cref="AdminResult.Field"/> names it.</summary>
    Invalid,

    /// <summary>
    /// An invitation was handled: the same outcome and sentence whether the email was new (a pending account),
    /// had an account (an invitation to accept), or was not to be invited at all (payer staff, no account) —
    /// the answer must not tell them apart (docs/security.md).
    /// </summary>
    Invited,
}

/// <summary>The outcome of one act, with a sentence for the person who asked.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Message">One sentence: what was done, or why not.</param>
/// <param name="Field">The input field at fault (the API's and the form's field name) for <see cref="AdminOutcome.Invalid"/>.</param>
public sealed record AdminResult(AdminOutcome Outcome, string Message, string? Field = null)
{
    /// <summary>The person acted on, after the act (null when not found).</summary>
    public Guid? AccountId { get; init; }

    /// <summary>Their version after the act: what the next form or request must carry.</summary>
    public int? Version { get; init; }

    public bool Succeeded => Outcome == AdminOutcome.Done;

    public static AdminResult NotFound() => new(AdminOutcome.NotFound, "No such person in this practice.");

    public static AdminResult Refused(string message) => new(AdminOutcome.Refused, message);

    public static AdminResult Invalid(string field, string message) => new(AdminOutcome.Invalid, message, field);
}
