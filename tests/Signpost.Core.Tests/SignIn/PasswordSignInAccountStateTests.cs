using Signpost.Core.Accounts;
using Signpost.Core.Reasons;

namespace Signpost.Core.Tests.SignIn;

/// <summary>States that only matter once the password is known are told only then (docs/design.md §3).</summary>
public sealed class PasswordSignInAccountStateTests
{
    private readonly SignInHarness _h = new();

    private static void Apply(string state, Account account)
    {
        switch (state)
        {
            case "disabled":
                account.Status = AccountStatus.Disabled;
                break;
            case "pending":
                account.Status = AccountStatus.PendingActivation;
                break;
            case "flagged":
                account.Flagged = true;
                break;
            case "removed":
                account.Memberships[0].Status = MembershipStatus.Removed;
                break;
            case "no roles":
                account.Memberships[0].Roles = PracticeRoles.None;
                break;
            case "no membership":
                account.Memberships.Clear();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown state.");
        }
    }

    [Theory]
    [InlineData("disabled", ReasonCodes.AccountDisabled)]
    [InlineData("pending", ReasonCodes.AccountPendingActivation)]
    [InlineData("flagged", ReasonCodes.AccountFlagged)]
    [InlineData("removed", ReasonCodes.NoActiveMembership)]
    [InlineData("no roles", ReasonCodes.NoActiveMembership)]
    [InlineData("no membership", ReasonCodes.NoActiveMembership)]
    public async Task SignInAsync_BarredAccountWithCorrectPassword_ShowsTheExactReason(string state, string code)
    {
        // Arrange
        var account = _h.AddAccount(configure: a => Apply(state, a));

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert
        Assert.Equal(code, result.Reason.Code);
        Assert.Equal(code, result.Shown.Code);
        Assert.Equal(403, result.Shown.HttpStatus);
        Assert.False(result.Succeeded);
        Assert.Null(result.Session);
        Assert.Null(result.NewDeviceCookie);
        Assert.Null(result.PasswordChangeAccountId);
        Assert.Empty(_h.Sessions.All);
        Assert.Equal(0, (await _h.UntrustedCounterAsync(account))?.FailureCount ?? 0); // an empty row from a check, nothing counted
        var recorded = _h.EventOf(result);
        Assert.Equal(code, recorded.ReasonCode);
        Assert.Equal(code, recorded.ShownReasonCode);
        Assert.Equal(account.Id, recorded.AccountId);
    }

    [Theory]
    [InlineData("disabled")]
    [InlineData("pending")]
    [InlineData("flagged")]
    [InlineData("no membership")]
    public async Task SignInAsync_BarredAccountWithWrongPassword_ShowsOnlyInvalidCredentials(string state)
    {
        // Arrange
        var account = _h.AddAccount(configure: a => Apply(state, a));

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);

        // Assert
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Reason.Code);
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Shown.Code);
        Assert.Equal(ReasonCodes.InvalidCredentials, _h.EventOf(result).ShownReasonCode);
        Assert.Equal(1, (await _h.UntrustedCounterAsync(account))?.FailureCount);
    }

    [Fact]
    public async Task SignInAsync_PendingAccountWithoutPassword_InvalidCredentials()
    {
        // Arrange: invited, never activated, so there is no hash at all.
        var account = _h.AddAccount(configure: a => { a.Status = AccountStatus.PendingActivation; a.PasswordHash = null; });

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Reason.Code);
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Shown.Code);
        Assert.Equal(account.Id, _h.EventOf(result).AccountId);
    }

    [Fact]
    public async Task SignInAsync_SlugOfAPracticeTheAccountIsNotIn_NoActiveMembership()
    {
        // Arrange
        var other = _h.AddOrganization("lakeside-clinic");
        _h.AddAccount();

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct, slug: "lakeside-clinic");

        // Assert
        Assert.Equal(ReasonCodes.NoActiveMembership, result.Reason.Code);
        Assert.Equal(ReasonCodes.NoActiveMembership, result.Shown.Code);
        Assert.Equal([other], result.Organizations);
        Assert.Equal(other.Id, _h.EventOf(result).OrganizationId);
        Assert.Empty(_h.Sessions.All);
    }

    [Fact]
    public async Task SignInAsync_PlatformStaffWithoutMembership_SignsIn()
    {
        // Arrange
        _h.AddAccount("support.agent", a => { a.Memberships.Clear(); a.PlatformRoles = PlatformRoles.SupportAgent; });

        // Act
        var result = await _h.SignInAsync("support.agent", TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.SignedIn, result.Reason.Code);
        Assert.Empty(result.Organizations);
        var session = Assert.Single(_h.Sessions.All);
        Assert.Equal(TimeSpan.FromMinutes(15), session.IdleTimeout);
    }

    [Fact]
    public async Task SignInAsync_PasswordOlderThanThePracticesExpiry_PasswordExpiredWithAChangeTicket()
    {
        // Arrange
        _h.Practice.Policy.PasswordExpiryDays = 90;
        var account = _h.AddAccount(configure: a => a.PasswordChangedAt = SignInHarness.Start - TimeSpan.FromDays(91));

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.PasswordExpired, result.Reason.Code);
        Assert.Equal(ReasonCodes.PasswordExpired, result.Shown.Code);
        Assert.Equal(account.Id, result.PasswordChangeAccountId);
        Assert.False(result.Succeeded);
        Assert.Null(result.Session);
        Assert.Null(result.NewDeviceCookie);
        Assert.Empty(_h.Sessions.All);
        var recorded = _h.EventOf(result);
        Assert.Equal(ReasonCodes.PasswordExpired, recorded.ReasonCode);
        Assert.Contains("Password expired at", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInAsync_ExpiredPasswordButWrongPassword_NoChangeTicket()
    {
        // Arrange
        _h.Practice.Policy.PasswordExpiryDays = 90;
        _h.AddAccount(configure: a => a.PasswordChangedAt = SignInHarness.Start - TimeSpan.FromDays(91));

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);

        // Assert
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Reason.Code);
        Assert.Null(result.PasswordChangeAccountId);
    }

    [Fact]
    public async Task SignInAsync_PasswordYoungerThanTheExpiry_SignsIn()
    {
        // Arrange
        _h.Practice.Policy.PasswordExpiryDays = 90;
        _h.AddAccount(configure: a => a.PasswordChangedAt = SignInHarness.Start - TimeSpan.FromDays(89));

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.SignedIn, result.Reason.Code);
        Assert.Null(result.PasswordChangeAccountId);
    }

    [Fact]
    public async Task SignInAsync_MustChangePassword_PasswordResetRequiredWithAChangeTicket()
    {
        // Arrange
        var account = _h.AddAccount(configure: a => a.MustChangePassword = true);

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.PasswordResetRequired, result.Reason.Code);
        Assert.Equal(ReasonCodes.PasswordResetRequired, result.Shown.Code);
        Assert.Equal(account.Id, result.PasswordChangeAccountId);
        Assert.Null(result.Session);
        Assert.Empty(_h.Sessions.All);
        Assert.Equal(ReasonCodes.PasswordResetRequired, _h.EventOf(result).ReasonCode);
    }
}
