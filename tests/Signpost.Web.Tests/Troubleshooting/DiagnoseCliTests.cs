using Signpost.Core.Reasons;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Troubleshooting;

/// <summary><c>signpost diagnose</c> run against the database of a running app (in process: <see cref="SignpostCommand"/>).</summary>
public sealed class DiagnoseCliTests(DiagnosisApp app) : IClassFixture<DiagnosisApp>
{
    /// <summary>Runs the command on the app's database, started (and so migrated) first: a test may be the class's first.</summary>
    private Task<CliRun> RunAsync(params string[] args)
    {
        _ = app.Server;
        return SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, args);
    }

    [Fact]
    public async Task Diagnose_TraceAndUser_PrintTheDiagnosisAsATable()
    {
        // Arrange: a practice that locks after two failures; the person is locked out.
        var slug = TestAccounts.Unique("shoal");
        await app.CreateOrganizationAsync(slug, "Shoal Clinic", p => p.LockoutThreshold = 2);
        var ada = await app.CreateAccountAsync(TestAccounts.Unique("ada"), slug);
        await app.AttemptAsync(ada.Username, "wrong once, wrong twice");
        await app.AttemptAsync(ada.Username, "wrong once, wrong twice");
        var (traceId, _) = await app.AttemptAsync(ada.Username, TestAccounts.Password);

        // Act
        var byTrace = await RunAsync("diagnose", traceId.ToUpperInvariant());
        var byUser = await RunAsync("diagnose", "--user", ada.Username);

        // Assert
        Assert.True(byTrace.ExitCode == 0, byTrace.ToString());
        Assert.Contains($"Diagnosis of trace {traceId}", byTrace.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{ReasonCodes.AccountLocked} — {ReasonCatalogue.Get(ReasonCodes.AccountLocked).Title}", byTrace.Stdout, StringComparison.Ordinal);
        Assert.Contains("3 Check account state", byTrace.Stdout, StringComparison.Ordinal);
        Assert.Contains("not used here", byTrace.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", byTrace.Stdout, StringComparison.Ordinal);
        Assert.True(byUser.ExitCode == 0, byUser.ToString());
        Assert.Contains($"Diagnosis of account {ada.Username}", byUser.Stdout, StringComparison.Ordinal);
        Assert.Contains(ReasonCodes.AccountLocked, byUser.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-trace", "signpost: A trace ID is 32 hexadecimal characters, as shown on the failure page.")]
    [InlineData("0123456789abcdef0123456789abcdef", "signpost: No sign-in event has trace ID 0123456789abcdef0123456789abcdef.")]
    public async Task Diagnose_BadOrUnknownTrace_OneLineAndExitOne(string traceId, string line)
    {
        var run = await RunAsync("diagnose", traceId);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([line], run.StderrLines);
        Assert.Equal("", run.Stdout.Trim());
    }

    [Fact]
    public async Task Diagnose_NeitherOrBoth_UsageExitTwo_UnknownUser_ExitOne()
    {
        var neither = await RunAsync("diagnose");
        var both = await RunAsync("diagnose", "0123456789abcdef0123456789abcdef", "--user", "someone");
        var unknownUser = await RunAsync("diagnose", "--user", "nobody-at-all");

        Assert.Equal(2, neither.ExitCode);
        Assert.Equal(2, both.ExitCode);
        Assert.Equal(["signpost: Give a trace ID or --user, not both and not neither."], both.StderrLines);
        Assert.Equal(["signpost: Give a trace ID or --user, not both and not neither."], neither.StderrLines);
        Assert.Equal(1, unknownUser.ExitCode);
        Assert.Equal(["signpost: No account has the identifier 'nobody-at-all'."], unknownUser.StderrLines);
    }
}
