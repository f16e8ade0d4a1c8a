using System.Globalization;
using Signpost.Core.Organizations;

namespace Signpost.Web.Pages.Platform;

/// <summary>
/// The policy form as typed: every value a string, parsed here so that "abc" or "1e3" comes back as a
/// problem naming its field instead of a silent zero from model binding. Field names are the
/// <see cref="OrganizationPolicy"/> property names, as in <see cref="OrganizationPolicy.Validate"/>.
/// </summary>
public sealed class PolicyForm
{
    public string? LockoutThreshold { get; set; }
    public string? LockoutWindowMinutes { get; set; }
    public string? LockoutDurationMinutes { get; set; }
    /// <summary>Blank or 0: passwords never expire.</summary>
    public string? PasswordExpiryDays { get; set; }
    public string? PasswordHistoryCount { get; set; }
    public string? SessionIdleMinutes { get; set; }
    public string? SessionAbsoluteHours { get; set; }
    public string? BrowserPolicy { get; set; }
    public bool RestrictToAllowedNetworks { get; set; }
    /// <summary>off, optional, admins or everyone; blank keeps the current value.</summary>
    public string? SecondFactor { get; set; }
    /// <summary>Blank keeps the current value.</summary>
    public string? SecondFactorGraceDays { get; set; }
    /// <summary>Blank keeps the current value; 0 turns remembering off.</summary>
    public string? RememberBrowserDays { get; set; }

    public static PolicyForm From(OrganizationPolicy p) => new()
    {
        LockoutThreshold = Text(p.LockoutThreshold),
        LockoutWindowMinutes = Text(p.LockoutWindowMinutes),
        LockoutDurationMinutes = Text(p.LockoutDurationMinutes),
        PasswordExpiryDays = p.PasswordExpiryDays is { } days ? Text(days) : "",
        PasswordHistoryCount = Text(p.PasswordHistoryCount),
        SessionIdleMinutes = Text(p.SessionIdleMinutes),
        SessionAbsoluteHours = Text(p.SessionAbsoluteHours),
        BrowserPolicy = p.BrowserPolicy.ToString().ToLowerInvariant(),
        RestrictToAllowedNetworks = p.RestrictToAllowedNetworks,
        SecondFactor = Core.Mfa.SecondFactorRules.Describe(p.SecondFactor),
        SecondFactorGraceDays = Text(p.SecondFactorGraceDays),
        RememberBrowserDays = Text(p.RememberBrowserDays),
    };

    /// <summary>
    /// Parses every value; returns the problems (each naming its field) of the ones that are not whole numbers
    /// or known choices. With none, <paramref name="apply"/> sets every value on a policy.
    /// </summary>
    public IReadOnlyList<PolicyProblem> Parse(out Action<OrganizationPolicy> apply)
    {
        var problems = new List<PolicyProblem>();
        int Number(string? value, string field, string label)
        {
            if (int.TryParse(value?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            problems.Add(new PolicyProblem(field, $"{label} must be a whole number."));
            return 0;
        }

        var threshold = Number(LockoutThreshold, nameof(OrganizationPolicy.LockoutThreshold), "Lockout threshold");
        var window = Number(LockoutWindowMinutes, nameof(OrganizationPolicy.LockoutWindowMinutes), "Lockout window");
        var duration = Number(LockoutDurationMinutes, nameof(OrganizationPolicy.LockoutDurationMinutes), "Lockout duration");
        int? expiry = string.IsNullOrWhiteSpace(PasswordExpiryDays) ? null
            : Number(PasswordExpiryDays, nameof(OrganizationPolicy.PasswordExpiryDays), "Password expiry") is var days && days == 0 ? null : days;
        var history = Number(PasswordHistoryCount, nameof(OrganizationPolicy.PasswordHistoryCount), "Password history");
        var idle = Number(SessionIdleMinutes, nameof(OrganizationPolicy.SessionIdleMinutes), "Session idle timeout");
        var absolute = Number(SessionAbsoluteHours, nameof(OrganizationPolicy.SessionAbsoluteHours), "Session absolute timeout");
        // Only the two names: Enum.TryParse would also take "1" or "Warn, Block" (a flags sum).
        var browser = BrowserPolicy?.Trim().ToLowerInvariant() switch
        {
            "warn" => Core.Organizations.BrowserPolicy.Warn,
            "block" => Core.Organizations.BrowserPolicy.Block,
            _ => (Core.Organizations.BrowserPolicy?)null,
        };
        if (browser is null)
        {
            problems.Add(new PolicyProblem(nameof(OrganizationPolicy.BrowserPolicy), "Browser policy must be warn or block."));
        }

        var restrict = RestrictToAllowedNetworks;
        var secondFactor = string.IsNullOrWhiteSpace(SecondFactor) ? null : Core.Mfa.SecondFactorRules.Parse(SecondFactor);
        if (!string.IsNullOrWhiteSpace(SecondFactor) && secondFactor is null)
        {
            problems.Add(new PolicyProblem(nameof(OrganizationPolicy.SecondFactor), "Second-factor policy must be off, optional, admins or everyone."));
        }

        int? grace = string.IsNullOrWhiteSpace(SecondFactorGraceDays) ? null : Number(SecondFactorGraceDays, nameof(OrganizationPolicy.SecondFactorGraceDays), "Second-factor grace");
        int? remember = string.IsNullOrWhiteSpace(RememberBrowserDays) ? null : Number(RememberBrowserDays, nameof(OrganizationPolicy.RememberBrowserDays), "Remembering a browser");
        apply = p =>
        {
            p.LockoutThreshold = threshold;
            p.LockoutWindowMinutes = window;
            p.LockoutDurationMinutes = duration;
            p.PasswordExpiryDays = expiry;
            p.PasswordHistoryCount = history;
            p.SessionIdleMinutes = idle;
            p.SessionAbsoluteHours = absolute;
            p.BrowserPolicy = browser ?? p.BrowserPolicy;
            p.RestrictToAllowedNetworks = restrict;
            p.SecondFactor = secondFactor ?? p.SecondFactor;
            p.SecondFactorGraceDays = grace ?? p.SecondFactorGraceDays;
            p.RememberBrowserDays = remember ?? p.RememberBrowserDays;
        };
        return problems;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
