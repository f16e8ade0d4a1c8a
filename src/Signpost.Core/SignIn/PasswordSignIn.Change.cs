using Signpost.Core.Passwords;
using Signpost.Core.Reasons;
using Signpost.Core.Telemetry;

namespace Signpost.Core.SignIn;

public sealed partial class PasswordSignIn
{
    /// <summary>
    /// The change page after "password expired" or "reset required": the current password again (it is
    /// counted by the same lockout as sign-in), a new one under the policy, then every older session ends
    /// and a new one starts. <paramref name="request"/> carries the current password as <c>Password</c>.
    /// The same phases as sign-in where the two meet: the lock before the password, the gate's account checks.
    /// </summary>
    public async Task<SignInResult> ChangePasswordAsync(Guid accountId, PasswordSignInRequest request, string? newPassword, CancellationToken cancellationToken)
    {
        using var span = SignpostTelemetry.Source.StartActivity("signpost.sign_in.change_password");
        await using var attempt = new Attempt(request, time.GetUtcNow());
        var refusal = ReadChangeInput(attempt)
            ?? await FindTicketAccountAsync(attempt, accountId, cancellationToken)
            ?? await LockThenPasswordAsync(attempt, " on the change page", cancellationToken);
        if (refusal is not null)
        {
            return await RefuseAsync(attempt, refusal, cancellationToken);
        }

        var account = attempt.Account!;
        var memberships = attempt.Memberships;
        var historyDepth = PasswordHistoryRule.Depth(memberships.Select(m => m.Organization!));
        var passwordContext = new PasswordContext(account, memberships.Select(m => m.Organization!.Name).ToList())
        {
            CurrentPassword = request.Password,
            MfaEnrolled = secondFactor is not null && await secondFactor.BacksPasswordAsync(account, cancellationToken),
            RecentHashes = await history.ForbiddenHashesAsync(account, historyDepth, cancellationToken),
        };
        var verdict = await policy.CheckAsync(newPassword, passwordContext, cancellationToken);
        if (!verdict.Accepted)
        {
            // The detail names the rules and says what to change; it never contains the password.
            var detail = $"Rules failed: {string.Join(", ", verdict.Failures.Select(f => f.Rule))}. {string.Join(" ", verdict.Messages)}";
            return await RefuseAsync(attempt, new(ReasonCodes.PasswordNotAccepted, verdict.Note is null ? detail : $"{detail} {verdict.Note}")
            {
                Problems = verdict.Messages,
            }, cancellationToken);
        }

        await history.RememberReplacedAsync(account, historyDepth, attempt.At, cancellationToken);
        await accounts.SetPasswordAsync(account.Id, hashing.Hash(newPassword!), attempt.At, cancellationToken);
        await sessions.EndAllAsync(account.Id, null, "password changed", cancellationToken);
        await ClearCounterAsync(attempt, cancellationToken);

        // Re-read: the states that bar entry (disabled, no membership, network) still apply after a change.
        attempt.Account = await accounts.FindByIdAsync(account.Id, cancellationToken);
        refusal = await AdmitAsync(attempt, cancellationToken) ?? CheckPasswordChangeDue(attempt);
        return refusal is null
            ? await StartSessionAsync(attempt, ReasonCodes.SignedIn, verdict.Note, cancellationToken)
            : await RefuseAsync(attempt, refusal, cancellationToken);
    }

    /// <summary>The ticket names the account, so only the password fields are checked here.</summary>
    private static SignInRefusal? ReadChangeInput(Attempt attempt)
    {
        var request = attempt.Request;
        var problems = ValidateInput(request with { Identifier = request.Identifier is { Length: > 0 } typed ? typed : "-" });
        return problems.Count > 0 ? SignInRefusal.InvalidRequest(problems) : null;
    }

    /// <summary>The account the change ticket names; none is refused after one hash, like sign-in.</summary>
    private async Task<SignInRefusal?> FindTicketAccountAsync(Attempt attempt, Guid accountId, CancellationToken cancellationToken)
    {
        var account = await accounts.FindByIdAsync(accountId, cancellationToken);
        if (account is null)
        {
            if (await AwaitHashSlotAsync(attempt, cancellationToken) is { } refused)
            {
                return refused;
            }

            _ = await attempt.HashAsync(() => hashing.Verify(null, attempt.Request.Password!));
            attempt.HashDone();
            return new(ReasonCodes.InvalidCredentials, "The change ticket names no account.");
        }

        attempt.IdentifierKind = "ticket";
        await KnowAccountAsync(attempt, account, cancellationToken);
        return await AwaitHashSlotAsync(attempt, cancellationToken);
    }
}
