namespace Signpost.Core.Reasons;

/// <summary>
/// One entry of the reason-code catalogue. The same entry drives the sign-in page, problem details,
/// the troubleshooter, support tools and the generated reference in <c>docs/reason-codes.md</c>.
/// </summary>
/// <param name="Code">Stable identifier, lower snake case; never renamed once shipped.</param>
/// <param name="Category">Family of docs/design.md §3.</param>
/// <param name="Title">Short heading for people.</param>
/// <param name="UserMessage">What the person at the keyboard may read when they are allowed to see this reason.</param>
/// <param name="Visibility">Who may see the specific reason.</param>
/// <param name="PublicCode">The code shown instead to someone who may not see this one (itself when public).</param>
/// <param name="HttpStatus">Status used by the JSON API; reasons that share a public face share a status.</param>
/// <param name="ProbableCause">What usually lies behind it, for support and the troubleshooter.</param>
/// <param name="ImmediateAction">What to do now.</param>
/// <param name="Escalation">When, and to whom, to escalate.</param>
public sealed record Reason(
    string Code,
    ReasonCategory Category,
    string Title,
    string UserMessage,
    ReasonVisibility Visibility,
    string PublicCode,
    int HttpStatus,
    string ProbableCause,
    string ImmediateAction,
    string Escalation)
{
    /// <summary>Path of this code's help page; also the RFC 9457 <c>type</c> of API problems.</summary>
    public string HelpPath => $"/help/codes/{Code}";

    /// <summary>True when the outcome is a success (the sign-in went through, perhaps with a warning).</summary>
    public bool IsSuccess => Category == ReasonCategory.Success;
}
