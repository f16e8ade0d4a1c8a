using System.Diagnostics;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Recovery;

/// <summary>
/// Whether an account exists must not show in how long forgot-password takes. A known identifier queues
/// an email; an unknown one does not; the response floor hides the difference. The SMTP server takes 2 s
/// per message, far beyond the floor, like a remote relay: the answer must not wait for it (it did when
/// requests sent the email themselves). Measured interleaved (known, unknown, known, ...) so machine noise
/// hits both alike; the bound is generous because the property is "the same within noise", not a speed.
/// </summary>
public sealed class RecoveryTimingTests(RecoveryTimingTests.FlooredApp app) : IClassFixture<RecoveryTimingTests.FlooredApp>
{
    [Fact]
    public async Task ForgotPassword_KnownAndUnknownIdentifiers_TakeTheSameTimeWithinNoise()
    {
        // Arrange: one account per known request so the per-account limit never cuts an email.
        const int rounds = 8;
        var known = new List<string>();
        for (var i = 0; i < rounds; i++)
        {
            known.Add((await app.MemberAsync("timed")).Username);
        }

        using var browser = app.CreateBrowser();
        await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", TestAccounts.Unique("warmup"));
        var knownTimes = new List<double>();
        var unknownTimes = new List<double>();

        // Act
        for (var i = 0; i < rounds; i++)
        {
            knownTimes.Add(await TimeAsync(browser, known[i]));
            unknownTimes.Add(await TimeAsync(browser, TestAccounts.Unique("absent")));
        }

        // Assert: both sit at the floor; medians differ by less than a quarter of it.
        var knownMedian = Median(knownTimes);
        var unknownMedian = Median(unknownTimes);
        Assert.InRange(knownMedian, 750, 5000);
        Assert.InRange(unknownMedian, 750, 5000);
        Assert.True(Math.Abs(knownMedian - unknownMedian) < 200,
            $"known median {knownMedian:F0} ms, unknown median {unknownMedian:F0} ms");

        // Every known identifier's email still arrived, 2 s apiece, after the answers.
        await app.Smtp.WaitForAsync(rounds, TimeSpan.FromSeconds(90));
        Assert.Equal(rounds, known.Sum(name => app.MailFor($"{name}@clinic.example").Count));
    }

    /// <summary>
    /// The recovery app with the shipped response floor, the production hashing cost and an SMTP server
    /// that takes 2 s per message.
    /// </summary>
    public sealed class FlooredApp : RecoveryApp
    {
        public FlooredApp()
        {
            Settings.Remove("Signpost:Recovery:MinimumResponseMilliseconds");
            PasswordIterations = Core.Passwords.PasswordHashingOptions.MinimumIterations;
            SmtpDelay = TimeSpan.FromSeconds(2);
        }
    }

    private static async Task<double> TimeAsync(TestBrowser browser, string identifier)
    {
        var form = await browser.OpenFormAsync("/forgot-password");
        var watch = Stopwatch.StartNew();
        using var response = await browser.SubmitAsync(form, [new("identifier", identifier)]);
        await response.Content.ReadAsStringAsync();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
    }
}
