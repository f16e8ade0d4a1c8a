using Signpost.Core.Devices;
using Signpost.Core.Lockout;
using Signpost.Core.Reasons;

namespace Signpost.Core.Tests.SignIn;

/// <summary>The practice locks after 3 failures within 15 minutes, for 15 minutes (see <see cref="SignInHarness"/>).</summary>
public sealed class PasswordSignInLockoutTests
{
    private static readonly DateTimeOffset LockEnd = SignInHarness.Start + TimeSpan.FromMinutes(15);
    private readonly SignInHarness _h = new();

    [Fact]
    public async Task SignInAsync_ThresholdWrongPasswords_LocksUntrustedBrowsersWithoutSayingSo()
    {
        // Arrange
        var account = _h.AddAccount();
        await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);
        await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);

        // Act
        var third = await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);
        var fourth = await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);

        // Assert: the failure that locks looks like any other wrong password ...
        Assert.Equal(ReasonCodes.InvalidCredentials, third.Reason.Code);
        Assert.Equal(ReasonCodes.InvalidCredentials, third.Shown.Code);
        Assert.Null(third.LockedUntil);
        Assert.Contains("locked untrusted browsers until", _h.EventOf(third).Detail, StringComparison.Ordinal);

        // ... and so does every attempt while locked, which is no longer counted.
        Assert.Equal(ReasonCodes.AccountLocked, fourth.Reason.Code);
        Assert.Equal(ReasonCodes.InvalidCredentials, fourth.Shown.Code);
        Assert.Null(fourth.LockedUntil);
        var counter = await _h.UntrustedCounterAsync(account);
        Assert.NotNull(counter);
        Assert.Equal(3, counter.FailureCount);
        Assert.Equal(LockEnd, counter.LockedUntil);
        Assert.Equal(ReasonCodes.AccountLocked, _h.EventOf(fourth).ReasonCode);
        Assert.Equal(ReasonCodes.InvalidCredentials, _h.EventOf(fourth).ShownReasonCode);
    }

    [Fact]
    public async Task SignInAsync_CorrectPasswordWhileLockedFromUntrustedBrowser_LooksLikeAWrongPassword()
    {
        // Arrange
        var account = _h.AddAccount();
        await _h.Lockouts.LockAsync(account.Id, LockoutCounter.UntrustedKey, 3, LockEnd, CancellationToken.None);

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.AccountLocked, result.Reason.Code);
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Shown.Code);
        Assert.Null(result.LockedUntil);
        Assert.False(result.Succeeded);
        Assert.Null(result.Session);
        Assert.Null(result.NewDeviceCookie);
        Assert.Null(result.PasswordChangeAccountId);
        Assert.Empty(_h.Sessions.All);
        var recorded = _h.EventOf(result);
        Assert.Equal(ReasonCodes.AccountLocked, recorded.ReasonCode);
        Assert.Equal(ReasonCodes.InvalidCredentials, recorded.ShownReasonCode);
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.Contains("password was correct", recorded.Detail, StringComparison.Ordinal);
        Assert.Equal(LockEnd, (await _h.UntrustedCounterAsync(account))?.LockedUntil);
    }

    [Fact]
    public async Task SignInAsync_TrustedDeviceWhileUntrustedBrowsersLocked_SignsIn()
    {
        // Arrange: an attacker has locked the account for every browser it does not know.
        var account = _h.AddAccount();
        var (client, _) = await _h.TrustedClientAsync(account);
        await _h.Lockouts.LockAsync(account.Id, LockoutCounter.UntrustedKey, 3, LockEnd, CancellationToken.None);

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct, client: client);

        // Assert
        Assert.Equal(ReasonCodes.SignedIn, result.Reason.Code);
        Assert.NotNull(result.Session);
        Assert.Null(result.NewDeviceCookie);
        Assert.Single(_h.Sessions.All);
        var recorded = _h.EventOf(result);
        Assert.True(recorded.TrustedDevicePresented);
        Assert.True(recorded.TrustedDeviceValid);
        Assert.Equal(LockEnd, (await _h.UntrustedCounterAsync(account))?.LockedUntil);
    }

    [Fact]
    public async Task SignInAsync_TrustedDeviceOwnFailures_LockOnlyThatDeviceAndTellIt()
    {
        // Arrange
        var account = _h.AddAccount();
        var (trusted, device) = await _h.TrustedClientAsync(account);
        await _h.SignInAsync("jordan.lee", TestPasswords.Wrong, client: trusted);
        await _h.SignInAsync("jordan.lee", TestPasswords.Wrong, client: trusted);

        // Act
        var locking = await _h.SignInAsync("jordan.lee", TestPasswords.Wrong, client: trusted);
        var trustedAgain = await _h.SignInAsync("jordan.lee", TestPasswords.Correct, client: trusted);
        var elsewhere = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert: the device that locked itself learns it, with the end time ...
        Assert.Equal(ReasonCodes.InvalidCredentials, locking.Reason.Code);
        Assert.Equal(ReasonCodes.AccountLocked, locking.Shown.Code);
        Assert.Equal(LockEnd, locking.LockedUntil);
        Assert.Equal(ReasonCodes.AccountLocked, _h.EventOf(locking).ShownReasonCode);
        Assert.Equal(ReasonCodes.AccountLocked, trustedAgain.Reason.Code);
        Assert.Equal(ReasonCodes.AccountLocked, trustedAgain.Shown.Code);
        Assert.Equal(LockEnd, trustedAgain.LockedUntil);
        Assert.Null(trustedAgain.Session);

        // ... and the rest of the world is not locked by it.
        Assert.Equal(ReasonCodes.SignedIn, elsewhere.Reason.Code);
        Assert.NotNull(elsewhere.NewDeviceCookie);
        Assert.Equal(LockEnd, (await _h.DeviceCounterAsync(account, device))?.LockedUntil);
        Assert.Equal(0, (await _h.UntrustedCounterAsync(account))?.FailureCount ?? 0); // an empty row from a check, nothing counted
    }

    [Fact]
    public async Task SignInAsync_AfterTheLockDuration_SignsInAndClearsTheCounter()
    {
        // Arrange
        var account = _h.AddAccount();
        for (var i = 0; i < 3; i++)
        {
            await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);
        }

        _h.Time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        var justBefore = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);
        _h.Time.Advance(TimeSpan.FromSeconds(1));

        // Act
        var after = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.AccountLocked, justBefore.Reason.Code);
        Assert.Equal(ReasonCodes.SignedIn, after.Reason.Code);
        Assert.NotNull(after.Session);
        Assert.Null(await _h.UntrustedCounterAsync(account));
    }

    [Fact]
    public async Task SignInAsync_FailuresSpreadBeyondTheWindow_NeverLock()
    {
        // Arrange
        var account = _h.AddAccount();
        await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);
        await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);
        _h.Time.Advance(TimeSpan.FromMinutes(16));
        await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);

        // Act
        var fourthFailure = await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);
        var correct = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert: four failures, but never three within one 15-minute window.
        Assert.Equal(ReasonCodes.InvalidCredentials, fourthFailure.Reason.Code);
        Assert.Contains("2/3", _h.EventOf(fourthFailure).Detail, StringComparison.Ordinal);
        Assert.Equal(ReasonCodes.SignedIn, correct.Reason.Code);
        Assert.Null(await _h.UntrustedCounterAsync(account));
    }

    [Fact]
    public async Task SignInAsync_StrictestOfTheAccountsPractices_DecidesTheThreshold()
    {
        // Arrange: a second practice locks after 2 failures; the account belongs to both.
        var strict = _h.AddOrganization("lakeside-clinic", p => { p.LockoutThreshold = 2; p.LockoutDurationMinutes = 60; });
        var account = _h.AddAccount(configure: a => SignInHarness.Join(a, strict));
        await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);

        // Act
        await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);

        // Assert
        var counter = await _h.UntrustedCounterAsync(account);
        Assert.Equal(2, counter?.FailureCount);
        Assert.Equal(SignInHarness.Start + TimeSpan.FromMinutes(60), counter?.LockedUntil);
    }

    [Fact]
    public async Task SignInAsync_DeviceCookieOfAnotherAccount_CountsAsUntrusted()
    {
        // Arrange: a cookie issued for another account, presented under this account's cookie name.
        var account = _h.AddAccount();
        var other = _h.AddAccount("casey.kim");
        var (otherClient, _) = await _h.TrustedClientAsync(other);
        var client = SignInHarness.Client() with
        {
            DeviceCookies = new Dictionary<string, string>
            {
                [DeviceCookies.CookieName(account.Id)] = otherClient.DeviceCookies.Values.Single(),
            },
        };
        await _h.Lockouts.LockAsync(account.Id, LockoutCounter.UntrustedKey, 3, LockEnd, CancellationToken.None);

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct, client: client);

        // Assert
        Assert.Equal(ReasonCodes.AccountLocked, result.Reason.Code);
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Shown.Code);
        Assert.Null(result.LockedUntil);
        var recorded = _h.EventOf(result);
        Assert.True(recorded.TrustedDevicePresented);
        Assert.False(recorded.TrustedDeviceValid);
    }
}
