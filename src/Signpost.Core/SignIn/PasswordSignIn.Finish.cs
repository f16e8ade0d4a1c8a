using Signpost.Core.Reasons;

namespace Signpost.Core.SignIn;

public sealed partial class PasswordSignIn
{
    /// <summary>Ends a refused attempt: the result this client may see, and the attempt's event.</summary>
    private Task<SignInResult> RefuseAsync(Attempt attempt, SignInRefusal refusal, CancellationToken cancellationToken)
    {
        var result = ResultOf(attempt, refusal.ReasonCode, refusal.LockedUntil) with
        {
            PasswordChangeAccountId = refusal.PasswordChangeDue ? attempt.Account?.Id : null,
            Problems = refusal.Problems,
            Challenge = refusal.Challenge,
            RetryAfter = refusal.RetryAfter,
        };
        // How far the clock is off is told only where the skew itself may be (after the password was proven).
        if (result.Shown.Code == ReasonCodes.MfaClockSkew)
        {
            result = result with { ClockSkewSeconds = refusal.SkewSeconds };
        }

        return RecordAsync(attempt, result, refusal.Detail, cancellationToken);
    }

    /// <summary>
    /// The outcome of <paramref name="code"/> for this attempt: the exact reason, and the one this client may see
    /// (docs/design.md §3), which depends on what the attempt proved.
    /// </summary>
    private static SignInResult ResultOf(Attempt attempt, string code, DateTimeOffset? lockedUntil)
    {
        var reason = ReasonCatalogue.Get(code);
        var mayKnow = reason.Visibility switch
        {
            ReasonVisibility.Anyone => true,
            ReasonVisibility.PasswordProven => attempt.PasswordProven,
            ReasonVisibility.TrustedDevice => attempt.Device is not null,
            _ => false,
        };

        // A trusted device whose own lock just engaged learns it; everyone else sees the public face.
        var shown = mayKnow ? reason : ReasonCatalogue.Get(reason.PublicCode);
        if (code == ReasonCodes.InvalidCredentials && attempt.Device is not null && lockedUntil is not null)
        {
            shown = ReasonCatalogue.Get(ReasonCodes.AccountLocked);
        }

        // The owner, past the password, learns that their wrong code just locked the second factor.
        if (reason.Category == ReasonCategory.Mfa && attempt.PasswordProven && lockedUntil is not null)
        {
            shown = ReasonCatalogue.Get(ReasonCodes.MfaLocked);
        }

        var entry = attempt.Entry;
        return new SignInResult
        {
            Reason = reason,
            Shown = shown,
            TraceId = attempt.Request.TraceId,
            OccurredAt = attempt.At,
            Account = attempt.Account,
            Organizations = entry.Admitted.Count > 0 ? entry.Admitted : entry.Named is { } o ? [o] : [],
            LockedUntil = shown.Code is ReasonCodes.AccountLocked or ReasonCodes.MfaLocked ? lockedUntil : null,
            // The window that closed the gate, or the one for the account's practices that kept failures uncounted.
            Maintenance = entry.Maintenance ?? attempt.AccountWindow,
        };
    }

    /// <summary>Records the attempt's one event (before the caller answers) and returns its result.</summary>
    /// <remarks>
    /// A success's session is written with its event, in one transaction (<see cref="StartSessionAsync"/>); so is a
    /// wrong password's counted failure (<see cref="Attempt.PendingWrite"/>), committed here with the event.
    /// </remarks>
    private async Task<SignInResult> RecordAsync(Attempt attempt, SignInResult result, string detail, CancellationToken cancellationToken)
    {
        var pending = attempt.PendingWrite;
        await recorder.RecordAsync(attempt.Request, result, attempt.IdentifierKind, attempt.Entry.NetworkLabel,
            attempt.DevicePresented, attempt.Device is not null, detail, cancellationToken, result.Session?.Session, pending);
        if (pending is not null)
        {
            attempt.PendingWrite = null;
            await pending.DisposeAsync();
        }

        return result;
    }
}
