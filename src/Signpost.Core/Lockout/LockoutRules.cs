using Signpost.Core.Organizations;

namespace Signpost.Core.Lockout;

/// <summary>The lockout numbers that apply to one account.</summary>
public sealed record LockoutRules(int Threshold, TimeSpan Window, TimeSpan Duration)
{
    public static LockoutRules Default { get; } = From(new OrganizationPolicy());

    public static LockoutRules From(OrganizationPolicy policy) => new(
        policy.LockoutThreshold,
        TimeSpan.FromMinutes(policy.LockoutWindowMinutes),
        TimeSpan.FromMinutes(policy.LockoutDurationMinutes));

    /// <summary>
    /// An account in several practices is protected by the strictest of their policies: the lowest
    /// threshold, the longest window and the longest lock.
    /// </summary>
    public static LockoutRules Strictest(IEnumerable<OrganizationPolicy> policies)
    {
        var list = policies.ToList();
        if (list.Count == 0)
        {
            return Default;
        }

        return new LockoutRules(
            list.Min(p => p.LockoutThreshold),
            TimeSpan.FromMinutes(list.Max(p => p.LockoutWindowMinutes)),
            TimeSpan.FromMinutes(list.Max(p => p.LockoutDurationMinutes)));
    }
}
