using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting;

/// <summary>
/// What the "Can't sign in?" page may show to someone who holds a trace ID and has proven nothing: the
/// reason they were already shown (its public face), its message and general next steps. Built from the
/// event's <see cref="SignInEvent.ShownReasonCode"/> only — never the exact reason, the account, its state,
/// lock times or similar identifiers — because a trace ID is not proof of who is asking (docs/design.md §3).
/// </summary>
/// <param name="TraceId">The trace ID they typed.</param>
/// <param name="OccurredAt">When the attempt happened (they saw this time on the failure page).</param>
/// <param name="Code">The reason code they were shown.</param>
/// <param name="Title">Its title.</param>
/// <param name="Message">The message they may read.</param>
/// <param name="HelpPath">The help page of the shown code.</param>
/// <param name="NextSteps">Safe steps to try, the same for everyone who was shown this code.</param>
public sealed record SafeAdvice(string TraceId, DateTimeOffset OccurredAt, string Code, string Title, string Message, string HelpPath, IReadOnlyList<string> NextSteps)
{
    public static SafeAdvice For(SignInEvent signInEvent)
    {
        var shown = ReasonCatalogue.TryGet(signInEvent.ShownReasonCode, out var reason) ? reason : ReasonCatalogue.Get(ReasonCodes.InvalidCredentials);
        var steps = new List<string> { shown.ImmediateAction };
        if (!shown.IsSuccess)
        {
            steps.Add("Still stuck? Give payer support this trace ID; they can read the exact reason.");
        }

        return new SafeAdvice(signInEvent.TraceId, signInEvent.OccurredAt, shown.Code, shown.Title, shown.UserMessage, shown.HelpPath, steps);
    }
}
