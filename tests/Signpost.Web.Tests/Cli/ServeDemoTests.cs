using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Cli;

/// <summary><c>signpost serve --demo</c> on a database whose data clashes with the demo's says so in one line.</summary>
public sealed class ServeDemoTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task ServeDemo_DemoNpiAlreadyUsed_ExitsOneWithOneClearLine()
    {
        // Arrange: someone already holds the NPI the demo's active user is given.
        await app.CreateAccountAsync(TestAccounts.Unique("npiholder"), null, npi: "1245319599");

        // Act
        var run = await SignpostProcess.RunAsync(app.ConnectionString, app.Folder, null, "serve", "--demo", "--urls", "http://127.0.0.1:0");

        // Assert: no stack trace, one line. The demo's own guard speaks first: a database holding anyone but
        // the demo's people is refused before anything is seeded (docs/deployment.md, "The demo is not a deployment").
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("signpost --demo runs only on a database of its own", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }
}
