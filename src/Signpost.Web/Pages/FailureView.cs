using Signpost.Core.Reasons;
using Signpost.Core.SignIn;

namespace Signpost.Web.Pages;

/// <summary>What the shared failure partial shows.</summary>
public sealed record FailureView(Reason Reason, string Message, string TraceId, DateTimeOffset At, DateTimeOffset? LockedUntil, IReadOnlyList<string> Problems)
{
    public static FailureView From(SignInResult result) =>
        new(result.Shown, result.Shown.UserMessage, result.TraceId, result.OccurredAt, result.LockedUntil, result.Problems);
}
