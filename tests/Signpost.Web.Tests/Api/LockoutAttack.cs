using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Api;

/// <summary>
/// One attack, shared by the lockout tests because it costs a hundred password hashes: the owner signs in
/// once from their own browser (which becomes a trusted device), then 100 wrong passwords arrive at the
/// same moment from untrusted clients.
/// </summary>
public sealed class LockoutAttack : IAsyncLifetime
{
    public const int Attempts = 100;

    /// <summary>
    /// The hash admission gate lets all hundred wait: this attack is about counting in the database, and with the
    /// default queue (4 per core) most of the burst would be refused with rate_limited before reaching the lock
    /// (docs/security.md, "Admission before the hash"; Passwords/HashAdmissionTests covers that refusal).
    /// </summary>
    public SignpostFactory App { get; } = new() { UntrustedHashQueue = Attempts };

    public Account Account { get; private set; } = null!;

    public string Slug { get; } = TestAccounts.Unique("westgate");

    /// <summary>The owner's own browser, holding the trusted-device cookie from before the attack.</summary>
    public TestBrowser OwnBrowser { get; private set; } = null!;

    public IReadOnlyList<(HttpStatusCode Status, string Body, string TraceId)> Responses { get; private set; } = [];

    public int EventsBefore { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset EndedAt { get; private set; }

    public int EventsAfter { get; private set; }

    public async ValueTask InitializeAsync()
    {
        await App.CreateOrganizationAsync(Slug, "Westgate Medical Group");
        Account = await App.CreateAccountAsync(TestAccounts.Unique("uma"), Slug);
        OwnBrowser = App.CreateBrowser();
        var first = await OwnBrowser.ApiSignInAsync(Account.Username, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        EventsBefore = await CountEventsAsync();

        // Each request from its own client, all started before any is awaited.
        var clients = Enumerable.Range(0, Attempts).Select(_ => App.CreateBrowser()).ToList();
        StartedAt = DateTimeOffset.UtcNow;
        var responses = await Task.WhenAll(clients.Select(c => c.ApiSignInAsync(Account.Username, TestAccounts.WrongPassword)));
        Responses = await Task.WhenAll(responses.Select(async r =>
            (r.StatusCode, await r.Content.ReadAsStringAsync(), r.Headers.GetValues("X-Trace-Id").Single())));
        EndedAt = DateTimeOffset.UtcNow;
        clients.ForEach(c => c.Dispose());
        EventsAfter = await CountEventsAsync();
    }

    private Task<int> CountEventsAsync() =>
        App.WithDbAsync(db => db.SignInEvents.CountAsync(e => e.AccountId == Account.Id));

    public async ValueTask DisposeAsync()
    {
        OwnBrowser.Dispose();
        await App.DisposeAsync();
    }
}
