using Signpost.Web.Tests.Cli;

namespace Signpost.Web.Tests.Email;

/// <summary>Bad email settings stop the start with a sentence that names the setting.</summary>
public sealed class EmailOptionsTests
{
    [Theory]
    [InlineData("Signpost:Email:Host=smtp.example.org", "Signpost:Email:UserName=signpost", "Signpost:Email:Password")]
    [InlineData("Signpost:Email:Host=smtp.example.org", "Signpost:Email:Password=secret", "Signpost:Email:UserName")]
    [InlineData("Signpost:Email:Host=smtp://smtp.example.org", "", "Signpost:Email:Host")]
    [InlineData("Signpost:Email:Host=smtp.example.org", "Signpost:Email:Port=70000", "Signpost:Email:Port")]
    [InlineData("Signpost:Email:From=not an address", "", "Signpost:Email:From")]
    [InlineData("Signpost:Email:Security=Sometimes", "", "Signpost:Email:Security")]
    [InlineData("Signpost:SupportEmail=support-at-payer", "", "Signpost:SupportEmail")]
    [InlineData("Signpost:Notifier:IntervalSeconds=0", "", "Signpost:Notifier:IntervalSeconds")]
    public async Task Start_BadSetting_StopsWithItsName(string first, string second, string named)
    {
        // Act
        var run = await ServeRefusal.RunAsync([.. new[] { first, second }.Where(s => s.Length > 0)]);

        // Assert: one line, naming the setting.
        Assert.Contains(named, Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_CredentialsInClearTextToARemoteServer_Refused()
    {
        var run = await ServeRefusal.RunAsync("Signpost:Email:Host=smtp.example.org", "Signpost:Email:Security=None",
            "Signpost:Email:UserName=signpost", "Signpost:Email:Password=secret");

        Assert.Contains("Signpost:Email:Security is None, which would send Signpost:Email:Password in clear text", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", run.Stderr + run.Stdout, StringComparison.Ordinal);
    }
}
