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
        // Arrange
        await using var app = new EmailApp();
        foreach (var setting in new[] { first, second }.Where(s => s.Length > 0))
        {
            var (key, value) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            app.Settings[key] = value;
        }

        // Act
        var error = Record.Exception(() => app.CreateClient());

        // Assert
        Assert.NotNull(error);
        Assert.Contains(named, Messages(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_CredentialsInClearTextToARemoteServer_Refused()
    {
        await using var app = new EmailApp();
        app.Settings["Signpost:Email:Host"] = "smtp.example.org";
        app.Settings["Signpost:Email:Security"] = "None";
        app.Settings["Signpost:Email:UserName"] = "signpost";
        app.Settings["Signpost:Email:Password"] = "secret";

        var error = Record.Exception(() => app.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("Signpost:Email:Security is None, which would send Signpost:Email:Password in clear text", Messages(error), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", Messages(error), StringComparison.Ordinal);
    }

    private static string Messages(Exception error)
    {
        var all = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            all.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                all.AddRange(aggregate.InnerExceptions.Select(Messages));
            }
        }

        return string.Join(" | ", all);
    }
}
