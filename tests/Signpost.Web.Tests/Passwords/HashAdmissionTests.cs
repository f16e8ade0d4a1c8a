using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Devices;
using Signpost.Core.Lockout;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Passwords;

/// <summary>
/// A host whose hash admission gate has one slot and room for two waiting untrusted attempts, so a test can
/// saturate it by holding the slot itself (<see cref="HoldSlotAsync"/>) rather than by timing.
/// </summary>
public sealed class HashAdmissionApp : SignpostFactory
{
    public const int UntrustedQueue = 2;
    public const int RetryAfterSeconds = 7;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Signpost:HashAdmission:Concurrency", "1");
        // No reserve: a trusted attempt then waits for the held slot, which the ordering tests need.
        builder.UseSetting("Signpost:HashAdmission:TrustedReserve", "0");
        builder.UseSetting("Signpost:HashAdmission:UntrustedQueue", UntrustedQueue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Signpost:HashAdmission:RetryAfterSeconds", RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public HashAdmission Gate => Services.GetRequiredService<HashAdmission>();

    /// <summary>Takes the gate's only slot, as a hash that does not end until the test says so.</summary>
    public async Task<HashAdmission.HashSlot> HoldSlotAsync()
    {
        var slot = await Gate.EnterAsync(trusted: true, CancellationToken.None);
        Assert.NotNull(slot);
        return slot;
    }

    /// <summary>Waits (polling, with a deadline for a loaded machine) until the gate is in the state the test needs.</summary>
    public async Task WaitForAsync(Func<HashAdmissionState, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition(Gate.State))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The gate never reached the expected state; it is {Gate.State}.");
            await Task.Delay(10);
        }
    }
}

/// <summary>
/// Admission before the hash (docs/security.md, same title): a full untrusted queue refuses at once with rate_limited and
/// Retry-After, without hashing or counting, in the same words for known and unknown identifiers, each refusal
/// an event; a browser with a valid trusted-device cookie is admitted ahead of every untrusted attempt waiting.
/// </summary>
public sealed class HashAdmissionTests(HashAdmissionApp app) : IClassFixture<HashAdmissionApp>
{
    [Fact]
    public async Task SaturatedGate_UntrustedAttempts_RefusedWithoutHashing_KnownAndUnknownAlike_EachAnEvent()
    {
        // Arrange: a practice member, the only slot held, and the untrusted queue filled by two attempts.
        var practice = await app.CreateOrganizationAsync(TestAccounts.Unique("gate"), "Gate Clinic");
        var known = await app.CreateAccountAsync(TestAccounts.Unique("known"), practice.Slug);
        var sentinelBefore = await SentinelFailuresAsync();
        var hold = await app.HoldSlotAsync();
        var refusedBefore = app.Gate.State.Refused;
        using var waiting1 = app.CreateBrowser();
        using var waiting2 = app.CreateBrowser();
        var queued = new[]
        {
            waiting1.ApiSignInAsync(TestAccounts.Unique("nobody"), TestAccounts.WrongPassword),
            waiting2.ApiSignInAsync(known.Username, TestAccounts.WrongPassword),
        };
        HttpResponseMessage knownAnswer, unknownAnswer, pageAnswer;
        try
        {
            await app.WaitForAsync(s => s.WaitingUntrusted == HashAdmissionApp.UntrustedQueue);

            // Act: one more untrusted attempt for a real account (its right password), one for no account, one on the page.
            using var stranger = app.CreateBrowser();
            using var nobody = app.CreateBrowser();
            using var pageBrowser = app.CreateBrowser();
            knownAnswer = await stranger.ApiSignInAsync(known.Username, TestAccounts.Password);
            unknownAnswer = await nobody.ApiSignInAsync(TestAccounts.Unique("nobody"), TestAccounts.WrongPassword);
            pageAnswer = await pageBrowser.SignInAsync(known.Username, TestAccounts.WrongPassword);

            // Nothing was hashed or counted: the sentinel row the dummy hash's path counts on is untouched,
            // and the two queued attempts still wait.
            Assert.Equal(sentinelBefore, await SentinelFailuresAsync());
            Assert.Equal(HashAdmissionApp.UntrustedQueue, app.Gate.State.WaitingUntrusted);
            Assert.All(queued, t => Assert.False(t.IsCompleted));
        }
        finally
        {
            hold.Dispose();
        }

        // Assert: the same answer for both identifiers, with the time to wait.
        var knownProblem = await TestBrowser.JsonAsync(knownAnswer);
        var unknownProblem = await TestBrowser.JsonAsync(unknownAnswer);
        foreach (var (answer, problem) in new[] { (knownAnswer, knownProblem), (unknownAnswer, unknownProblem) })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
            Assert.Equal(ReasonCodes.RateLimited, problem.GetProperty("code").GetString());
            Assert.Equal(TimeSpan.FromSeconds(HashAdmissionApp.RetryAfterSeconds), answer.Headers.RetryAfter?.Delta);
            Assert.False(answer.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(DeviceCookies.CookieName(known.Id), StringComparison.Ordinal)));
        }

        Assert.Equal(Public(unknownProblem), Public(knownProblem));
        Assert.Equal(HttpStatusCode.TooManyRequests, pageAnswer.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(HashAdmissionApp.RetryAfterSeconds), pageAnswer.Headers.RetryAfter?.Delta);
        var page = await TestBrowser.ParseAsync(pageAnswer);
        Assert.Equal(ReasonCodes.RateLimited, page.QuerySelector("[data-testid=failure]")?.GetAttribute("data-code"));

        // Each refusal is an event with its trace ID and reason; the known account's names it, for support.
        var knownEvent = await app.EventAsync(knownProblem.GetProperty("traceId").GetString()!);
        var unknownEvent = await app.EventAsync(unknownProblem.GetProperty("traceId").GetString()!);
        var pageEvent = await app.EventAsync(page.QuerySelector("[data-testid=trace-id]")!.TextContent);
        Assert.All([knownEvent, unknownEvent, pageEvent], e =>
        {
            Assert.Equal(ReasonCodes.RateLimited, e.ReasonCode);
            Assert.Equal(ReasonCodes.RateLimited, e.ShownReasonCode);
            Assert.Contains("not hashed or counted", e.Detail, StringComparison.Ordinal);
        });
        Assert.Equal(known.Id, knownEvent.AccountId);
        Assert.Null(unknownEvent.AccountId);
        Assert.Equal(refusedBefore + 3, app.Gate.State.Refused);

        // The queued attempts were hashed once the slot was free: wrong passwords, and only theirs counted.
        foreach (var answer in await Task.WhenAll(queued))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            Assert.Equal(ReasonCodes.InvalidCredentials, (await TestBrowser.JsonAsync(answer)).GetProperty("code").GetString());
        }

        var counter = await app.WithDbAsync(db => db.LockoutCounters.AsNoTracking().SingleAsync(c => c.AccountId == known.Id && c.DeviceKey == LockoutCounter.UntrustedKey));
        Assert.Equal(1, counter.FailureCount);
        Assert.Equal(new HashAdmissionState(0, 0, 0, refusedBefore + 3), app.Gate.State);
    }

    [Fact]
    public async Task TrustedDeviceAttempt_IsHashedAheadOfEveryUntrustedAttemptWaiting()
    {
        // Arrange: a member whose browser holds its trusted-device cookie from an earlier sign-in.
        var practice = await app.CreateOrganizationAsync(TestAccounts.Unique("gate"), "Gate Clinic");
        var member = await app.CreateAccountAsync(TestAccounts.Unique("member"), practice.Slug);
        using var own = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await own.ApiSignInAsync(member.Username, TestAccounts.Password)).StatusCode);
        Assert.NotNull(own.Cookie(DeviceCookies.CookieName(member.Id)));

        var hold = await app.HoldSlotAsync();
        using var attacker1 = app.CreateBrowser();
        using var attacker2 = app.CreateBrowser();
        var untrusted = new[]
        {
            attacker1.ApiSignInAsync(member.Username, TestAccounts.WrongPassword),
            attacker2.ApiSignInAsync(TestAccounts.Unique("nobody"), TestAccounts.WrongPassword),
        };
        Task<HttpResponseMessage> trusted;
        ValueTask<HashAdmission.HashSlot?> after;
        try
        {
            await app.WaitForAsync(s => s.WaitingUntrusted == 2);
            trusted = own.ApiSignInAsync(member.Username, TestAccounts.Password);
            await app.WaitForAsync(s => s.WaitingTrusted == 1);

            // A second held slot queued behind the trusted attempt: whoever gets the slot after it waits for the test.
            after = app.Gate.EnterAsync(trusted: true, CancellationToken.None);
            Assert.Equal(new HashAdmissionState(1, 2, 2, app.Gate.State.Refused), app.Gate.State);
        }
        finally
        {
            hold.Dispose();
        }

        // Act: the freed slot goes to the trusted attempt, which signs in while both untrusted ones still wait.
        var signedIn = await trusted;
        var next = await after;

        // Assert
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(ReasonCodes.SignedIn, (await TestBrowser.JsonAsync(signedIn)).GetProperty("code").GetString());
        Assert.All(untrusted, t => Assert.False(t.IsCompleted));
        Assert.Equal(2, app.Gate.State.WaitingUntrusted);
        next!.Dispose();
        foreach (var answer in await Task.WhenAll(untrusted))
        {
            Assert.Equal(ReasonCodes.InvalidCredentials, (await TestBrowser.JsonAsync(answer)).GetProperty("code").GetString());
        }
    }

    /// <summary>What the client reads in a problem, without what differs per request (trace ID, time).</summary>
    private static string Public(JsonElement problem) =>
        string.Join("|", problem.EnumerateObject().Where(p => p.Name is not ("traceId" or "time")).Select(p => $"{p.Name}={p.Value}"));

    private Task<int?> SentinelFailuresAsync() =>
        app.WithDbAsync(db => db.LockoutCounters.AsNoTracking().Where(c => c.AccountId == Guid.Empty).Select(c => (int?)c.FailureCount).SingleOrDefaultAsync());
}

/// <summary>A host whose gate has one slot, one reserved for trusted attempts and room for one waiting untrusted attempt.</summary>
public sealed class HashAdmissionReserveApp : SignpostFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Signpost:HashAdmission:Concurrency", "1");
        builder.UseSetting("Signpost:HashAdmission:TrustedReserve", "1");
        builder.UseSetting("Signpost:HashAdmission:UntrustedQueue", "1");
    }

    public HashAdmission Gate => Services.GetRequiredService<HashAdmission>();
}

/// <summary>
/// The trusted reserve (docs/security.md, "Admission before the hash"): while the flood's hashes fill every slot,
/// a browser with a valid trusted-device cookie hashes at once in the reserve, and an untrusted attempt never does.
/// </summary>
public sealed class HashAdmissionReserveTests(HashAdmissionReserveApp app) : IClassFixture<HashAdmissionReserveApp>
{
    [Fact]
    public async Task TrustedDeviceAttempt_SignsInWhileUntrustedHashesFillEverySlot_UntrustedOnesAreRefusedNotReserved()
    {
        // Arrange: a member whose browser holds its trusted-device cookie; the only untrusted slot held, the untrusted queue full.
        var practice = await app.CreateOrganizationAsync(TestAccounts.Unique("reserve"), "Reserve Clinic");
        var member = await app.CreateAccountAsync(TestAccounts.Unique("member"), practice.Slug);
        using var own = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await own.ApiSignInAsync(member.Username, TestAccounts.Password)).StatusCode);
        var hold = await app.Gate.EnterAsync(trusted: false, CancellationToken.None);
        Assert.NotNull(hold);
        using var attacker = app.CreateBrowser();
        var queued = attacker.ApiSignInAsync(member.Username, TestAccounts.WrongPassword);
        HttpResponseMessage trustedAnswer, strangerAnswer;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (app.Gate.State.WaitingUntrusted < 1)
            {
                Assert.True(DateTime.UtcNow < deadline, $"The attacker's attempt never queued; the gate is {app.Gate.State}.");
                await Task.Delay(10);
            }

            // Act: the owner on their trusted device, and a stranger's browser with the same right password.
            // Bounded, so that without the reserve (the attempt waiting for the held slot) the test fails instead of hanging.
            trustedAnswer = await own.ApiSignInAsync(member.Username, TestAccounts.Password).WaitAsync(TimeSpan.FromMinutes(1));
            using var stranger = app.CreateBrowser();
            strangerAnswer = await stranger.ApiSignInAsync(member.Username, TestAccounts.Password);

            // The held slot never freed: the owner hashed in the reserve, and the attacker still waits for the held slot.
            Assert.False(queued.IsCompleted);
            Assert.Equal(1, app.Gate.State.Running);
            Assert.Equal(1, app.Gate.State.WaitingUntrusted);
        }
        finally
        {
            hold!.Dispose();
        }

        // Assert: the owner signed in, recorded as a trusted-device success.
        var signedIn = await TestBrowser.JsonAsync(trustedAnswer);
        Assert.Equal(HttpStatusCode.OK, trustedAnswer.StatusCode);
        Assert.Equal(ReasonCodes.SignedIn, signedIn.GetProperty("code").GetString());
        var success = await app.EventAsync(signedIn.GetProperty("traceId").GetString()!);
        Assert.Equal(ReasonCodes.SignedIn, success.ReasonCode);
        Assert.True(success.TrustedDeviceValid);
        Assert.Equal(member.Id, success.AccountId);

        // The stranger's right password was refused at the gate, unhashed, with its event: the reserve is not theirs.
        var refused = await TestBrowser.JsonAsync(strangerAnswer);
        Assert.Equal(HttpStatusCode.TooManyRequests, strangerAnswer.StatusCode);
        Assert.Equal(ReasonCodes.RateLimited, refused.GetProperty("code").GetString());
        var refusal = await app.EventAsync(refused.GetProperty("traceId").GetString()!);
        Assert.Equal(ReasonCodes.RateLimited, refusal.ReasonCode);
        Assert.Contains(PasswordSignIn.AdmissionRefusedDetail, refusal.Detail, StringComparison.Ordinal);
        Assert.False(refusal.Succeeded);

        // The attacker's attempt was hashed once the held slot freed: a wrong password, counted.
        var attackerAnswer = await queued;
        Assert.Equal(ReasonCodes.InvalidCredentials, (await TestBrowser.JsonAsync(attackerAnswer)).GetProperty("code").GetString());
        var counter = await app.WithDbAsync(db => db.LockoutCounters.AsNoTracking().SingleAsync(c => c.AccountId == member.Id && c.DeviceKey == LockoutCounter.UntrustedKey));
        Assert.Equal(1, counter.FailureCount);
        Assert.Equal(0, app.Gate.State.Running);
    }
}
