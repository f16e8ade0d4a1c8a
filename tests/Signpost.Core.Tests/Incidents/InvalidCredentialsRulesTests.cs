using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Core.Reasons;
using static Signpost.Core.Tests.Incidents.EscalationHarness;

namespace Signpost.Core.Tests.Incidents;

/// <summary>docs/design.md §6 invalid credentials: resets fail repeatedly within 15 minutes, or the error persists after a completed reset.</summary>
public sealed class InvalidCredentialsRulesTests
{
    private readonly EscalationHarness _h = new();
    private readonly Guid _account = Guid.NewGuid();

    [Fact]
    public async Task ResetFailures_ThirdFailureExactlyFifteenMinutesAfterFirst_Fires()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.PasswordReset, ReasonCodes.ResetLinkExpired, _account);
        await _h.RecordAsync(Minutes(7), SignInMethod.PasswordReset, ReasonCodes.ResetLinkUsed, _account);

        var result = await _h.RecordAsync(Minutes(15), SignInMethod.PasswordReset, ReasonCodes.PasswordNotAccepted, _account);

        var (firing, raised) = Assert.Single(result.Firings);
        Assert.Equal(InvalidCredentialsRules.ResetFailuresId, firing.RuleId);
        Assert.Equal(3, firing.Evidence.Count);
        Assert.Equal(RaiseOutcome.Raised, raised.Outcome);
        var incident = Assert.Single(_h.Store.Incidents);
        Assert.Equal(IncidentStatus.Escalated, incident.Status);
        Assert.Equal("PayerSupport", incident.Targets);
        Assert.Equal(3, incident.TraceIdList.Count);
        var stored = Assert.Single(_h.Store.Firings);
        Assert.Contains(ReasonCodes.ResetLinkExpired, stored.Evidence, StringComparison.Ordinal);
        Assert.Equal(incident.Id, stored.IncidentId);
        Assert.Equal("incident.created", Assert.Single(_h.Store.Deliveries).EventType);
    }

    [Fact]
    public async Task ResetFailures_ThirdFailureJustPastFifteenMinutes_DoesNotFire()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.PasswordReset, ReasonCodes.ResetLinkExpired, _account);
        await _h.RecordAsync(Minutes(7), SignInMethod.PasswordReset, ReasonCodes.ResetLinkUsed, _account);

        var result = await _h.RecordAsync(Minutes(15) + TimeSpan.FromMilliseconds(1), SignInMethod.PasswordReset, ReasonCodes.PasswordNotAccepted, _account);

        Assert.Empty(result.Firings);
        Assert.Empty(_h.Store.Incidents);
    }

    [Fact]
    public async Task ResetFailures_OtherAccountsAndRequests_DoNotCount()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.PasswordReset, ReasonCodes.ResetLinkExpired, Guid.NewGuid());
        await _h.RecordAsync(Minutes(1), SignInMethod.PasswordReset, ReasonCodes.ResetRequested, _account);
        await _h.RecordAsync(Minutes(2), SignInMethod.PasswordReset, ReasonCodes.ResetLinkExpired, _account);

        var result = await _h.RecordAsync(Minutes(3), SignInMethod.PasswordReset, ReasonCodes.ResetLinkUsed, _account);

        Assert.Empty(result.Firings);
    }

    [Fact]
    public async Task AfterReset_SecondWrongPasswordWithinTheHour_Fires()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.PasswordReset, ReasonCodes.PasswordReset, _account);
        await _h.RecordAsync(Minutes(5), SignInMethod.Password, ReasonCodes.InvalidCredentials, _account);

        var result = await _h.RecordAsync(Minutes(60), SignInMethod.Password, ReasonCodes.InvalidCredentials, _account);

        var (firing, _) = Assert.Single(result.Firings);
        Assert.Equal(InvalidCredentialsRules.AfterResetId, firing.RuleId);
        Assert.Equal(ReasonCodes.PasswordReset, firing.Evidence[0].ReasonCode);
        Assert.Single(_h.Store.Incidents);
    }

    [Fact]
    public async Task AfterReset_OneWrongPassword_DoesNotFire()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.PasswordReset, ReasonCodes.PasswordReset, _account);

        var result = await _h.RecordAsync(Minutes(5), SignInMethod.Password, ReasonCodes.InvalidCredentials, _account);

        Assert.Empty(result.Firings);
    }

    [Fact]
    public async Task AfterReset_SecondWrongPasswordJustPastTheHour_DoesNotFire()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.PasswordReset, ReasonCodes.PasswordReset, _account);
        await _h.RecordAsync(Minutes(5), SignInMethod.Password, ReasonCodes.InvalidCredentials, _account);

        var result = await _h.RecordAsync(Minutes(60) + TimeSpan.FromMilliseconds(1), SignInMethod.Password, ReasonCodes.InvalidCredentials, _account);

        Assert.Empty(result.Firings);
    }

    [Fact]
    public async Task AfterReset_WrongPasswordsBeforeTheReset_DoNotCount()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.Password, ReasonCodes.InvalidCredentials, _account);
        await _h.RecordAsync(Minutes(1), SignInMethod.PasswordReset, ReasonCodes.PasswordReset, _account);

        var result = await _h.RecordAsync(Minutes(2), SignInMethod.Password, ReasonCodes.InvalidCredentials, _account);

        Assert.Empty(result.Firings);
    }

    [Fact]
    public async Task Evaluate_SameEventTwice_OneFiringOneIncident()
    {
        await _h.RecordAsync(Minutes(0), SignInMethod.PasswordReset, ReasonCodes.ResetLinkExpired, _account);
        await _h.RecordAsync(Minutes(1), SignInMethod.PasswordReset, ReasonCodes.ResetLinkExpired, _account);
        await _h.RecordAsync(Minutes(2), SignInMethod.PasswordReset, ReasonCodes.ResetLinkExpired, _account);

        // The catch-up sweep meets the same event again.
        var again = await _h.Engine.EvaluateAsync(_h.Store.Events[^1], CancellationToken.None);

        Assert.Equal(RaiseOutcome.AlreadyFired, Assert.Single(again.Firings).Result.Outcome);
        Assert.Single(_h.Store.Firings);
        Assert.Single(_h.Store.Incidents);
    }

    [Fact]
    public async Task ResetFailures_FourthFailure_JoinsTheOpenIncident()
    {
        for (var i = 0; i < 3; i++)
        {
            await _h.RecordAsync(Minutes(i), SignInMethod.PasswordReset, ReasonCodes.ResetLinkExpired, _account);
        }

        // Sixteen minutes on, the window has slid: a new firing key, but the same open incident.
        await _h.RecordAsync(Minutes(14), SignInMethod.PasswordReset, ReasonCodes.ResetLinkExpired, _account);
        var result = await _h.RecordAsync(Minutes(16), SignInMethod.PasswordReset, ReasonCodes.ResetLinkExpired, _account);

        Assert.Single(_h.Store.Incidents);
        Assert.All(result.Firings, f => Assert.NotEqual(RaiseOutcome.Raised, f.Result.Outcome));
    }
}
