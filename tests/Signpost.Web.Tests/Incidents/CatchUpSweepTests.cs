using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Escalation;
using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Incidents;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Incidents;

/// <summary>Events whose live evaluation was lost (a crash between the write and the queue) are evaluated by the sweep, once.</summary>
public sealed class CatchUpSweepTests
{
    [Fact]
    public async Task Sweep_EventsNeverQueued_AreEvaluatedOnce_AndTheMarkMovesPastThem()
    {
        await using var app = new IncidentApp();
        var slug = TestAccounts.Unique("linden");
        await app.CreateOrganizationAsync(slug, "Linden Clinic");
        var lee = await app.CreateMemberAsync(slug, TestAccounts.Unique("lee"), PracticeRoles.Staff);
        var worker = app.Services.GetRequiredService<EscalationWorker>();
        // The host's own first sweep (it runs as the jobs start) sets the mark at the newest event. Wait for it rather than
        // sweep first by hand: a first sweep still running when the events below are written would set the mark past them.
        await WhenMarkSetAsync(app);

        // Written straight to the store, as if the process died before handing them to the queue.
        var last = 0L;
        for (var i = 0; i < 3; i++)
        {
            var e = new SignInEvent
            {
                TraceId = Guid.NewGuid().ToString("N"),
                OccurredAt = app.Now.AddMinutes(i),
                AccountId = lee.Id,
                Method = SignInMethod.PasswordReset,
                ReasonCode = ReasonCodes.ResetLinkExpired,
                ShownReasonCode = ReasonCodes.ResetLinkExpired,
            };
            await app.WithServicesAsync(async s => { await s.GetRequiredService<ISignInEventStore>().AppendAsync(e, CancellationToken.None); return 0; });
            last = e.Id;
        }

        Assert.Empty(await app.IncidentsAsync());

        await worker.SweepAsync(CancellationToken.None);
        await worker.SweepAsync(CancellationToken.None);

        var incident = Assert.Single(await app.IncidentsAsync());
        Assert.Equal(InvalidCredentialsRules.ResetFailuresId, incident.RuleId);
        Assert.Single(await app.FiringsAsync());
        Assert.Equal(last, await app.WithServicesAsync(s => s.GetRequiredService<IEscalationReader>().GetHighWaterMarkAsync(CancellationToken.None)));
    }

    private static async Task WhenMarkSetAsync(IncidentApp app)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await app.WithServicesAsync(s => s.GetRequiredService<IEscalationReader>().GetHighWaterMarkAsync(CancellationToken.None)) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "The host's first sweep never set the high-water mark.");
            await Task.Delay(50);
        }
    }
}
