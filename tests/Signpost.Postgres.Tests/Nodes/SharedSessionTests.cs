using System.Net;
using AngleSharp.Html.Parser;
using Signpost.Postgres.Tests.Infrastructure;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Postgres.Tests.Nodes;

/// <summary>
/// Nodes are interchangeable behind a load balancer: a session, a sign-out and a rendered form mean the
/// same on every node, because sessions and the Data Protection key ring live in the shared database.
/// </summary>
/// <remarks>
/// The two tests share one pair of nodes (<see cref="SharedSessionNodes"/>; a pair is two real-cost starts and
/// a demo seeding) and each signs in a demo account of its own (demo.active, demo.admin), so neither sees the other's sessions or events.
/// </remarks>
[Collection(NodeCollection.Name)]
public sealed class SharedSessionTests(SharedSessionNodes pair) : IClassFixture<SharedSessionNodes>
{
    [Fact]
    public async Task Session_CreatedOnNodeA_WorksOnNodeB_AndSignOutOnBIsHonouredByA()
    {
        // Arrange: one browser (one cookie jar) whose requests the balancer sends to either node.
        var nodes = pair.Nodes;
        var cookies = new CookieContainer();
        using var toA = nodes.A.CreateClient(cookies);
        using var toB = nodes.B.CreateClient(cookies);

        // Act 1: sign in on A, then open the home page on B.
        var signIn = await toA.SignInAsync(Demo.Active, Demo.Password);
        var session = cookies.GetCookies(nodes.A.BaseAddress)["sp_session"];
        using var homeOnB = await toB.GetAsync(new Uri("/", UriKind.Relative));

        // Assert 1
        Assert.Equal((HttpStatusCode.OK, "signed_in"), (signIn.Status, signIn.Code));
        Assert.NotNull(session);
        Assert.Equal(HttpStatusCode.OK, homeOnB.StatusCode);

        // Act 2: sign out on B, then present the same session cookie to A (a stale tab, or a copied cookie).
        using var signOut = await toB.PostAsync(new Uri("api/v1/sign-out", UriKind.Relative), null);
        cookies.Add(nodes.A.BaseAddress, new Cookie(session.Name, session.Value, "/"));
        using var homeOnA = await toA.GetAsync(new Uri("/", UriKind.Relative));

        // Assert 2: A refuses it, because B revoked the one session record both read.
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, homeOnA.StatusCode);
        Assert.StartsWith("/sign-in", homeOnA.Headers.Location?.OriginalString, StringComparison.Ordinal);
        var accountId = await Rows.AccountIdAsync(nodes.ConnectionString, Demo.Active);
        var stored = await Rows.SingleAsync(nodes.ConnectionString,
            """SELECT "RevokedReason", "TraceId" FROM "Sessions" WHERE "AccountId" = @id""",
            r => (Reason: r.IsDBNull(0) ? null : r.GetString(0), TraceId: r.IsDBNull(1) ? null : r.GetString(1)), ("id", accountId));
        Assert.Equal(("signed out", signIn.TraceId), stored);
    }

    [Fact]
    public async Task SignInForm_RenderedByNodeA_PostsSuccessfullyToNodeB()
    {
        // Arrange: node A renders the form, with its anti-forgery cookie, token and protected form stamp.
        // (demo.admin, not demo.active: the other test's session check reads every session of demo.active.)
        var nodes = pair.Nodes;
        var cookies = new CookieContainer();
        using var toA = nodes.A.CreateClient(cookies);
        using var toB = nodes.B.CreateClient(cookies);
        using var page = await toA.GetAsync(new Uri("/sign-in", UriKind.Relative));
        var form = HtmlForm.From(new HtmlParser().ParseDocument(await page.Content.ReadAsStringAsync()), "/sign-in");

        // Act: the browser's post lands on node B.
        using var post = await toB.PostAsync(new Uri(form.Action, UriKind.Relative), new FormUrlEncodedContent(form.With(
        [
            new("identifier", Demo.Admin),
            new("password", Demo.Password),
            new("js", "1"),
            new("cookies_enabled", "true"),
        ])));

        // Assert: B read A's token and stamp (one key ring in the database), signed in and recorded it.
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.NotNull(cookies.GetCookies(nodes.A.BaseAddress)["sp_af"]);
        var traceId = Assert.Single(post.Headers.GetValues("X-Trace-Id"));
        var recorded = await Rows.SingleAsync(nodes.ConnectionString,
            """SELECT "ReasonCode", "Detail" FROM "SignInEvents" WHERE "TraceId" = @trace""",
            r => (Reason: r.GetString(0), Detail: r.IsDBNull(1) ? null : r.GetString(1)), ("trace", traceId));
        Assert.True(post.StatusCode == HttpStatusCode.Redirect, $"Node B answered {(int)post.StatusCode} to node A's form; its event: {recorded}");
        Assert.Equal("/", post.Headers.Location?.OriginalString);
        Assert.Equal("signed_in", recorded.Reason);
        Assert.NotNull(cookies.GetCookies(nodes.B.BaseAddress)["sp_session"]);
    }
}

/// <summary>The pair of nodes <see cref="SharedSessionTests"/> share, over one database of the node collection's server.</summary>
public sealed class SharedSessionNodes(PostgresServer postgres) : IAsyncLifetime
{
    private TwoNodes? _nodes;

    public TwoNodes Nodes => _nodes ?? throw new InvalidOperationException("The nodes have not started.");

    public async ValueTask InitializeAsync() => _nodes = await TwoNodes.StartAsync(postgres);

    public async ValueTask DisposeAsync()
    {
        if (_nodes is not null)
        {
            await _nodes.DisposeAsync();
        }
    }
}
