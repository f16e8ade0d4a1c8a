using System.Text;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Documents;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Maintenance;

/// <summary><c>signpost maintenance procedure --file F | --show</c>, run as the operator runs it.</summary>
public sealed class DowntimeProcedureCliTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    /// <summary>Runs the command on the app's database, started (and so migrated) first: a test may be the class's first.</summary>
    private Task<CliRun> RunAsync(params string[] args)
    {
        _ = app.Server;
        return SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, args);
    }

    private string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(app.Folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private Task<SiteDocument?> StoredAsync() =>
        app.WithDbAsync(db => db.SiteDocuments.AsNoTracking().SingleOrDefaultAsync(d => d.Key == SiteDocumentKeys.DowntimeProcedure));

    [Fact]
    public async Task Procedure_FileWithScriptAndJavascriptLink_StoredAsWrittenWithWarningsThenShown()
    {
        // Arrange
        const string markdown = "# Downtime\n\nUse paper forms.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n";
        var path = WriteFile($"procedure-{Guid.NewGuid():N}.md", Encoding.UTF8.GetBytes(markdown));

        // Act
        var saved = await RunAsync("maintenance", "procedure", "--file", path);
        var shown = await RunAsync("maintenance", "procedure", "--show");

        // Assert: stored exactly as written (sanitising happens when it is shown) …
        Assert.True(saved.ExitCode == 0, saved.ToString());
        Assert.Equal($"Saved the downtime procedure ({markdown.Length} bytes). Practice administrators read it at http://localhost:5080/downtime-procedure", saved.Stdout.Trim());
        Assert.Equal(
            [
                "signpost: warning: the procedure contains raw HTML; the page shows it as plain text and never runs it.",
                "signpost: warning: sanitising removed the href attribute of <a> (javascript:alert(1)) — the rest is shown as written.",
            ],
            saved.StderrLines);
        var stored = await StoredAsync();
        Assert.Equal(markdown, stored!.Markdown);
        Assert.Equal("cli", stored.UpdatedBy);

        // … and --show gives it back unchanged.
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Equal(markdown, shown.Stdout);
        Assert.StartsWith("Last updated ", Assert.Single(shown.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Procedure_FileWithByteOrderMark_StoredWithoutIt()
    {
        var path = WriteFile($"bom-{Guid.NewGuid():N}.md", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("Call the help desk: 555-0100.\n")]);

        var run = await RunAsync("maintenance", "procedure", "--file", path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.StderrLines);
        Assert.Equal("Call the help desk: 555-0100.\n", (await StoredAsync())!.Markdown);
    }

    [Fact]
    public async Task Procedure_FileOver64KiB_RefusedWithOneLineAndNothingStored()
    {
        // Arrange
        var before = await StoredAsync();
        var name = $"big-{Guid.NewGuid():N}.md";
        var path = WriteFile(name, Encoding.UTF8.GetBytes(new string('a', 64 * 1024 + 1)));

        // Act
        var run = await RunAsync("maintenance", "procedure", "--file", path);

        // Assert
        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"signpost: {name} is 65,537 bytes; the downtime procedure may be at most 64 KiB (65,536 bytes)."], run.StderrLines);
        Assert.Equal("", run.Stdout.Trim());
        Assert.Equal(before?.Markdown, (await StoredAsync())?.Markdown);
    }

    [Fact]
    public async Task Procedure_FileNotUtf8_RefusedWithOneLine()
    {
        var name = $"latin1-{Guid.NewGuid():N}.md";
        var path = WriteFile(name, Encoding.Latin1.GetBytes("Caf\u00e9 downtime: use the paper forms.\n"));

        var run = await RunAsync("maintenance", "procedure", "--file", path);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"signpost: {name} is not UTF-8 text; save it as UTF-8 and try again."], run.StderrLines);
    }

    [Theory]
    [InlineData(new string[0], "signpost: Give either --file with the Markdown to store, or --show to print what is stored.")]
    [InlineData(new[] { "--file", "missing.md" }, "signpost: missing.md does not exist")]
    public async Task Procedure_BadArguments_OneLine(string[] arguments, string expected)
    {
        var run = await RunAsync(["maintenance", "procedure", .. arguments]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith(expected, Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
