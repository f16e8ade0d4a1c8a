using Signpost.Core.Reasons;
using Signpost.Core.Sessions;

namespace Signpost.Core.SignIn;

public sealed partial class PasswordSignIn
{
    internal async Task<SignInResult> FinishAsync(
        Attempt attempt,
        string code,
        string? detail = null,
        IReadOnlyList<string>? problems = null,
        IssuedSession? session = null,
        (string, string)? newDeviceCookie = null,
        CancellationToken ct = default)
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
        if (code == ReasonCodes.InvalidCredentials && attempt.Device is not null && attempt.LockedUntil is not null)
        {
            shown = ReasonCatalogue.Get(ReasonCodes.AccountLocked);
        }

        var result = new SignInResult
        {
            Reason = reason,
            Shown = shown,
            TraceId = attempt.Request.TraceId,
            OccurredAt = attempt.At,
            Account = attempt.Account,
            Organizations = attempt.Allowed.Count > 0 ? attempt.Allowed : attempt.Organization is { } o ? [o] : [],
            Session = session,
            NewDeviceCookie = newDeviceCookie,
            LockedUntil = shown.Code == ReasonCodes.AccountLocked ? attempt.LockedUntil : null,
            PasswordChangeAccountId = attempt.PasswordChange ? attempt.Account?.Id : null,
            Problems = problems ?? [],
            Maintenance = attempt.Maintenance,
        };

        await recorder.RecordAsync(attempt.Request, result, attempt.IdentifierKind, attempt.NetworkLabel,
            attempt.DevicePresented, attempt.Device is not null, detail, ct);
        return result;
    }
}
