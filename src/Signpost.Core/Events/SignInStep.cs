using Signpost.Core.Accounts;
using Signpost.Core.Reasons;

namespace Signpost.Core.Events;

/// <summary>
/// A recovery or activation step to record as a sign-in event: the exact <see cref="Reason"/> for support
/// and, when it differs, the <see cref="Shown"/> one the person at the keyboard saw.
/// </summary>
public sealed record SignInStep(SignInMethod Method, string TraceId, DateTimeOffset At, Reason Reason)
{
    public Reason? Shown { get; init; }
    public Account? Account { get; init; }
    public string? Identifier { get; init; }
    public string? IdentifierKind { get; init; }
    public string? Detail { get; init; }
    public bool DevicePresented { get; init; }
    public bool DeviceValid { get; init; }
}
