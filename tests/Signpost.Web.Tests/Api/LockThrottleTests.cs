using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Lockout;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Api;

/// <summary>
/// Issue 15, attack 2: a locked account is not a guessing loop. While a key is locked, only the first
/// <see cref="PasswordSignIn.LockedPasswordChecks"/> attempts of that lock have their password compared;
/// after that nobody — not support either — learns whether a guess was right, and every answer stays the same.
/// Before, every guess during the lock was compared and its verdict written to the event.
/// </summary>
public sealed class LockThrottleTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task LockedAccount_ManyGuesses_OnlyTheFirstFewAreCompared_AllAnsweredAlike()
    {
        // Arrange: the account is locked for untrusted browsers.
        var slug = TestAccounts.Unique("linden");
        await app.CreateOrganizationAsync(slug, "Linden Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("lena"), slug);
        await app.WithServicesAsync(async services =>
        {
            await services.GetRequiredService<ILockoutStore>().LockAsync(account.Id, LockoutCounter.UntrustedKey, 10, DateTimeOffset.UtcNow.AddMinutes(15), CancellationToken.None);
            return 0;
        });
        using var attacker = app.CreateBrowser();

        // Act: wrong guesses, then the right password, more often than the budget allows.
        var guesses = new[] { TestAccounts.WrongPassword, TestAccounts.WrongPassword, TestAccounts.Password, TestAccounts.WrongPassword, TestAccounts.Password };
        var responses = new List<HttpResponseMessage>();
        foreach (var guess in guesses)
        {
            responses.Add(await attacker.ApiSignInAsync(account.Username, guess));
        }

        // Assert: the same answer every time, no session...
        var first = await ResponseSnapshot.TakeAsync(responses[0]);
        Assert.Equal(401, first.Status);
        foreach (var response in responses.Skip(1))
        {
            Assert.Equal(first, await ResponseSnapshot.TakeAsync(response));
        }

        Assert.False(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.AccountId == account.Id)));

        // ...and the events: three compared (support may read those), the rest not compared at all.
        var details = new List<string>();
        foreach (var response in responses)
        {
            var recorded = await app.EventAsync(response.Headers.GetValues("X-Trace-Id").Single());
            Assert.Equal((ReasonCodes.AccountLocked, ReasonCodes.InvalidCredentials), (recorded.ReasonCode, recorded.ShownReasonCode));
            details.Add(recorded.Detail!);
        }

        Assert.Equal(3, PasswordSignIn.LockedPasswordChecks);
        Assert.Contains("password was wrong", details[0], StringComparison.Ordinal);
        Assert.Contains("password was wrong", details[1], StringComparison.Ordinal);
        Assert.Contains("password was correct", details[2], StringComparison.Ordinal);
        Assert.All(details.Skip(3), d => Assert.Contains("password not checked", d, StringComparison.Ordinal));
        Assert.All(details.Skip(3), d => Assert.DoesNotContain("password was", d, StringComparison.Ordinal));

        // The lock itself was not extended or counted by any of it.
        var counter = await app.WithDbAsync(db => db.LockoutCounters.AsNoTracking().SingleAsync(c => c.AccountId == account.Id && c.DeviceKey == LockoutCounter.UntrustedKey));
        Assert.Equal(10, counter.FailureCount);
    }

    [Fact]
    public async Task LockedForUntrustedBrowsers_OwnersTrustedDevice_StillComparedAndSignsIn()
    {
        // Arrange: the owner signed in once (device cookie); then an attacker exhausts the locked budget.
        var slug = TestAccounts.Unique("oak");
        await app.CreateOrganizationAsync(slug, "Oak Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("omar"), slug);
        using var owner = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await owner.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        await app.WithServicesAsync(async services =>
        {
            await services.GetRequiredService<ILockoutStore>().LockAsync(account.Id, LockoutCounter.UntrustedKey, 10, DateTimeOffset.UtcNow.AddMinutes(15), CancellationToken.None);
            return 0;
        });
        using var attacker = app.CreateBrowser();
        for (var i = 0; i < PasswordSignIn.LockedPasswordChecks + 2; i++)
        {
            await attacker.ApiSignInAsync(account.Username, TestAccounts.WrongPassword);
        }

        // Act
        var response = await owner.ApiSignInAsync(account.Username, TestAccounts.Password);

        // Assert: the trusted device has its own key, so neither the lock nor its budget applies to it.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ReasonCodes.SignedIn, (await TestBrowser.JsonAsync(response)).GetProperty("code").GetString());
    }
}
