using System.Collections.Frozen;

namespace Signpost.Web.Admin;

/// <summary>Plain words for the audit trail's action names, for "recent changes" and stale-form messages.</summary>
public static class AuditActionWords
{
    private static readonly FrozenDictionary<string, string> Words = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["account.create"] = "account created",
        ["account.invite"] = "invited",
        ["account.disable"] = "disabled",
        ["account.enable"] = "enabled",
        ["account.unlock"] = "unlocked",
        ["account.force-reset"] = "password reset forced",
        ["account.send_reset"] = "reset link sent",
        ["account.send_activation"] = "activation link sent",
        ["account.expiry_extension"] = "password expiry extended",
        ["password.expiry-extension"] = "password expiry extended",
        ["membership.roles"] = "roles changed",
        ["membership.add"] = "added to the practice",
        ["membership.remove"] = "removed from the practice",
        ["membership.reassign"] = "moved to another practice",
        ["organization.create"] = "practice created",
        ["organization.policy"] = "practice policy changed",
        ["organization.network"] = "practice networks changed",
        [Infrastructure.AdminScope.RefusalAction] = "access refused",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The words for <paramref name="action"/>, or the action name itself for one this table does not know yet.</summary>
    public static string Describe(string action) => Words.TryGetValue(action, out var words) ? words : action;

    /// <summary>"account:{id} (avery)" → "avery"; "cli:root@host" → "an operator (command line)".</summary>
    public static string ActorName(string actor)
    {
        var open = actor.LastIndexOf('(');
        if (open >= 0 && actor.EndsWith(')') && actor.Length - open > 2)
        {
            return actor[(open + 1)..^1];
        }

        return actor.StartsWith("cli:", StringComparison.Ordinal) ? "an operator (command line)" : actor;
    }
}
