using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;
using Signpost.Core.Troubleshooting;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Passwords;

/// <summary>
/// A host whose gate has one slot and room for one waiting untrusted attempt, and whose refusal events wait a
/// minute for company in a queue of three: a test decides when they are written (<see cref="RefusalEventBatch.Flush"/>
/// or the host's stop) instead of racing a timer.
/// </summary>
public sealed class RefusalBatchApp : SignpostFactory
{
    public const int QueueBound = 3;

    private IHost? host;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Signpost:HashAdmission:Concurrency", "1");
        builder.UseSetting("Signpost:HashAdmission:TrustedReserve", "0");
        builder.UseSetting("Signpost:HashAdmission:UntrustedQueue", "1");
        builder.UseSetting("Signpost:HashAdmission:RefusalEventLingerMilliseconds", "60000");
        builder.UseSetting("Signpost:HashAdmission:RefusalEventQueue", QueueBound.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    protected override IHost CreateHost(IHostBuilder builder) => host = base.CreateHost(builder);

    /// <summary>
    /// Stops the host gracefully (hosted services' StopAsync). Signpost's own <c>Main</c> runs the host, so once it has
    /// stopped <c>Main</c> disposes it, at a moment of its own: read services before the stop, the database file after.
    /// </summary>
    public Task StopHostAsync() => host!.StopAsync();

    public HashAdmission Gate => Services.GetRequiredService<HashAdmission>();

    public RefusalEventBatch Batch => Services.GetRequiredService<RefusalEventBatch>();

    /// <summary>Takes the gate's only slot and fills its untrusted queue with one attempt; dispose to let them go.</summary>
    public async Task<(HashAdmission.HashSlot Hold, Task<HttpResponseMessage> Waiting, TestBrowser Browser)> SaturateAsync()
    {
        var hold = await Gate.EnterAsync(trusted: true, CancellationToken.None);
        Assert.NotNull(hold);
        var browser = CreateBrowser();
        var waiting = browser.ApiSignInAsync(TestAccounts.Unique("waiting"), TestAccounts.WrongPassword);
        await WaitForAsync(() => Gate.State.WaitingUntrusted == 1, "the gate's queue to fill");
        return (hold, waiting, browser);
    }

    /// <summary>Polls <paramref name="condition"/> (with a deadline for a loaded machine); no fixed sleep.</summary>
    public static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }
}

/// <summary>
/// Refusals' events written together (docs/capacity.md, "Refusals' events, written together"): during a flood every
/// rate_limited refusal still gets its own event with its reason code and trace ID, committed before its answer,
/// but many share one write transaction; a full queue makes a refusal write its own event instead of dropping it;
/// a graceful stop writes what is queued; the troubleshooter and support still read every refusal.
/// </summary>
public sealed class RefusalEventBatchTests(RefusalBatchApp app) : IClassFixture<RefusalBatchApp>
{
    [Fact]
    public async Task Refusals_ShareOneTransaction_EachItsOwnEvent_AnsweredOnlyOnceCommitted_TroubleshooterReadsThem()
    {
        // Arrange: a member, and the gate saturated so that every further untrusted attempt is refused.
        var practice = await app.CreateOrganizationAsync(TestAccounts.Unique("batch"), "Batch Clinic");
        var member = await app.CreateAccountAsync(TestAccounts.Unique("member"), practice.Slug);
        var batchesBefore = app.Batch.Batches;
        var eventsBefore = app.Batch.Events;
        var (hold, waiting, waitingBrowser) = await app.SaturateAsync();
        using var b1 = app.CreateBrowser();
        using var b2 = app.CreateBrowser();
        using var b3 = app.CreateBrowser();
        Task<HttpResponseMessage>[] refused;
        HttpResponseMessage[] answers;
        try
        {
            // Act: three refusals, the API for the member and for nobody, and the page.
            refused =
            [
                b1.ApiSignInAsync(member.Username, TestAccounts.Password),
                b2.ApiSignInAsync(TestAccounts.Unique("nobody"), TestAccounts.WrongPassword),
                b3.SignInAsync(member.Username, TestAccounts.WrongPassword),
            ];
            await RefusalBatchApp.WaitForAsync(() => app.Batch.Queued == RefusalBatchApp.QueueBound, "three queued refusal events");

            // None is answered while its event is not committed.
            Assert.All(refused, t => Assert.False(t.IsCompleted));
            app.Batch.Flush();
            answers = await Task.WhenAll(refused).WaitAsync(TimeSpan.FromMinutes(1));
        }
        finally
        {
            hold.Dispose();
        }

        (await waiting).Dispose();
        waitingBrowser.Dispose();

        // Assert: one transaction for the three, and each answer's trace ID finds its own persisted event.
        Assert.Equal(batchesBefore + 1, app.Batch.Batches);
        Assert.Equal(eventsBefore + 3, app.Batch.Events);
        var apiKnown = await TestBrowser.JsonAsync(answers[0]);
        var apiNobody = await TestBrowser.JsonAsync(answers[1]);
        var page = await TestBrowser.ParseAsync(answers[2]);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
        var traceIds = new[]
        {
            apiKnown.GetProperty("traceId").GetString()!,
            apiNobody.GetProperty("traceId").GetString()!,
            page.QuerySelector("[data-testid=trace-id]")!.TextContent,
        };
        Assert.Equal(3, traceIds.Distinct().Count());
        var events = new List<SignInEvent>();
        foreach (var traceId in traceIds)
        {
            events.Add(await app.EventAsync(traceId));
        }

        Assert.All(events, e =>
        {
            Assert.Equal(ReasonCodes.RateLimited, e.ReasonCode);
            Assert.Equal(ReasonCodes.RateLimited, e.ShownReasonCode);
            Assert.False(e.Succeeded);
            Assert.StartsWith(PasswordSignIn.AdmissionRefusedDetail, e.Detail, StringComparison.Ordinal);
        });
        Assert.Equal(member.Id, events[0].AccountId);
        Assert.Null(events[1].AccountId);
        Assert.Equal(member.Id, events[2].AccountId);

        // The troubleshooter's network step tells the member's two refusals apart from a per-address limit.
        var diagnosis = await app.WithServicesAsync(services => services.GetRequiredService<Troubleshooter>()
            .DiagnoseAccountAsync(member.Id, cancellationToken: CancellationToken.None));
        Assert.Equal(DiagnosisStatus.Diagnosed, diagnosis.Status);
        var network = diagnosis.Diagnosis!.Step(TroubleshootingSteps.NetworkPath);
        Assert.Contains(network.Evidence, e => e.StartsWith("2 attempts refused before the password check because the server was busy", StringComparison.Ordinal));
        Assert.DoesNotContain(network.Evidence, e => e.Contains("many attempts from one address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueueFull_TheRefusalWritesItsOwnEventAtOnce_NothingDropped()
    {
        // Arrange: the gate saturated and the event queue filled by three refusals waiting for their commit.
        var (hold, waiting, waitingBrowser) = await app.SaturateAsync();
        var aloneBefore = app.Batch.WrittenAlone;
        var browsers = Enumerable.Range(0, RefusalBatchApp.QueueBound + 1).Select(_ => app.CreateBrowser()).ToList();
        Task<HttpResponseMessage>[] queued;
        HttpResponseMessage[] queuedAnswers;
        HttpResponseMessage overflow;
        try
        {
            queued = [.. browsers.Take(RefusalBatchApp.QueueBound).Select(b => b.ApiSignInAsync(TestAccounts.Unique("flood"), TestAccounts.WrongPassword))];
            await RefusalBatchApp.WaitForAsync(() => app.Batch.Queued == RefusalBatchApp.QueueBound, "a full refusal-event queue");

            // Act: one refusal more, past the bound.
            overflow = await browsers[^1].ApiSignInAsync(TestAccounts.Unique("flood"), TestAccounts.WrongPassword).WaitAsync(TimeSpan.FromMinutes(1));

            // Assert: answered while the queue is still full, its event committed on its own.
            Assert.Equal(RefusalBatchApp.QueueBound, app.Batch.Queued);
            Assert.All(queued, t => Assert.False(t.IsCompleted));
            Assert.Equal(aloneBefore + 1, app.Batch.WrittenAlone);
            Assert.Equal(HttpStatusCode.TooManyRequests, overflow.StatusCode);
            var problem = await TestBrowser.JsonAsync(overflow);
            var alone = await app.EventAsync(problem.GetProperty("traceId").GetString()!);
            Assert.Equal(ReasonCodes.RateLimited, alone.ReasonCode);
            Assert.StartsWith(PasswordSignIn.AdmissionRefusedDetail, alone.Detail, StringComparison.Ordinal);

            // Operators see the bound reached: signpost.refusal_events.written_alone and the queue's depth.
            var observed = ObserveRefusalEventInstruments();
            Assert.Contains(app.Batch.WrittenAlone, observed["signpost.refusal_events.written_alone"]);
            Assert.Contains(RefusalBatchApp.QueueBound, observed["signpost.refusal_events.queued"]);

            app.Batch.Flush();
            queuedAnswers = await Task.WhenAll(queued).WaitAsync(TimeSpan.FromMinutes(1));
        }
        finally
        {
            hold.Dispose();
        }

        (await waiting).Dispose();
        waitingBrowser.Dispose();
        foreach (var answer in queuedAnswers)
        {
            var traceId = (await TestBrowser.JsonAsync(answer)).GetProperty("traceId").GetString()!;
            Assert.Equal(ReasonCodes.RateLimited, (await app.EventAsync(traceId)).ReasonCode);
        }

        browsers.ForEach(b => b.Dispose());
    }

    [Fact]
    public async Task GracefulStop_WritesTheQueuedRefusalEvents()
    {
        // Arrange: a host of its own (this test stops it), two refusals queued and not yet written.
        await using var own = new RefusalBatchApp();
        var (hold, waiting, waitingBrowser) = await own.SaturateAsync();
        var batch = own.Batch;
        using var b1 = own.CreateBrowser();
        using var b2 = own.CreateBrowser();
        var refused = new[]
        {
            b1.ApiSignInAsync(TestAccounts.Unique("late"), TestAccounts.WrongPassword),
            b2.ApiSignInAsync(TestAccounts.Unique("late"), TestAccounts.WrongPassword),
        };
        await RefusalBatchApp.WaitForAsync(() => batch.Queued == 2, "two queued refusal events");
        Assert.Equal(0, await CountAdmissionRefusalsAsync(own));
        hold.Dispose();
        await waiting;

        // Act: the host stops gracefully, the linger of a minute not over.
        await own.StopHostAsync().WaitAsync(TimeSpan.FromMinutes(1));

        // Assert: both events are in the database, in one transaction, and the writer has ended. (The test server,
        // unlike Kestrel, does not drain requests before the hosted services stop, so what the two requests were
        // answered after the stop is not what a deployed node's drained requests see.)
        Assert.Equal(2, await CountAdmissionRefusalsInFileAsync(own.ConnectionString));
        Assert.Equal(1, batch.Batches);
        Assert.Equal(0, batch.Queued);
        await Task.WhenAll(refused).WaitAsync(TimeSpan.FromMinutes(1));

        waitingBrowser.Dispose();
    }

    /// <summary>The current values of the refusal-event instruments, from every host in this process (each its own meter).</summary>
    private static Dictionary<string, List<long>> ObserveRefusalEventInstruments()
    {
        var values = new Dictionary<string, List<long>>
        {
            ["signpost.refusal_events.written_alone"] = [],
            ["signpost.refusal_events.queued"] = [],
        };
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (values.ContainsKey(instrument.Name))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name].Add(value));
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => values[instrument.Name].Add(value));
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    /// <summary>The same count read straight from the database file, for a host that may be disposed already.</summary>
    private static async Task<int> CountAdmissionRefusalsInFileAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM SignInEvents WHERE ReasonCode = $reason AND substr(Detail, 1, length($detail)) = $detail";
        command.Parameters.AddWithValue("$reason", ReasonCodes.RateLimited);
        command.Parameters.AddWithValue("$detail", PasswordSignIn.AdmissionRefusedDetail);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task<int> CountAdmissionRefusalsAsync(RefusalBatchApp host) =>
        host.WithDbAsync(db => db.SignInEvents.AsNoTracking()
            .CountAsync(e => e.ReasonCode == ReasonCodes.RateLimited && e.Detail!.StartsWith(PasswordSignIn.AdmissionRefusedDetail)));
}
