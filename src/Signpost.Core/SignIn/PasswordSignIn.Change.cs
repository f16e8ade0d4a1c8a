using Signpost.Core.Accounts;
using Signpost.Core.Devices;
using Signpost.Core.Lockout;
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
    /// </summary>
    public async Task<SignInResult> ChangePasswordAsync(Guid accountId, PasswordSignInRequest request, string? newPassword, CancellationToken cancellationToken)
    {
        using var span = SignpostTelemetry.Source.StartActivity("signpost.sign_in.change_password");
        var attempt = new Attempt(request, time.GetUtcNow());
        // The ticket names the account, so only the password fields are checked here.
        var problems = ValidateInput(request with { Identifier = request.Identifier is { Length: > 0 } typed ? typed : "-" });
        if (problems.Count > 0)
        {
            return await FinishAsync(attempt, ReasonCodes.InvalidRequest, detail: string.Join(" ", problems), problems: problems, ct: cancellationToken);
        }

        var account = await accounts.FindByIdAsync(accountId, cancellationToken);
        if (account is null)
        {
            _ = hashing.Verify(null, request.Password!);
            return await FinishAsync(attempt, ReasonCodes.InvalidCredentials, detail: "The change ticket names no account.", ct: cancellationToken);
        }

        attempt.Account = account;
        attempt.IdentifierKind = "ticket";
        attempt.DevicePresented = request.Client.DeviceCookies.ContainsKey(DeviceCookies.CookieName(account.Id));
        attempt.Device = await deviceCookies.VerifyAsync(request.Client.DeviceCookies.GetValueOrDefault(DeviceCookies.CookieName(account.Id)), account.Id, cancellationToken);
        var deviceKey = attempt.Device?.DeviceId ?? LockoutCounter.UntrustedKey;
        var memberships = account.Memberships.Where(m => m.Organization is not null).ToList();
        var rules = LockoutRules.Strictest(memberships.Select(m => m.Organization!.Policy));

        if (await GateAsync(attempt, account.Id, deviceKey, rules, account.PasswordHash, request.Password!, " on the change page", cancellationToken) is { } refused)
        {
            return refused;
        }

        attempt.PasswordProven = true;
        var historyDepth = PasswordHistoryRule.Depth(memberships.Select(m => m.Organization!));
        var passwordContext = new PasswordContext(account, memberships.Select(m => m.Organization!.Name).ToList())
        {
            CurrentPassword = request.Password,
            RecentHashes = await history.ForbiddenHashesAsync(account, historyDepth, cancellationToken),
        };
        var verdict = await policy.CheckAsync(newPassword, passwordContext, cancellationToken);
        if (!verdict.Accepted)
        {
            // The detail names the rules and says what to change; it never contains the password.
            var detail = $"Rules failed: {string.Join(", ", verdict.Failures.Select(f => f.Rule))}. {string.Join(" ", verdict.Messages)}";
            return await FinishAsync(attempt, ReasonCodes.PasswordNotAccepted, detail: verdict.Note is null ? detail : $"{detail} {verdict.Note}",
                problems: verdict.Messages, ct: cancellationToken);
        }

        await history.RememberReplacedAsync(account, historyDepth, attempt.At, cancellationToken);
        await accounts.SetPasswordAsync(account.Id, hashing.Hash(newPassword!), attempt.At, cancellationToken);
        await sessions.EndAllAsync(account.Id, null, "password changed", cancellationToken);
        await lockouts.ResetAsync(account.Id, deviceKey, cancellationToken);

        // Re-read: the states that bar entry (disabled, no membership, network) still apply after a change.
        attempt.Account = account = (await accounts.FindByIdAsync(account.Id, cancellationToken))!;
        var denial = await CheckProvenAccountAsync(attempt, account, cancellationToken);
        return denial ?? await StartSessionAsync(attempt, ReasonCodes.SignedIn, cancellationToken, note: verdict.Note);
    }
}
