using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Pages;

/// <summary>
/// What a signed-in page asks the database (docs/capacity.md, "A signed-in page"): the home page reads the
/// session, then the account with its memberships once — the page and the maintenance banner take the account
/// the authentication read — and the maintenance windows come from the node's copy, not a query per request.
/// Counted from EF Core's own command events for this host's database file.
/// </summary>
public sealed class SignedInPageQueryTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task HomePage_ReadsTheAccountOnce_AndNoMaintenanceWindows()
    {
        // Arrange: a signed-in member; a first visit fills the node's copy of the maintenance windows.
        var slug = TestAccounts.Unique("queries");
        await app.CreateOrganizationAsync(slug, "Query Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("reader"), slug);
        using var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        // Act
        using var commands = new CommandLog(app.DatabasePath);
        var home = await browser.GetAsync("/");

        // Assert: the page is the member's, and was made from one account read.
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Query Clinic", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var statements = commands.Statements;
        // One account read is two statements (split query): the account, then its memberships joined to it.
        var accountReads = statements.Count(s => s.Contains("FROM \"Accounts\"", StringComparison.Ordinal) && !s.Contains("\"Memberships\"", StringComparison.Ordinal));
        Assert.True(accountReads == 1, $"Expected one account read, found {accountReads}:\n{string.Join("\n---\n", statements)}");
        Assert.DoesNotContain(statements, s => s.Contains("\"MaintenanceWindows\"", StringComparison.Ordinal));
    }

    /// <summary>The SQL EF Core runs against one database file while the log is open.</summary>
    private sealed class CommandLog : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string _database;
        private readonly List<IDisposable> _subscriptions = [];
        private readonly List<string> _statements = [];

        public CommandLog(string database)
        {
            _database = database;
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        public IReadOnlyList<string> Statements
        {
            get
            {
                lock (_statements)
                {
                    return [.. _statements];
                }
            }
        }

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name)
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(listener.Subscribe(this, name => name == RelationalEventId.CommandExecuted.Name));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Value is CommandExecutedEventData executed
                && executed.Command.Connection?.ConnectionString.Contains(_database, StringComparison.Ordinal) == true)
            {
                lock (_statements)
                {
                    _statements.Add(executed.Command.CommandText);
                }
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }
        }
    }
}
