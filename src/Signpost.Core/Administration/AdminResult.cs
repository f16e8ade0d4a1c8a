using Signpost.Core.Organizations;

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

    /// <summary>A value is malformed; <see cref="AdminResult.Field"/> names it (<see cref="AdminResult.Problems"/> every one, when several are).</summary>
    Invalid,

    /// <summary>What was asked for exists already or collides with what does (a slug, a username, an email).</summary>
    Conflict,

    /// <summary>
    /// An invitation was handled: the same outcome and sentence whether the email was new (a pending account),
    /// had an account (an invitation to accept), or was not to be invited at all (payer staff, no account) —
    /// the answer must not tell them apart (docs/security.md).
    /// </summary>
    Invited,
}

/// <summary>
/// The outcome of one act, with a sentence for the person who asked. Services return it for every failure
/// a person can cause (bad input, a rule, a missing record); exceptions are left for the unexpected
/// (README "Layout", expected failures).
/// </summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Message">One sentence: what was done, or why not.</param>
/// <param name="Field">The input field at fault (the API's and the form's field name) for <see cref="AdminOutcome.Invalid"/>.</param>
public sealed record AdminResult(AdminOutcome Outcome, string Message, string? Field = null)
{
    /// <summary>The person acted on, after the act (null when not found).</summary>
    public Guid? AccountId { get; init; }

    /// <summary>Their version after the act: what the next form or request must carry.</summary>
    public int? Version { get; init; }

    /// <summary>Every problem, each naming its field, for <see cref="AdminOutcome.Invalid"/>; nothing was stored while any remains.</summary>
    public IReadOnlyList<PolicyProblem> Problems { get; init; } = Field is null ? [] : [new PolicyProblem(Field, Message)];

    public bool Succeeded => Outcome == AdminOutcome.Done;

    public static AdminResult NotFound() => new(AdminOutcome.NotFound, "No such person in this practice.");

    public static AdminResult NotFound(string message) => new(AdminOutcome.NotFound, message);

    public static AdminResult Refused(string message) => new(AdminOutcome.Refused, message);

    public static AdminResult Conflict(string message) => new(AdminOutcome.Conflict, message);

    public static AdminResult Invalid(string field, string message) => new(AdminOutcome.Invalid, message, field);

    /// <summary>Several fields at once; the message is every sentence in order, the field the first one's.</summary>
    public static AdminResult Invalid(IReadOnlyList<PolicyProblem> problems) =>
        new(AdminOutcome.Invalid, string.Join(" ", problems.Select(p => p.Message)), problems.FirstOrDefault()?.Field) { Problems = problems };
}
