using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Lockout;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Api;

/// <summary>
/// Lockout under a burst of concurrent guesses: exact counting, no password oracle while locked, and the
/// owner's trusted browser still gets in (docs/design.md §3 "Who sees what", §7 lockout).
/// </summary>
public sealed class LockoutTests(LockoutAttack attack) : IClassFixture<LockoutAttack>
{
    private SignpostFactory App => attack.App;

    [Fact]
    public async Task ConcurrentWrongPasswords_OneAccount_CountsExactlyThresholdThenLocks()
    {
        // Assert: every guess answered the same way, none let in.
        Assert.Equal(LockoutAttack.Attempts, attack.Responses.Count);
        Assert.All(attack.Responses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
        Assert.All(attack.Responses, r => Assert.Contains($"\"code\":\"{ReasonCodes.InvalidCredentials}\"", r.Body, StringComparison.Ordinal));

        // Exactly the threshold counted, in one untrusted counter, now locked.
        var counters = await App.WithDbAsync(db => db.LockoutCounters.AsNoTracking().Where(c => c.AccountId == attack.Account.Id).ToListAsync());
        var untrusted = Assert.Single(counters, c => c.DeviceKey == LockoutCounter.UntrustedKey);
        Assert.Equal(10, untrusted.FailureCount);
        Assert.NotNull(untrusted.LockedUntil);
        Assert.InRange(untrusted.LockedUntil.Value, attack.StartedAt.AddMinutes(15).AddSeconds(-1), attack.EndedAt.AddMinutes(15).AddSeconds(1));

        // One event per request, each under its own trace ID; ten counted failures, the rest refused by the lock.
        Assert.Equal(LockoutAttack.Attempts, attack.EventsAfter - attack.EventsBefore);
        var traceIds = attack.Responses.Select(r => r.TraceId).ToList();
        Assert.Equal(LockoutAttack.Attempts, traceIds.Distinct().Count());
        var events = await App.WithDbAsync(db => db.SignInEvents.AsNoTracking().Where(e => traceIds.Contains(e.TraceId)).ToListAsync());
        Assert.Equal(LockoutAttack.Attempts, events.Count);
        Assert.All(events, e => Assert.Equal(attack.Account.Id, e.AccountId));
        Assert.DoesNotContain(events, e => e.Succeeded);
        Assert.All(events, e => Assert.Equal(ReasonCodes.InvalidCredentials, e.ShownReasonCode));
        Assert.Equal(10, events.Count(e => e.ReasonCode == ReasonCodes.InvalidCredentials));
        Assert.Equal(LockoutAttack.Attempts - 10, events.Count(e => e.ReasonCode == ReasonCodes.AccountLocked));
        Assert.Single(events, e => e.Detail!.Contains("this failure locked untrusted browsers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConcurrentWrongPasswords_OneAccount_HashAgainstTheAccountExactlyThresholdWhileTheLockIsOpen()
    {
        // Arrange: what support reads of each of the hundred attempts.
        var traceIds = attack.Responses.Select(r => r.TraceId).ToList();
        var events = await App.WithDbAsync(db => db.SignInEvents.AsNoTracking().Where(e => traceIds.Contains(e.TraceId)).ToListAsync());

        // Assert: every check counts before its hash (docs/security.md, "Exact counting"), so exactly the threshold
        // were compared while the lock was open; none found the lock closed only after hashing.
        Assert.Equal(10, events.Count(e => e.Detail!.StartsWith("Wrong password (", StringComparison.Ordinal)));
        Assert.DoesNotContain(events, e => e.Detail!.Contains("by a concurrent attempt", StringComparison.Ordinal));

        // The others were refused by the lock (compared at most LockedPasswordChecks times, against a closed lock)
        // or before it closed, while the threshold's checks were in flight: then hashed only against the dummy.
        var refused = events.Where(e => e.ReasonCode == ReasonCodes.AccountLocked).ToList();
        Assert.Equal(LockoutAttack.Attempts - 10, refused.Count);
        Assert.InRange(refused.Count(e => e.Detail!.Contains("password was wrong", StringComparison.Ordinal)), 0, Core.SignIn.PasswordSignIn.LockedPasswordChecks);
        Assert.All(refused.Where(e => !e.Detail!.Contains("password was wrong", StringComparison.Ordinal)),
            e => Assert.Contains("password not checked", e.Detail, StringComparison.Ordinal));

        // Every reservation was settled: nothing left in flight to hold the next window's places.
        var untrusted = await App.WithDbAsync(db => db.LockoutCounters.AsNoTracking().SingleAsync(c => c.AccountId == attack.Account.Id && c.DeviceKey == LockoutCounter.UntrustedKey));
        Assert.Equal((10, 0), (untrusted.FailureCount, untrusted.InFlight));
    }

    [Fact]
    public async Task CorrectPassword_LockedAccountUntrustedClient_LooksExactlyLikeWrongPassword()
    {
        // Arrange
        using var correct = App.CreateBrowser();
        using var wrong = App.CreateBrowser();
        using var nobody = App.CreateBrowser();

        // Act
        var correctResponse = await correct.ApiSignInAsync(attack.Account.Username, TestAccounts.Password);
        var wrongResponse = await wrong.ApiSignInAsync(attack.Account.Username, TestAccounts.WrongPassword);
        var nobodyResponse = await nobody.ApiSignInAsync(TestAccounts.Unique("nobody"), TestAccounts.WrongPassword);

        // Assert: status, headers and body are the same, apart from trace ID and time...
        var correctSnapshot = await ResponseSnapshot.TakeAsync(correctResponse);
        Assert.Equal(401, correctSnapshot.Status);
        Assert.Equal(correctSnapshot, await ResponseSnapshot.TakeAsync(wrongResponse));
        Assert.Equal(correctSnapshot, await ResponseSnapshot.TakeAsync(nobodyResponse));
        Assert.Null(correct.Cookie("sp_session"));

        // ...while support reads the truth from the event. Whether this attempt's password was still compared depends on
        // how many of the burst's refusals came after the lock closed: those refused while the checks in flight filled
        // the threshold compared nothing and do not use the lock's budget. What holds either way: during one lock at
        // most LockedPasswordChecks attempts from untrusted browsers are compared (LockThrottleTests has the first few).
        var recorded = await App.EventAsync(correctResponse.Headers.GetValues("X-Trace-Id").Single());
        Assert.Equal(ReasonCodes.AccountLocked, recorded.ReasonCode);
        Assert.Equal(ReasonCodes.InvalidCredentials, recorded.ShownReasonCode);
        Assert.Matches("; password (not checked \\(more than [0-9]+ attempts during this lock\\)|was correct)\\.$", recorded.Detail);
        Assert.False(recorded.TrustedDeviceValid);
        var lockedUntil = recorded.Detail!.Split(' ')[2];
        var duringThisLock = await App.WithDbAsync(db => db.SignInEvents.AsNoTracking()
            .Where(e => e.AccountId == attack.Account.Id && e.ReasonCode == ReasonCodes.AccountLocked && !e.TrustedDeviceValid).Select(e => e.Detail).ToListAsync());
        Assert.InRange(duringThisLock.Count(d => d!.StartsWith($"Locked until {lockedUntil} ", StringComparison.Ordinal) && d.Contains("; password was ", StringComparison.Ordinal)),
            0, Core.SignIn.PasswordSignIn.LockedPasswordChecks);
    }

    [Fact]
    public async Task CorrectPassword_LockedAccountTrustedDevice_SignsIn()
    {
        // Arrange: the owner's browser holds the device cookie from its sign-in before the attack.
        Assert.Contains(attack.OwnBrowser.AllCookies(), c => c.Name.StartsWith("sp_dev_", StringComparison.Ordinal));

        // Act
        var response = await attack.OwnBrowser.ApiSignInAsync(attack.Account.Username, TestAccounts.Password);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TestBrowser.JsonAsync(response);
        Assert.Equal(ReasonCodes.SignedIn, body.GetProperty("code").GetString());
        var recorded = await App.EventAsync(body.GetProperty("traceId").GetString()!);
        Assert.True(recorded.Succeeded);
        Assert.True(recorded.TrustedDevicePresented);
        Assert.True(recorded.TrustedDeviceValid);

        // The untrusted lock still holds for everyone else.
        var untrusted = await App.WithDbAsync(db => db.LockoutCounters.AsNoTracking()
            .SingleAsync(c => c.AccountId == attack.Account.Id && c.DeviceKey == LockoutCounter.UntrustedKey));
        Assert.True(untrusted.LockedUntil > DateTimeOffset.UtcNow);
        using var stranger = App.CreateBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.ApiSignInAsync(attack.Account.Username, TestAccounts.Password)).StatusCode);
    }
}
