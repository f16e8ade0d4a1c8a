using System.Net;
using MimeKit;
using Signpost.Core.Accounts;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Email;

/// <summary>
/// With no SMTP host the embedded default writes .eml files beside the database; /dev/mail shows them only
/// in the demo (<c>--demo</c>) and only to this machine: the mail holds links that act as credentials.
/// </summary>
/// <remarks>
/// Every test here arranges the same story (a practice, its administrator, a window, one notifier run) and
/// then only reads: the folder, and GETs that change nothing. So each kind of host (environment, demo or not)
/// is arranged once for the class (<see cref="PickupFolderHosts"/>) instead of once per test; which test runs
/// first changes nothing another sees (docs/testing.md, "One host per class").
/// </remarks>
public sealed class PickupFolderTests(PickupFolderHosts hosts) : IClassFixture<PickupFolderHosts>
{
    private Task<(EmailApp App, Account Admin)> ArrangeNoticeAsync(string environment, bool demo = false) =>
        hosts.ArrangedAsync(environment, demo);

    [Fact]
    public async Task Notifier_NoSmtpHost_WritesOneEmlFileToTheMailFolderBesideTheDatabase()
    {
        // Arrange + Act
        var (app, admin) = await ArrangeNoticeAsync("Production");

        // Assert: a complete MIME message, and no temporary file left behind.
        Assert.Equal(app.PickupFolder, Path.Combine(Path.GetDirectoryName(app.DatabasePath)!, "mail"));
        var file = Assert.Single(Directory.GetFiles(app.PickupFolder, "*.eml"));
        Assert.Empty(Directory.GetFiles(app.PickupFolder, "*.tmp"));
        var message = await MimeMessage.LoadAsync(file);
        Assert.Equal(admin.Email, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("signpost@signpost.test", Assert.Single(message.From.Mailboxes).Address);
        Assert.StartsWith("Planned maintenance: provider portal on Wed 4 Mar 2026 03:00 (UTC-06:00)", message.Subject, StringComparison.Ordinal);
        Assert.Contains($"{SignpostFactory.PublicBaseUrl}/status", message.TextBody, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(message.MessageId));
    }

    [Fact]
    public async Task DevMail_InTheDemoFromLoopback_ListsMessagesAndShowsTheTextEscapedWithOurLinksClickable()
    {
        // Arrange: the operators' message carries markup, which must come out as text (PickupFolderHosts.Message).
        var (app, admin) = await ArrangeNoticeAsync("Development", demo: true);
        using var browser = Loopback(app);

        // Act
        var (listResponse, list) = await browser.GetPageAsync("/dev/mail");

        // Assert: subject, recipient and time in the list.
        Assert.Equal(HttpStatusCode.OK, listResponse.StatusCode);
        // (The demo's own practice administrator is sent the notice too.)
        var row = Assert.Single(list.QuerySelectorAll("main tbody tr"), r => r.QuerySelectorAll("td")[1].TextContent.Trim() == admin.Email);
        var cells = row.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
        Assert.StartsWith("Planned maintenance: provider portal on ", cells[0], StringComparison.Ordinal);
        Assert.Equal(admin.Email, cells[1]);
        Assert.Equal("2026-03-02 09:00:00", cells[2]);

        // Act
        var link = row.QuerySelector("a")!.GetAttribute("href")!;
        var (shownResponse, shown) = await browser.GetPageAsync(link);
        var html = await shownResponse.Content.ReadAsStringAsync();

        // Assert: the markup is text, not a script element; the status link under the public base URL is a link.
        Assert.Equal(HttpStatusCode.OK, shownResponse.StatusCode);
        var text = shown.QuerySelector("pre.mail-text")!;
        Assert.Contains("Upgrade <script>alert(1)</script> tonight.", text.TextContent, StringComparison.Ordinal);
        var written = await MimeMessage.LoadAsync(Path.Combine(app.PickupFolder, link.Split('/')[^1] + ".eml"));
        Assert.Equal(written.TextBody, text.TextContent);
        Assert.Empty(shown.QuerySelectorAll("main script"));
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Equal($"{SignpostFactory.PublicBaseUrl}/status", Assert.Single(text.QuerySelectorAll("a")).GetAttribute("href"));
    }

    [Theory]
    [InlineData("/dev/mail/does-not-exist")]
    [InlineData("/dev/mail/..%2F..%2Fsignpost")]
    [InlineData("/dev/mail/a.b")]
    public async Task DevMail_UnknownOrCraftedId_NotFound(string path)
    {
        var (app, _) = await ArrangeNoticeAsync("Development", demo: true);
        using var browser = Loopback(app);

        var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task DevMail_WithoutTheDemo_DoesNotExist_EvenInDevelopmentFromLoopback(string environment)
    {
        var (app, _) = await ArrangeNoticeAsync(environment);
        using var browser = Loopback(app);

        var response = await browser.GetAsync("/dev/mail");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEmpty(Directory.GetFiles(app.PickupFolder, "*.eml"));
    }

    [Theory]
    [InlineData("192.0.2.7")]
    [InlineData("2001:db8::7")]
    [InlineData(null)]
    public async Task DevMail_InTheDemo_FromAnyOtherAddress_DoesNotExist(string? address)
    {
        // Arrange: the demo, whose mail includes the platform administrator's activation link.
        var (app, _) = await ArrangeNoticeAsync("Development", demo: true);
        using var browser = app.CreateBrowser();
        if (address is not null)
        {
            browser.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, address);
        }

        // Act
        var list = await browser.GetAsync("/dev/mail");
        var one = await browser.GetAsync("/dev/mail/" + Path.GetFileNameWithoutExtension(Directory.GetFiles(app.PickupFolder, "*.eml")[0]));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, one.StatusCode);
        Assert.DoesNotContain("Planned maintenance", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static TestBrowser Loopback(EmailApp app)
    {
        var browser = app.CreateBrowser();
        browser.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, "127.0.0.1");
        return browser;
    }
}

/// <summary>
/// The arranged hosts of <see cref="PickupFolderTests"/>, one per environment and demo flag, each made on first
/// use: a practice with one administrator, a portal window two days ahead whose message carries markup, and
/// one notifier run, which writes the notices to the pickup folder.
/// </summary>
public sealed class PickupFolderHosts : IAsyncDisposable
{
    /// <summary>The operators' message: markup, which /dev/mail must show as text.</summary>
    public const string Message = "Upgrade <script>alert(1)</script> tonight.";

    private readonly Dictionary<(string Environment, bool Demo), Task<(EmailApp App, Account Admin)>> _arranged = [];

    public Task<(EmailApp App, Account Admin)> ArrangedAsync(string environment, bool demo)
    {
        lock (_arranged)
        {
            if (!_arranged.TryGetValue((environment, demo), out var arranged))
            {
                arranged = ArrangeAsync(environment, demo);
                _arranged[(environment, demo)] = arranged;
            }

            return arranged;
        }
    }

    private static async Task<(EmailApp App, Account Admin)> ArrangeAsync(string environment, bool demo)
    {
        var app = new EmailApp { Environment = environment, Demo = demo };
        try
        {
            var harbor = TestAccounts.Unique("harbor");
            await app.CreateOrganizationAsync(harbor, "Harbor Clinic");
            var admin = await app.CreateMemberAsync(harbor, TestAccounts.Unique("ann"), PracticeRoles.PracticeAdmin);
            await app.ScheduleAsync(TimeSpan.FromDays(2), TimeSpan.FromHours(1), message: Message);
            await app.RunNotifierAsync();
            return (app, admin);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var arranged in _arranged.Values)
        {
            if (arranged.IsCompletedSuccessfully)
            {
                await arranged.Result.App.DisposeAsync();
            }
        }
    }
}
