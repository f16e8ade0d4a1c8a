using Signpost.Core.Accounts;
using Signpost.Core.Mfa;
using Signpost.Core.Organizations;

namespace Signpost.Core.Tests.Mfa;

/// <summary>The strictest second-factor rule across a person's practices, and payer staff always held to one.</summary>
public sealed class SecondFactorRulesTests
{
    [Theory]
    [InlineData(SecondFactorPolicy.Off, PracticeRoles.Staff, SecondFactorRequirement.Off)]
    [InlineData(SecondFactorPolicy.Optional, PracticeRoles.Staff, SecondFactorRequirement.Optional)]
    [InlineData(SecondFactorPolicy.RequiredForAdmins, PracticeRoles.Staff, SecondFactorRequirement.Optional)]
    [InlineData(SecondFactorPolicy.RequiredForAdmins, PracticeRoles.PracticeAdmin, SecondFactorRequirement.Required)]
    [InlineData(SecondFactorPolicy.RequiredForEveryone, PracticeRoles.Staff, SecondFactorRequirement.Required)]
    public void For_OnePractice_FollowsItsPolicyAndTheRole(SecondFactorPolicy policy, PracticeRoles roles, SecondFactorRequirement expected)
    {
        var account = Person((Practice("a", policy, grace: 10, remember: 20), roles));

        var rules = SecondFactorRules.For(account);

        Assert.Equal(expected, rules.Requirement);
        Assert.Equal(expected == SecondFactorRequirement.Required ? 10 : 0, rules.GraceDays);
        Assert.Equal(20, rules.RememberDays);
    }

    [Fact]
    public void For_SeveralPractices_TakesTheStrictest()
    {
        var account = Person(
            (Practice("open", SecondFactorPolicy.Off, grace: 30, remember: 60), PracticeRoles.Staff),
            (Practice("strict", SecondFactorPolicy.RequiredForEveryone, grace: 5, remember: 7), PracticeRoles.Staff),
            (Practice("admins", SecondFactorPolicy.RequiredForAdmins, grace: 2, remember: 90), PracticeRoles.Staff));

        var rules = SecondFactorRules.For(account);

        Assert.Equal(SecondFactorRequirement.Required, rules.Requirement);
        Assert.Equal(5, rules.GraceDays);
        Assert.Equal(7, rules.RememberDays);
        Assert.Contains("strict requires it (everyone)", rules.Why, StringComparison.Ordinal);
        Assert.DoesNotContain("admins requires", rules.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void For_RemovedMembership_DoesNotCount()
    {
        var account = Person((Practice("left", SecondFactorPolicy.RequiredForEveryone, grace: 1, remember: 1), PracticeRoles.Staff));
        account.Memberships[0].Status = MembershipStatus.Removed;

        Assert.Equal(SecondFactorRequirement.Off, SecondFactorRules.For(account).Requirement);
    }

    [Theory]
    [InlineData(PlatformRoles.SupportAgent)]
    [InlineData(PlatformRoles.PlatformAdmin)]
    public void For_PayerStaff_AlwaysRequiredNeverRemembered(PlatformRoles role)
    {
        var account = Person();
        account.PlatformRoles = role;

        var rules = SecondFactorRules.For(account);

        Assert.Equal(SecondFactorRequirement.Required, rules.Requirement);
        Assert.Equal(SecondFactorRules.StaffGraceDays, rules.GraceDays);
        Assert.Equal(0, rules.RememberDays);
        Assert.Contains("payer staff", rules.Why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("off", SecondFactorPolicy.Off)]
    [InlineData("Optional", SecondFactorPolicy.Optional)]
    [InlineData("admins", SecondFactorPolicy.RequiredForAdmins)]
    [InlineData("everyone", SecondFactorPolicy.RequiredForEveryone)]
    public void ParseAndDescribe_RoundTrip(string word, SecondFactorPolicy policy)
    {
        Assert.Equal(policy, SecondFactorRules.Parse(word));
        Assert.Equal(word.ToLowerInvariant(), SecondFactorRules.Describe(policy));
    }

    [Fact]
    public void Validate_OutOfRangeSecondFactorValues_NameTheirFields()
    {
        var policy = new OrganizationPolicy { SecondFactor = (SecondFactorPolicy)9, SecondFactorGraceDays = 91, RememberBrowserDays = -1 };

        var fields = policy.Validate().Select(p => p.Field).ToList();

        Assert.Equal([nameof(OrganizationPolicy.SecondFactor), nameof(OrganizationPolicy.SecondFactorGraceDays), nameof(OrganizationPolicy.RememberBrowserDays)], fields);
    }

    private static Organization Practice(string slug, SecondFactorPolicy policy, int grace, int remember) => new()
    {
        Slug = slug,
        Name = slug,
        Policy = new OrganizationPolicy { SecondFactor = policy, SecondFactorGraceDays = grace, RememberBrowserDays = remember },
    };

    private static Account Person(params (Organization Practice, PracticeRoles Roles)[] memberships)
    {
        var account = new Account { Username = "p", Email = "p@x.example", DisplayName = "P", Status = AccountStatus.Active };
        account.Memberships = memberships.Select(m => new Membership
        {
            AccountId = account.Id,
            OrganizationId = m.Practice.Id,
            Organization = m.Practice,
            Roles = m.Roles,
            Status = MembershipStatus.Active,
        }).ToList();
        return account;
    }
}
