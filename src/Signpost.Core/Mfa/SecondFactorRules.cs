using Signpost.Core.Accounts;
using Signpost.Core.Organizations;

namespace Signpost.Core.Mfa;

/// <summary>How strongly a person is held to a second factor, weakest first.</summary>
public enum SecondFactorRequirement
{
    Off,
    Optional,
    Required,
}

/// <summary>
/// The second-factor rules that apply to one person: the strictest across the practices of their active
/// memberships, like the lockout and password rules (<see cref="Lockout.LockoutRules.Strictest"/>). "Required
/// for admins" binds only where the person administers the practice. Payer staff always need a second factor
/// (docs/mfa.md, "Policy").
/// </summary>
/// <param name="Requirement">Off, optional or required.</param>
/// <param name="GraceDays">Days of enrolment grace where required: the shortest of the practices that require it.</param>
/// <param name="RememberDays">Days a browser may be remembered: the shortest of all the person's practices (0: never).</param>
/// <param name="Why">Which practice or role decided, for the event and the troubleshooter.</param>
public sealed record SecondFactorRules(SecondFactorRequirement Requirement, int GraceDays, int RememberDays, string Why)
{
    /// <summary>Payer staff who have no factor yet get this many days, from their first sign-in that meets the rule, to enrol.</summary>
    public const int StaffGraceDays = 7;

    /// <summary>Payer staff are asked at every sign-in: their browsers are never remembered.</summary>
    public const int StaffRememberDays = 0;

    public static SecondFactorRules For(Account account)
    {
        var memberships = account.Memberships.Where(m => m.GivesAccess && m.Organization is not null).ToList();
        var requirement = SecondFactorRequirement.Off;
        var graceDays = int.MaxValue;
        var rememberDays = memberships.Count == 0 ? OrganizationPolicyDefaults.RememberBrowserDays : int.MaxValue;
        var why = new List<string>();
        foreach (var membership in memberships)
        {
            var policy = membership.Organization!.Policy;
            var admin = membership.Roles.HasFlag(PracticeRoles.PracticeAdmin);
            var here = policy.SecondFactor switch
            {
                SecondFactorPolicy.RequiredForEveryone => SecondFactorRequirement.Required,
                SecondFactorPolicy.RequiredForAdmins when admin => SecondFactorRequirement.Required,
                SecondFactorPolicy.Off => SecondFactorRequirement.Off,
                _ => SecondFactorRequirement.Optional,
            };
            rememberDays = Math.Min(rememberDays, policy.RememberBrowserDays);
            if (here == SecondFactorRequirement.Required)
            {
                graceDays = Math.Min(graceDays, policy.SecondFactorGraceDays);
                why.Add($"{membership.Organization.Slug} requires it ({Describe(policy.SecondFactor)})");
            }

            requirement = (SecondFactorRequirement)Math.Max((int)requirement, (int)here);
        }

        if (account.PlatformRoles != PlatformRoles.None)
        {
            requirement = SecondFactorRequirement.Required;
            graceDays = Math.Min(graceDays, StaffGraceDays);
            rememberDays = StaffRememberDays;
            why.Add("payer staff always need a second factor");
        }

        if (requirement != SecondFactorRequirement.Required)
        {
            why.Add(requirement == SecondFactorRequirement.Optional ? "optional at the person's practices" : "off at every practice of the person");
            graceDays = 0;
        }

        return new SecondFactorRules(requirement, graceDays, rememberDays, string.Join("; ", why));
    }

    /// <summary>The words the command line and the pages use: off, optional, admins, everyone.</summary>
    public static string Describe(SecondFactorPolicy policy) => policy switch
    {
        SecondFactorPolicy.Off => "off",
        SecondFactorPolicy.Optional => "optional",
        SecondFactorPolicy.RequiredForAdmins => "admins",
        SecondFactorPolicy.RequiredForEveryone => "everyone",
        _ => policy.ToString(),
    };

    /// <summary>Reads <see cref="Describe"/>'s words back; null for anything else.</summary>
    public static SecondFactorPolicy? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "off" => SecondFactorPolicy.Off,
        "optional" => SecondFactorPolicy.Optional,
        "admins" or "required-for-admins" => SecondFactorPolicy.RequiredForAdmins,
        "everyone" or "required" or "required-for-everyone" => SecondFactorPolicy.RequiredForEveryone,
        _ => null,
    };

    private static class OrganizationPolicyDefaults
    {
        public static int RememberBrowserDays { get; } = new OrganizationPolicy().RememberBrowserDays;
    }
}
