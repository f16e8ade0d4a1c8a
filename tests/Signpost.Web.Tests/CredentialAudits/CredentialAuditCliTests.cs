using Signpost.Core.Accounts;
using Signpost.Core.CredentialAudits;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.CredentialAudits;

/// <summary><c>signpost audit credentials --org S</c>, run as an operator runs it, on the same database (in process: <see cref="SignpostCommand"/>).</summary>
public sealed class CredentialAuditCliTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task AuditCredentials_Practice_PrintsFindingsAndPeopleAndWritesCsv()
    {
        // Arrange: a practice with one staff member and a pending invitation, and no admin.
        var slug = TestAccounts.Unique("cli");
        await app.CreateOrganizationAsync(slug, "Command Line Clinic");
        var staff = await app.CreateAccountAsync(TestAccounts.Unique("sam"), slug);
        var invitee = await app.CreateAccountAsync(TestAccounts.Unique("ivy"), slug, password: null);
        var csvPath = Path.Combine(app.Folder, "audit.csv");

        // Act
        var run = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, "audit", "credentials", "--org", slug, "--csv", csvPath, "--days", "30");

        // Assert
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Credential audit of Command Line Clinic ({slug})", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("people: 2; active admins: 0; role changes in the last 30 days: 2", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"CRITICAL {CredentialAuditBuilder.NoActiveAdmin}:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("recommended: Ask the payer's platform operators", run.Stdout, StringComparison.Ordinal);
        Assert.Contains(staff.Username, run.Stdout, StringComparison.Ordinal);
        Assert.Contains(CredentialAuditRow.MfaNone, run.Stdout, StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync(csvPath);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var csv = System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(string.Join(',', CredentialAuditCsv.Header), lines[0]);
        Assert.Contains(lines, l => l.StartsWith(invitee.Username + ",", StringComparison.Ordinal) && l.Contains($",{AccountStatus.PendingActivation},", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--org", "no-such-practice", "No organization has slug 'no-such-practice'.")]
    [InlineData("--days", "0", "--days must be between 1 and 3650.")]
    public async Task AuditCredentials_BadArguments_OneLineAndExitCodeOne(string option, string value, string message)
    {
        // Arrange
        var slug = TestAccounts.Unique("cli");
        await app.CreateOrganizationAsync(slug, "Command Line Clinic");
        string[] args = option == "--org" ? ["audit", "credentials", "--org", value] : ["audit", "credentials", "--org", slug, option, value];

        // Act
        var run = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, args);

        // Assert
        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"signpost: {message}"], run.StderrLines);
    }
}
