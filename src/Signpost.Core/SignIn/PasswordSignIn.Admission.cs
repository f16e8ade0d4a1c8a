using System.Globalization;
using Signpost.Core.Reasons;

namespace Signpost.Core.SignIn;

public sealed partial class PasswordSignIn
{
    /// <summary>
    /// How an admission refusal's event detail begins: the troubleshooter's network step tells it apart from a
    /// per-address limit by these words (both are <c>rate_limited</c>).
    /// </summary>
    public const string AdmissionRefusedDetail = "Refused before the password check, not hashed or counted";

    /// <summary>
    /// Admission before the hash (docs/security.md, same title): a slot in the <see cref="HashAdmission"/> gate, in the
    /// trusted queue when the browser holds a valid trusted-device cookie for the account, else in the untrusted
    /// one. A full untrusted queue refuses the attempt here with <c>rate_limited</c>, before the lock is read or
    /// anything is hashed or counted, in the same words for a known and an unknown identifier. Null when admitted
    /// (<see cref="Attempt.HashSlot"/> then holds the slot until the hash is done).
    /// </summary>
    private async Task<SignInRefusal?> AwaitHashSlotAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        if (admission is null)
        {
            return null;
        }

        attempt.HashSlot = await admission.EnterAsync(trusted: attempt.Device is not null, cancellationToken);
        if (attempt.HashSlot is not null)
        {
            return null;
        }

        var wait = admission.RetryAfter;
        return new(ReasonCodes.RateLimited, string.Create(CultureInfo.InvariantCulture,
            $"{AdmissionRefusedDetail}: {admission.UntrustedQueueLimit} untrusted attempts already waited for a hash on this node; retry after {wait.TotalSeconds:0} s."))
        {
            RetryAfter = wait,
        };
    }
}
