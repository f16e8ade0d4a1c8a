using Signpost.Core.Passwords;
using Signpost.Core.Reasons;

namespace Signpost.Core.Tests.SignIn;

/// <summary>Password history on the change page: off by default, and when on, the deepest history of the account's practices.</summary>
public sealed class PasswordHistoryTests
{
    private const string Second = "a second sentence about the weather";
    private const string Third = "a third sentence about the harbour";
    private readonly SignInHarness _h = new();

    [Fact]
    public async Task ChangePassword_HistoryOfThree_RefusesTheTwoBefore_AcceptsTheOneBeforeThat()
    {
        // Arrange: the account's practice keeps three; a second practice keeps none.
        var strict = _h.AddOrganization("strict", p => p.PasswordHistoryCount = 3);
        var account = _h.AddAccount(configure: a => SignInHarness.Join(a, strict));

        // Act: Correct → Second → Third, then try to go back to Correct.
        var toSecond = await _h.ChangePasswordAsync(account, TestPasswords.Correct, Second);
        var toThird = await _h.ChangePasswordAsync(account, Second, Third);
        var backToFirst = await _h.ChangePasswordAsync(account, Third, TestPasswords.Correct);
        var backToSecond = await _h.ChangePasswordAsync(account, Third, Second);

        // Assert
        Assert.Equal(ReasonCodes.SignedIn, toSecond.Reason.Code);
        Assert.Equal(ReasonCodes.SignedIn, toThird.Reason.Code);
        Assert.Equal(ReasonCodes.PasswordNotAccepted, backToFirst.Reason.Code);
        Assert.Contains(PasswordRules.Reused, _h.EventOf(backToFirst).Detail, StringComparison.Ordinal);
        Assert.Equal(ReasonCodes.PasswordNotAccepted, backToSecond.Reason.Code);
        Assert.Equal(2, _h.History.For(account.Id).Count);
        Assert.Equal(PasswordCheck.Correct, TestPasswords.Hashing.Verify(_h.History.For(account.Id)[0], Second));
    }

    [Fact]
    public async Task ChangePassword_HistoryOfTwo_TheOneBeforeTheCurrentIsRefused_OlderIsAllowed()
    {
        var account = _h.AddAccount(configure: a => SignInHarness.Join(a, _h.AddOrganization("two", p => p.PasswordHistoryCount = 2)));

        await _h.ChangePasswordAsync(account, TestPasswords.Correct, Second);
        await _h.ChangePasswordAsync(account, Second, Third);
        var backToSecond = await _h.ChangePasswordAsync(account, Third, Second);
        var backToFirst = await _h.ChangePasswordAsync(account, Third, TestPasswords.Correct);

        Assert.Equal(ReasonCodes.PasswordNotAccepted, backToSecond.Reason.Code);
        Assert.Equal(ReasonCodes.SignedIn, backToFirst.Reason.Code);
    }

    [Fact]
    public async Task ChangePassword_HistoryOff_RemembersNothing_AndAnEarlierPasswordIsAllowed()
    {
        var account = _h.AddAccount();

        await _h.ChangePasswordAsync(account, TestPasswords.Correct, Second);
        var back = await _h.ChangePasswordAsync(account, Second, TestPasswords.Correct);

        Assert.Equal(ReasonCodes.SignedIn, back.Reason.Code);
        Assert.Empty(_h.History.For(account.Id));
    }
}
