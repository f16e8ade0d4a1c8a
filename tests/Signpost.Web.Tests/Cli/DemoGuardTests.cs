using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Web.Setup;
using Signpost.Web.Tests.Email;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Cli;

/// <summary>
/// <c>signpost --demo</c> seeds accounts with a published password and turns on /dev/mail, which is
/// acceptable only because the demo is confined to loopback and to a database that holds nothing else:
/// anything else is refused with one line and a non-zero exit, before the database is touched. The address
/// refusals run in process (<see cref="SignpostCommand"/>: the same entry and checks, without a .NET start per
/// address); the refusal of a database holding other data runs the real executable.
/// </summary>
public sealed class DemoGuardTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Theory]
    [InlineData("http://0.0.0.0:5999", "http://0.0.0.0:5999")]
    [InlineData("http://*:5999", "http://*:5999")]
    [InlineData("http://[::]:5999", "http://[::]:5999")]
    [InlineData("http://signpost.example:5999", "http://signpost.example:5999")]
    [InlineData("http://localhost:5998;http://192.0.2.1:5999", "http://192.0.2.1:5999")]
    public async Task Demo_NonLoopbackAddress_RefusedWithOneLine_DatabaseUntouched(string urls, string refused)
    {
        // Arrange
        var path = Path.Combine(app.Folder, $"demo-{Guid.NewGuid():N}.db");

        // Act
        var run = await SignpostCommand.RunAsync($"Data Source={path}", app.Folder, null, "--demo", "--urls", urls);

        // Assert
        Assert.True(run.ExitCode == 1, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.Equal($"signpost --demo listens on loopback only (localhost, 127.0.0.1, [::1]); refusing {refused}.", line);
        Assert.False(File.Exists(path), "The database was created although the demo was refused.");
    }

    [Fact]
    public async Task Demo_DatabaseHoldingOtherData_RefusedWithOneLine_NothingSeeded()
    {
        // Arrange: a real practice in the database.
        await app.CreateOrganizationAsync(TestAccounts.Unique("real"), "A Real Clinic");

        // Act
        var run = await SignpostProcess.RunAsync(app.ConnectionString, app.Folder, null, "--demo", "--urls", "http://127.0.0.1:" + SmtpSink.FreePort());

        // Assert
        Assert.True(run.ExitCode == 1, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("signpost --demo runs only on a database of its own; this one holds 1 practice(s) and ", line, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.Accounts.AnyAsync(a => Bootstrap.DemoUsernames.Contains(a.Username))));
        Assert.False(await app.WithDbAsync(db => db.Organizations.AnyAsync(o => o.Slug == Bootstrap.DemoSlug)));
    }

    [Fact]
    public async Task NonDemoData_DemoDatabase_NothingElse_UntilAnotherPracticeOrAccountIsAdded()
    {
        // Arrange: the real host started as --demo (seeded, first-run admin created).
        await using var demo = new EmailApp { Demo = true };
        await using var scope = demo.Services.CreateAsyncScope();
        var bootstrap = scope.ServiceProvider.GetRequiredService<Bootstrap>();

        // Act + Assert: the demo's own data is no reason to refuse a restart...
        Assert.True(await demo.WithDbAsync(db => db.Accounts.CountAsync(a => Bootstrap.DemoUsernames.Contains(a.Username))) == Bootstrap.DemoUsernames.Count);
        Assert.Null(await bootstrap.NonDemoDataAsync(CancellationToken.None));

        // ...any other account is.
        await demo.CreateAccountAsync(TestAccounts.Unique("someone"), Bootstrap.DemoSlug);
        Assert.Equal("0 practice(s) and 1 account(s) that are not the demo's", await bootstrap.NonDemoDataAsync(CancellationToken.None));
    }
}
