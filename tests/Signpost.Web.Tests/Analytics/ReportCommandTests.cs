using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Analytics;

/// <summary><c>signpost report</c>, run as an operator runs it on the same database (in process: <see cref="SignpostCommand"/>), counting what the job has not yet.</summary>
public sealed class ReportCommandTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    /// <summary>
    /// One arrangement per host, shared by the tests: its events lie three days back, and events are counted
    /// once, as they are appended — a second batch of old events would land behind the first run's watermark.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SignpostFactory, Task<(string Slug, string Day)>> Arranged = new();

    private Task<(string Slug, string Day)> ArrangeAsync() => Arranged.GetValue(app, _ => ArrangeOnceAsync());

    /// <summary>Three days ago at a practice: a lock-out waited out in 40 minutes, and a story nobody recovered from.</summary>
    private async Task<(string Slug, string Day)> ArrangeOnceAsync()
    {
        var slug = TestAccounts.Unique("report");
        var practice = await app.CreateOrganizationAsync(slug, "Report Clinic");
        var locked = await app.CreateAccountAsync(TestAccounts.Unique("lou"), slug);
        var stuck = await app.CreateAccountAsync(TestAccounts.Unique("stu"), slug);
        // At 10:00 of the practice's own day three days ago: the story's 40 minutes stay inside that local day whatever
        // the hour the test runs (from UtcNow − 3 days, a run in the 40 minutes before the practice's midnight put the
        // sign-in on the next day, outside the report's range).
        var zone = TimeZoneInfo.FindSystemTimeZoneById(practice.TimeZone);
        var morning = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).Date.AddDays(-3).AddHours(10);
        var at = new DateTimeOffset(morning, zone.GetUtcOffset(morning)).ToUniversalTime();
        SignInEvent Event(Guid person, int minute, string reason, bool succeeded) => new()
        {
            TraceId = Guid.NewGuid().ToString("N"), OccurredAt = at.AddMinutes(minute), AccountId = person, OrganizationId = practice.Id,
            Method = SignInMethod.Password, Succeeded = succeeded, ReasonCode = reason, ShownReasonCode = reason, ClientIp = "198.51.100.9",
        };
        await app.WithDbAsync(async db =>
        {
            db.SignInEvents.AddRange(
                Event(locked.Id, 0, ReasonCodes.InvalidCredentials, false),
                Event(locked.Id, 1, ReasonCodes.AccountLocked, false),
                Event(locked.Id, 40, ReasonCodes.SignedIn, true),
                Event(stuck.Id, 5, ReasonCodes.AccountDisabled, false));
            return await db.SaveChangesAsync();
        });
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return (slug, local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Report_Json_PrintsThePageNumbersForThePractice()
    {
        // Arrange
        var (slug, day) = await ArrangeAsync();
        var from = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        // Act
        var run = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, "report", "--from", from, "--to", day, "--org", slug, "--format", "json");

        // Assert
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal((1, 3, 2), (root.GetProperty("sign_ins").GetInt32(), root.GetProperty("failures").GetInt32(), root.GetProperty("failure_stories").GetInt32()));
        Assert.Equal(0.5, root.GetProperty("self_service_recovery_rate").GetDouble());
        Assert.Equal(1, root.GetProperty("stories").GetProperty("not_recovered").GetInt32());
        Assert.Equal(1, root.GetProperty("recovered_alone_by").GetProperty("waited_out_lock").GetInt32());
        Assert.Equal(40 * 60, root.GetProperty("mean_seconds_to_recover").GetProperty("recovered_alone").GetInt64());
        Assert.Equal(2, root.GetProperty("failures_by_category").GetProperty("account_state").GetInt32());
        Assert.Equal(2, root.GetProperty("days").GetArrayLength());
    }

    [Fact]
    public async Task Report_Csv_PrintsTheChosenTable()
    {
        // Arrange
        var (slug, day) = await ArrangeAsync();

        // Act
        var run = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, "report", "--from", day, "--to", day, "--org", slug, "--format", "csv", "--table", "reasons");

        // Assert
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["reason_code,category,failures", "account_disabled,account_state,1", "account_locked,account_state,1", "invalid_credentials,credentials,1"],
            run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("--org", "no-such-practice", "signpost: No organization has slug 'no-such-practice'.")]
    [InlineData("--from", "2026-12-02", "signpost: --from: The first day comes after the last.")]
    public async Task Report_RefusedArguments_OneLineAndExitCodeOne(string option, string value, string message)
    {
        // Act (on the app's database, migrated by its start: a test may be the class's first)
        _ = app.Server;
        string[] args = option == "--from" ? ["report", "--from", value, "--to", "2026-12-01"] : ["report", "--from", "2026-11-01", "--to", "2026-11-30", option, value];
        var run = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, args);

        // Assert
        Assert.Equal(1, run.ExitCode);
        Assert.Equal([message], run.StderrLines);
    }

    [Theory]
    [InlineData("--format", "xml")]
    [InlineData("--table", "passwords")]
    [InlineData("--from", "2026-13-01")]
    public async Task Report_WrongCommandLine_OneLineAndExitCodeTwo(string option, string value)
    {
        // Act (on the app's database, migrated by its start: a test may be the class's first)
        _ = app.Server;
        string[] args = option == "--from" ? ["report", "--from", value, "--to", "2026-12-01"] : ["report", "--from", "2026-11-01", "--to", "2026-11-30", option, value];
        var run = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, args);

        // Assert: the usage line names the option and the value.
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("signpost: signpost report: ", line, StringComparison.Ordinal);
        Assert.Contains(value, line, StringComparison.Ordinal);
    }
}
