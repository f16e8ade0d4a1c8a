using Signpost.Core.Events;
using Signpost.Core.Passwords;
using Signpost.Core.Reasons;
using Signpost.Core.Sessions;

namespace Signpost.Core.Tests.SignIn;

/// <summary>The change page after "password expired" or "reset required".</summary>
public sealed class PasswordChangeTests
{
    private const string NewPassword = "a brand new sentence for spring";
    private readonly SignInHarness _h = new();

    [Fact]
    public async Task ChangePasswordAsync_AcceptableNewPassword_StoresItEndsOldSessionsAndSignsIn()
    {
        // Arrange
        var account = _h.AddAccount(configure: a => a.MustChangePassword = true);
        var old = new Session
        {
            Id = "old-session",
            AccountId = account.Id,
            CreatedAt = SignInHarness.Start,
            LastSeenAt = SignInHarness.Start,
            IdleTimeout = TimeSpan.FromMinutes(15),
            AbsoluteExpiresAt = SignInHarness.Start + TimeSpan.FromHours(12),
        };
        await _h.Sessions.CreateAsync(old, CancellationToken.None);

        // Act
        var result = await _h.ChangePasswordAsync(account, TestPasswords.Correct, NewPassword);

        // Assert: the outcome and the new session
        Assert.Equal(ReasonCodes.SignedIn, result.Reason.Code);
        Assert.NotNull(result.Session);
        Assert.Null(result.Session.Session.RevokedAt);
        Assert.Equal(2, _h.Sessions.All.Count);

        // Assert: the old session ended, the password changed
        Assert.Equal("password changed", old.RevokedReason);
        Assert.Equal(SignInHarness.Start, old.RevokedAt);
        var (accountId, hash, at) = Assert.Single(_h.Accounts.PasswordsSet);
        Assert.Equal(account.Id, accountId);
        Assert.Equal(SignInHarness.Start, at);
        Assert.False(account.MustChangePassword);
        Assert.Equal(PasswordCheck.Correct, TestPasswords.Hashing.Verify(hash, NewPassword));

        // Assert: the event
        var recorded = _h.EventOf(result);
        Assert.Equal(SignInMethod.ChangePassword, recorded.Method);
        Assert.Equal(ReasonCodes.SignedIn, recorded.ReasonCode);
        Assert.Equal("ticket", recorded.IdentifierKind);
        Assert.DoesNotContain(NewPassword, recorded.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("too short", "at least 15 characters")]
    [InlineData("jordan.lee@riverside.example", "It contains your username")]
    [InlineData(TestPasswords.Correct, "different from the current one")]
    [InlineData(null, "Enter a new password.")]
    public async Task ChangePasswordAsync_UnacceptableNewPassword_PasswordNotAcceptedAndNothingChanged(string? newPassword, string problem)
    {
        // Arrange
        var account = _h.AddAccount(configure: a => a.MustChangePassword = true);

        // Act
        var result = await _h.ChangePasswordAsync(account, TestPasswords.Correct, newPassword);

        // Assert
        Assert.Equal(ReasonCodes.PasswordNotAccepted, result.Reason.Code);
        Assert.Equal(ReasonCodes.PasswordNotAccepted, result.Shown.Code);
        Assert.Contains(result.Problems, p => p.Contains(problem, StringComparison.Ordinal));
        Assert.Empty(_h.Accounts.PasswordsSet);
        Assert.Equal(TestPasswords.CorrectHash, account.PasswordHash);
        Assert.True(account.MustChangePassword);
        Assert.Empty(_h.Sessions.All);
        Assert.Equal(ReasonCodes.PasswordNotAccepted, _h.EventOf(result).ReasonCode);
    }

    [Fact]
    public async Task ChangePasswordAsync_WrongCurrentPassword_CountsAFailureAndChangesNothing()
    {
        // Arrange
        var account = _h.AddAccount(configure: a => a.MustChangePassword = true);

        // Act
        var result = await _h.ChangePasswordAsync(account, TestPasswords.Wrong, NewPassword);

        // Assert
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Reason.Code);
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Shown.Code);
        Assert.Equal(1, (await _h.UntrustedCounterAsync(account))?.FailureCount);
        Assert.Empty(_h.Accounts.PasswordsSet);
        Assert.Empty(_h.Sessions.All);
    }
}
