using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Signpost.Core.Reasons;
using Signpost.Core.Telemetry;
using Signpost.Web.Tests.Infrastructure;
using Tags = Signpost.Core.Telemetry.SignpostTelemetry.Tags;

namespace Signpost.Web.Tests.Telemetry;

/// <summary>
/// What an operator's collector receives for a sign-in, read from the in-memory exporter: the outcome
/// counted by its exact reason code and method, and spans whose trace ID is the one the person was shown
/// and the event was stored under — so support can open the whole trace from it (docs/observability.md).
/// </summary>
public sealed class SignInTelemetryTests(TelemetryApp app) : IClassFixture<TelemetryApp>
{
    private const string Outcomes = "signpost.sign_in.outcomes";

    [Fact]
    public async Task FailedSignIn_Api_CountsItsReasonAndMethod_AndItsSpansAreTheProblemsTrace()
    {
        // Arrange
        var account = await app.CreateAccountAsync(TestAccounts.Unique("otel-fail"), null);
        (string, object)[] failedByApi = [(Tags.ReasonCode, ReasonCodes.InvalidCredentials), (Tags.Method, "api"), (Tags.Succeeded, false)];
        var before = app.Count(Outcomes, failedByApi);
        var hashesBefore = app.Count("signpost.password.hash.duration", (Tags.Operation, "verify"));
        using var browser = app.CreateBrowser();

        // Act
        var response = await browser.ApiSignInAsync(account.Username, TestAccounts.WrongPassword);

        // Assert: the problem's trace ID is the event's and the trace's.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var traceId = (await TestBrowser.JsonAsync(response)).GetProperty("traceId").GetString()!;
        var stored = await app.EventAsync(traceId);
        Assert.Equal(ReasonCodes.InvalidCredentials, stored.ReasonCode);
        Assert.Equal(1, app.Count(Outcomes, failedByApi) - before);
        Assert.True(app.Count("signpost.password.hash.duration", (Tags.Operation, "verify")) > hashesBefore, "the password check was not timed");

        var spans = await SpansAsync(traceId);
        var signIn = Assert.Single(spans, s => s.OperationName == "signpost.sign_in");
        Assert.Equal(SignpostTelemetry.ActivitySourceName, signIn.Source.Name);
        Assert.Equal(ReasonCodes.InvalidCredentials, signIn.GetTagItem(Tags.ReasonCode));
        Assert.Equal("api", signIn.GetTagItem(Tags.Method));
        Assert.Equal(account.Id.ToString(), signIn.GetTagItem(Tags.AccountId));
        var server = ServerSpan(spans);
        Assert.Equal(server.SpanId, signIn.ParentSpanId);
        Assert.Contains(spans, s => s.OperationName == "signpost.password.verify" && s.ParentSpanId == signIn.SpanId);

        // The database commands of the attempt, from EF Core's instrumentation (SQLite), in the same trace.
        Assert.Contains(spans, s => s.Kind == ActivityKind.Client && s.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SuccessfulSignIn_Page_CountsSignedInForPassword_AndTheStoredEventsTraceIsTheSpans()
    {
        // Arrange
        var slug = TestAccounts.Unique("otel-ok");
        await app.CreateOrganizationAsync(slug, "Telemetry Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("otel-ok"), slug);
        (string, object)[] signedInByPassword = [(Tags.ReasonCode, ReasonCodes.SignedIn), (Tags.Method, "password"), (Tags.Succeeded, true)];
        var before = app.Count(Outcomes, signedInByPassword);
        using var browser = app.CreateBrowser();

        // Act
        var response = await browser.SignInAsync(account.Username, TestAccounts.Password);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var stored = Assert.Single(await app.EventsForAccountAsync(account.Id));
        Assert.Equal(ReasonCodes.SignedIn, stored.ReasonCode);
        Assert.Equal(stored.TraceId, response.Headers.GetValues("X-Trace-Id").Single());
        Assert.Equal(1, app.Count(Outcomes, signedInByPassword) - before);

        var spans = await SpansAsync(stored.TraceId);
        var signIn = Assert.Single(spans, s => s.OperationName == "signpost.sign_in");
        Assert.Equal(ReasonCodes.SignedIn, signIn.GetTagItem(Tags.ReasonCode));
        Assert.Equal("password", signIn.GetTagItem(Tags.Method));
        Assert.Equal(true, signIn.GetTagItem(Tags.Succeeded));
        Assert.Equal("POST", ServerSpan(spans).GetTagItem("http.request.method"));
    }

    [Fact]
    public async Task SignIn_ClientSendsTraceparent_TheTraceIsOurOwn_AndLinksToTheClients()
    {
        // Arrange
        var account = await app.CreateAccountAsync(TestAccounts.Unique("otel-link"), null);
        var chosen = ActivityTraceId.CreateRandom();
        using var browser = app.CreateBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sign-in")
        {
            Content = JsonContent.Create(new { identifier = account.Username, password = TestAccounts.WrongPassword }),
        };
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{chosen.ToHexString()}-b7ad6b7169203331-01");

        // Act
        var response = await browser.Http.SendAsync(request);

        // Assert: shown, stored and traced under one ID that the client did not choose; its trace is a link.
        var traceId = (await TestBrowser.JsonAsync(response)).GetProperty("traceId").GetString()!;
        Assert.NotEqual(chosen.ToHexString(), traceId);
        Assert.Equal(ReasonCodes.InvalidCredentials, (await app.EventAsync(traceId)).ReasonCode);
        var server = ServerSpan(await SpansAsync(traceId));
        Assert.Equal(default, server.ParentSpanId);
        Assert.Contains(server.Links, link => link.Context.TraceId == chosen);
        Assert.Empty(app.SpansOf(chosen.ToHexString()));
    }

    [Fact]
    public async Task WrongPasswords_UpToTheThreshold_CountOneLockout()
    {
        // Arrange: the default rule locks untrusted browsers at the tenth failure.
        var account = await app.CreateAccountAsync(TestAccounts.Unique("otel-lock"), null);
        var before = app.Count("signpost.lockouts", (Tags.LockScope, "untrusted"));
        using var browser = app.CreateBrowser();

        // Act
        for (var i = 0; i < 10; i++)
        {
            await browser.ApiSignInAsync(account.Username, TestAccounts.WrongPassword);
        }

        // Assert
        var events = await app.EventsForAccountAsync(account.Id);
        Assert.Contains("this failure locked", events[^1].Detail, StringComparison.Ordinal);
        Assert.Equal(1, app.Count("signpost.lockouts", (Tags.LockScope, "untrusted")) - before);
    }

    /// <summary>The server span ends just after the answer is sent: wait for it.</summary>
    private async Task<IReadOnlyList<Activity>> SpansAsync(string traceId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var spans = app.SpansOf(traceId);
            if (spans.Any(IsServer) || DateTime.UtcNow > deadline)
            {
                return spans;
            }

            await Task.Delay(20);
        }
    }

    private static bool IsServer(Activity span) => span.Kind == ActivityKind.Server && span.Source.Name == "Microsoft.AspNetCore";

    private static Activity ServerSpan(IReadOnlyList<Activity> spans) => Assert.Single(spans, IsServer);
}
