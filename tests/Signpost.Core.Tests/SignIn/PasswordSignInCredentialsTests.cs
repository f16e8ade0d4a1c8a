using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Devices;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Passwords;
using Signpost.Core.Reasons;
using Signpost.Core.Sessions;
using Signpost.Core.SignIn;

namespace Signpost.Core.Tests.SignIn;

public sealed class PasswordSignInCredentialsTests
{
    private readonly SignInHarness _h = new();

    [Fact]
    public async Task SignInAsync_UnknownIdentifier_InvalidCredentialsWithOneAnonymousEvent()
    {
        // Arrange
        _h.AddAccount("jordan.lee");

        // Act
        var result = await _h.SignInAsync("nobody.here", TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Reason.Code);
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Shown.Code);
        Assert.False(result.Succeeded);
        Assert.Null(result.Account);
        Assert.Null(result.Session);
        Assert.Null(result.NewDeviceCookie);
        var recorded = Assert.Single(_h.Events.All);
        Assert.Null(recorded.AccountId);
        Assert.Equal("nobody.here", recorded.Identifier);
        Assert.Equal("username", recorded.IdentifierKind);
        Assert.Equal(ReasonCodes.InvalidCredentials, recorded.ReasonCode);
        Assert.Equal(ReasonCodes.InvalidCredentials, recorded.ShownReasonCode);
        Assert.False(recorded.Succeeded);
        Assert.Equal(result.TraceId, recorded.TraceId);
        Assert.Equal(SignInHarness.Start, recorded.OccurredAt);
        Assert.Empty(_h.Sessions.All);
    }

    [Fact]
    public async Task SignInAsync_UnknownIdentifier_DoesTheWorkOfAWrongPasswordOnASentinelThatNeverLocks()
    {
        // Arrange: the sentinel's threshold is int.MaxValue, far above the practice's 3.
        var account = _h.AddAccount("jordan.lee");
        var hashing = TestPasswords.Hashing;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        // Act
        var first = await _h.SignInAsync("nobody.here", TestPasswords.Correct);
        stopwatch.Stop();
        for (var i = 0; i < 3; i++)
        {
            await _h.SignInAsync($"nobody.{i}", TestPasswords.Correct);
        }

        // Assert: a full PBKDF2 verification ran (skipping it takes microseconds with in-memory stores) ...
        Assert.NotNull(hashing);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(5), $"An unknown identifier took only {stopwatch.Elapsed}.");
        Assert.Equal(ReasonCodes.InvalidCredentials, first.Reason.Code);

        // ... and a failure was counted on the sentinel row, never on a real account, and it never locks.
        var sentinel = await _h.Lockouts.GetAsync(Guid.Empty, LockoutCounter.UntrustedKey, CancellationToken.None);
        Assert.NotNull(sentinel);
        Assert.Equal(4, sentinel.FailureCount);
        Assert.Null(sentinel.LockedUntil);
        Assert.Equal(1, _h.Lockouts.Count);
        Assert.Null(await _h.UntrustedCounterAsync(account));
    }

    [Fact]
    public async Task SignInAsync_WrongPassword_InvalidCredentialsAndCountsOneFailure()
    {
        // Arrange
        var account = _h.AddAccount();

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);

        // Assert
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Reason.Code);
        Assert.Equal(ReasonCodes.InvalidCredentials, result.Shown.Code);
        Assert.Equal(401, result.Shown.HttpStatus);
        Assert.Null(result.LockedUntil);
        Assert.Null(result.Session);
        var counter = await _h.UntrustedCounterAsync(account);
        Assert.NotNull(counter);
        Assert.Equal(1, counter.FailureCount);
        Assert.Null(counter.LockedUntil);
        var recorded = _h.EventOf(result);
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.Contains("1/3", recorded.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(TestPasswords.Wrong, recorded.Detail, StringComparison.Ordinal);
        Assert.Empty(_h.Sessions.All);
    }

    [Fact]
    public async Task SignInAsync_CorrectPassword_WritesSessionDeviceCookieAndEvent()
    {
        // Arrange
        var account = _h.AddAccount();

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert: the outcome
        Assert.True(result.Succeeded);
        Assert.Equal(ReasonCodes.SignedIn, result.Reason.Code);
        Assert.Equal(ReasonCodes.SignedIn, result.Shown.Code);
        Assert.Same(account, result.Account);
        Assert.Equal([_h.Practice], result.Organizations);
        Assert.Null(result.PasswordChangeAccountId);

        // Assert: the session (only the token's hash is stored, under the practice's idle timeout)
        var session = Assert.Single(_h.Sessions.All);
        Assert.NotNull(result.Session);
        Assert.Same(session, result.Session.Session);
        Assert.Equal(account.Id, session.AccountId);
        Assert.Equal(SessionManager.HashToken(result.Session.Token), session.Id);
        Assert.Equal(TimeSpan.FromMinutes(15), session.IdleTimeout);
        Assert.Equal(SignInHarness.Start + TimeSpan.FromHours(12), session.AbsoluteExpiresAt);
        Assert.Equal(result.TraceId, session.TraceId);

        // Assert: the new trusted-device cookie verifies for this account
        var cookie = Assert.NotNull(result.NewDeviceCookie);
        Assert.Equal(DeviceCookies.CookieName(account.Id), cookie.Name);
        Assert.NotNull(await _h.DeviceCookies.VerifyAsync(cookie.Value, account.Id, CancellationToken.None));

        // Assert: the event (docs/design.md §4), never holding the password
        var recorded = Assert.Single(_h.Events.All);
        Assert.True(recorded.Succeeded);
        Assert.Equal(ReasonCodes.SignedIn, recorded.ReasonCode);
        Assert.Equal(ReasonCodes.SignedIn, recorded.ShownReasonCode);
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.Equal(_h.Practice.Id, recorded.OrganizationId);
        Assert.Equal(SignInMethod.Password, recorded.Method);
        Assert.Equal("jordan.lee", recorded.Identifier);
        Assert.Equal("username", recorded.IdentifierKind);
        Assert.Equal("203.0.113.25", recorded.ClientIp);
        Assert.Equal(TestBrowsers.Chrome155Windows, recorded.UserAgent);
        Assert.Equal("Chrome", recorded.Browser);
        Assert.Equal("155.0.0.0", recorded.BrowserVersion);
        Assert.Equal("Windows", recorded.OperatingSystem);
        Assert.True(recorded.BrowserSupported);
        Assert.True(recorded.CookiesWorking);
        Assert.True(recorded.JavaScriptWorking);
        Assert.False(recorded.TrustedDevicePresented);
        Assert.False(recorded.TrustedDeviceValid);
        Assert.Equal("unknown", recorded.NetworkLabel);
        Assert.DoesNotContain(TestPasswords.Correct, recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInAsync_SuccessAfterFailures_ResetsTheCounter()
    {
        // Arrange
        var account = _h.AddAccount();
        await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);
        await _h.SignInAsync("jordan.lee", TestPasswords.Wrong);
        var before = await _h.UntrustedCounterAsync(account);

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.SignedIn, result.Reason.Code);
        Assert.Equal(2, before?.FailureCount);
        Assert.Null(await _h.UntrustedCounterAsync(account));
    }

    [Theory]
    [InlineData("jordan.lee", "username")]
    [InlineData("  JORDAN.LEE@riverside.example ", "email")]
    [InlineData("1234567893", "npi")]
    public async Task SignInAsync_AnyOfTheThreeIdentifiers_SignsInAndRecordsTheKind(string identifier, string kind)
    {
        // Arrange
        var account = _h.AddAccount("jordan.lee", a => a.Npi = "1234567893");

        // Act
        var result = await _h.SignInAsync(identifier, TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.SignedIn, result.Reason.Code);
        Assert.Same(account, result.Account);
        var recorded = _h.EventOf(result);
        Assert.Equal(kind, recorded.IdentifierKind);
        Assert.Equal(identifier, recorded.Identifier);
    }

    [Fact]
    public async Task SignInAsync_HashWithOlderParameters_SignsInAndStoresAStrongerHash()
    {
        // Arrange: a hash from before the iteration count was raised (1,000 iterations: cheap to verify).
        var account = _h.AddAccount();
        var legacy = new Microsoft.AspNetCore.Identity.PasswordHasher<Account>(Options.Create(new Microsoft.AspNetCore.Identity.PasswordHasherOptions { IterationCount = 1_000 }));
        account.PasswordHash = legacy.HashPassword(account, TestPasswords.Correct);
        var oldHash = account.PasswordHash;

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.SignedIn, result.Reason.Code);
        var (accountId, newHash) = Assert.Single(_h.Accounts.PasswordHashUpdates);
        Assert.Equal(account.Id, accountId);
        Assert.NotEqual(oldHash, newHash);
        var iterations = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Convert.FromBase64String(newHash).AsSpan(5, 4));
        Assert.Equal(210_000u, iterations);
        Assert.Equal(PasswordCheck.Correct, TestPasswords.Hashing.Verify(newHash, TestPasswords.Correct));
    }

    [Fact]
    public async Task SignInAsync_CurrentHash_IsNotRewritten()
    {
        // Arrange
        _h.AddAccount();

        // Act
        var result = await _h.SignInAsync("jordan.lee", TestPasswords.Correct);

        // Assert
        Assert.Equal(ReasonCodes.SignedIn, result.Reason.Code);
        Assert.Empty(_h.Accounts.PasswordHashUpdates);
    }

    [Fact]
    public async Task SignInAsync_EveryFailureBeforeThePasswordIsProven_LooksTheSameToTheClient()
    {
        // Arrange: docs/design.md §3 — unknown, wrong password, locked (even with the right password), disabled, pending.
        _h.AddAccount("active.user");
        var locked = _h.AddAccount("locked.user");
        await _h.Lockouts.LockAsync(locked.Id, LockoutCounter.UntrustedKey, 3, SignInHarness.Start + TimeSpan.FromMinutes(15), CancellationToken.None);
        _h.AddAccount("disabled.user", a => a.Status = AccountStatus.Disabled);
        _h.AddAccount("pending.user", a => a.Status = AccountStatus.PendingActivation);

        // Act
        SignInResult[] results =
        [
            await _h.SignInAsync("nobody.here", TestPasswords.Correct),
            await _h.SignInAsync("active.user", TestPasswords.Wrong),
            await _h.SignInAsync("locked.user", TestPasswords.Correct),
            await _h.SignInAsync("disabled.user", TestPasswords.Wrong),
            await _h.SignInAsync("pending.user", TestPasswords.Wrong),
        ];

        // Assert: support sees the exact reasons ...
        Assert.Equal(
            [ReasonCodes.InvalidCredentials, ReasonCodes.InvalidCredentials, ReasonCodes.AccountLocked, ReasonCodes.InvalidCredentials, ReasonCodes.InvalidCredentials],
            _h.Events.All.Select(e => e.ReasonCode));

        // ... while the client sees one face.
        var faces = results.Select(r => new VisibleFace(r)).ToList();
        Assert.All(faces, face => Assert.Equal(faces[0], face));
        Assert.Equal(ReasonCodes.InvalidCredentials, faces[0].Code);
        Assert.All(_h.Events.All, e => Assert.Equal(ReasonCodes.InvalidCredentials, e.ShownReasonCode));
    }

    /// <summary>Everything about a result that reaches the person at the keyboard.</summary>
    private sealed record VisibleFace(string Code, int Status, string Message, DateTimeOffset? LockedUntil, int Problems, bool Session, bool DeviceCookie, bool PasswordChange, bool Succeeded)
    {
        public VisibleFace(SignInResult r)
            : this(r.Shown.Code, r.Shown.HttpStatus, r.Shown.UserMessage, r.LockedUntil, r.Problems.Count, r.Session is not null, r.NewDeviceCookie is not null, r.PasswordChangeAccountId is not null, r.Succeeded)
        {
        }
    }
}
