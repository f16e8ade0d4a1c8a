using Signpost.Core.Reasons;

namespace Signpost.Core.Tests.SignIn;

/// <summary>"SSO required": passwords are refused for the practice, and the refusal is told only once the password is proven.</summary>
public sealed class PasswordSignInSsoRequiredTests
{
    private readonly SignInHarness _h = new();

    [Fact]
    public async Task SignInAsync_SsoRequiredAndRightPassword_RefusesWithSsoRequiredAndNoSession()
    {
        // Arrange
        var account = _h.AddAccount();
        _h.SsoPolicy.Required.Add(_h.Practice.Id);

        // Act
        var result = await _h.SignInAsync(account.Username, TestPasswords.Correct);

        // Assert
        Assert.Equal((ReasonCodes.SsoRequired, ReasonCodes.SsoRequired), (result.Reason.Code, result.Shown.Code));
        Assert.Null(result.Session);
        Assert.Equal(ReasonCodes.SsoRequired, Assert.Single(_h.Events.All).ReasonCode);
    }

    [Fact]
    public async Task SignInAsync_SsoRequiredAndWrongPassword_LooksLikeAnyWrongPassword()
    {
        // Arrange
        var account = _h.AddAccount();
        _h.SsoPolicy.Required.Add(_h.Practice.Id);

        // Act
        var result = await _h.SignInAsync(account.Username, TestPasswords.Wrong);

        // Assert: nothing about SSO before the password is proven
        Assert.Equal((ReasonCodes.InvalidCredentials, ReasonCodes.InvalidCredentials), (result.Reason.Code, result.Shown.Code));
    }

    [Fact]
    public async Task SignInAsync_SsoRequiredInOnePracticeOnly_SignsInToTheOther()
    {
        // Arrange
        var other = _h.AddOrganization("open-practice");
        var account = _h.AddAccount(configure: a => SignInHarness.Join(a, other));
        _h.SsoPolicy.Required.Add(_h.Practice.Id);

        // Act
        var result = await _h.SignInAsync(account.Username, TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.SignedIn, result.Reason.Code);
        Assert.Equal(other.Id, Assert.Single(result.Organizations).Id);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("reset required")]
    public async Task SignInAsync_SsoRequiredAndAPasswordChangeDue_SsoRequiredWithoutAChangeTicket(string why)
    {
        // Arrange: a password that must be changed, at a practice that does not take passwords at all
        _h.Practice.Policy.PasswordExpiryDays = 90;
        var account = _h.AddAccount(configure: a =>
        {
            a.PasswordChangedAt = SignInHarness.Start - TimeSpan.FromDays(why == "expired" ? 91 : 1);
            a.MustChangePassword = why == "reset required";
        });
        _h.SsoPolicy.Required.Add(_h.Practice.Id);

        // Act
        var result = await _h.SignInAsync(account.Username, TestPasswords.Correct);

        // Assert: the gate's phase comes before the change that is due, so nobody is sent to change a password
        // their practice will refuse anyway
        Assert.Equal((ReasonCodes.SsoRequired, ReasonCodes.SsoRequired), (result.Reason.Code, result.Shown.Code));
        Assert.Null(result.PasswordChangeAccountId);
        Assert.Equal(ReasonCodes.SsoRequired, _h.EventOf(result).ReasonCode);
    }
}
