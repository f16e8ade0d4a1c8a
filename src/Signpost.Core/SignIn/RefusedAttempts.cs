using Signpost.Core.Accounts;

namespace Signpost.Core.SignIn;

/// <summary>
/// The account behind an attempt refused before the pipeline looked the identifier up (browser, cookies,
/// stale form, network, maintenance), for the event only: support and the escalation rules relate attempts
/// by account, and an event that carries only the identifier typed reads as "matched none" about an account
/// that exists (docs/troubleshooter.md, "Refusals before the password").
/// </summary>
/// <remarks>
/// The person sees nothing of it: the refusal's message, status and page are decided before and without it.
/// It costs one indexed read whether or not the identifier names an account, so the response time tells
/// nobody who exists; it is not done for rate-limited requests, whose whole point is to stay cheap.
/// </remarks>
public static class RefusedAttempts
{
    /// <summary>The account <paramref name="identifier"/> names, or null (none, or not something anyone could type).</summary>
    public static async Task<Account?> AccountForRecordAsync(IAccountStore accounts, string? identifier, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(identifier) || identifier.Length > AccountRules.MaxIdentifierLength
            || identifier.Any(char.IsControl) || identifier.Contains('\uFFFD', StringComparison.Ordinal))
        {
            return null;
        }

        var typed = identifier.Trim();
        return await accounts.FindByIdentifierAsync(Identifiers.Classify(typed), typed, cancellationToken);
    }
}
