using System.Text.Json;
using Signpost.Core.Audit;

namespace Signpost.Core.Accounts;

/// <summary>
/// A hold for review (<see cref="Account.Flagged"/>): payer support or a platform admin stops an account from
/// signing in while they verify the person. The account keeps its password and may still reset it; every
/// sign-in is refused with <c>account_flagged</c> once the password is proven. Who set the hold and why is
/// kept where every administrative act is kept, the audit trail (actions <see cref="HoldAction"/> and
/// <see cref="ReleaseAction"/>, the reason in the entry's "after" state); the troubleshooter cites it from there.
/// See docs/support-console.md, "Holds for review".
/// </summary>
public sealed record AccountHold(DateTimeOffset At, string By, string Reason)
{
    public const string HoldAction = "account.hold";

    public const string ReleaseAction = "account.release";

    /// <summary>The longest reason kept; a sentence or two for the next agent, not a case file.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>Why a reason cannot be kept, or null: it must be 1–500 characters of text without control characters.</summary>
    public static string? Problem(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? "Give a reason: the next agent reads it in the diagnosis."
        : reason.Trim().Length > MaxReasonLength ? $"The reason is longer than {MaxReasonLength} characters."
        : reason.Any(char.IsControl) ? "The reason contains control characters."
        : null;

    /// <summary>The hold in force according to <paramref name="changes"/> (newest first): the latest hold, unless a release came after it.</summary>
    public static AccountHold? Latest(IEnumerable<AuditEntry> changes, Guid accountId)
    {
        var id = accountId.ToString();
        var latest = changes.Where(e => e.TargetType == "account" && e.TargetId == id && e.Action is HoldAction or ReleaseAction)
            .OrderByDescending(e => e.Sequence).FirstOrDefault();
        return latest is { Action: HoldAction } ? new AccountHold(latest.At, latest.Actor, ReasonOf(latest.After)) : null;
    }

    private static string ReasonOf(string? after)
    {
        if (after is null)
        {
            return "no reason recorded";
        }

        try
        {
            using var document = JsonDocument.Parse(after);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("Reason", out var reason) && reason.ValueKind == JsonValueKind.String
                ? reason.GetString()!
                : "no reason recorded";
        }
        catch (JsonException)
        {
            return "no reason recorded";
        }
    }
}
