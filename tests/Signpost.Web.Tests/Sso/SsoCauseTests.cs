using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>
/// An SSO failure is classified by its cause, not by which request reached the provider's discovery first:
/// several people starting SSO at once against a provider that is down all read "unreachable", and against
/// one that answers with something that is not metadata all read "misconfigured".
/// </summary>
public sealed class SsoCauseTests(SsoAppFixture fixture) : IClassFixture<SsoAppFixture>
{
    private const int Users = 6;

    private SsoApp App => fixture.App;

    [Fact]
    public async Task Start_ConcurrentUsersProviderPortClosed_EveryAttemptUnreachable()
    {
        // Arrange: a connection whose discovery URL names a port nobody listens on.
        var slug = TestAccounts.Unique("closed");
        await App.CreateConnectionAsync(slug, $"http://127.0.0.1:{TestProvider.FreePort()}{SsoConnection.WellKnownSuffix}");

        // Act: several people at once, twice (the second round finds the handler's failed first fetch behind it).
        var first = await StartAllAsync(slug);
        var second = await StartAllAsync(slug);

        // Assert
        Assert.All(first.Concat(second), e => Assert.True(e.ReasonCode == ReasonCodes.SsoProviderUnreachable, $"{e.ReasonCode}: {e.Detail}"));
    }

    [Theory]
    [InlineData("bad-json")]
    [InlineData("not-object")]
    public async Task Start_ConcurrentUsersProviderServesBadMetadata_EveryAttemptMisconfigured(string discovery)
    {
        // Arrange
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("badjson");
        await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        await provider.SetAsync(("discovery", discovery));

        // Act
        var first = await StartAllAsync(slug);
        var second = await StartAllAsync(slug);

        // Assert
        Assert.All(first.Concat(second), e => Assert.True(e.ReasonCode == ReasonCodes.SsoProviderMisconfigured, $"{e.ReasonCode}: {e.Detail}"));
    }

    [Theory]
    [InlineData(null, ReasonCodes.SsoProviderUnreachable)]
    [InlineData("bad-json", ReasonCodes.SsoProviderMisconfigured)]
    public async Task Story_SeveralUsersFailSso_DiagnosisNamesTheCauseAndTheEnginesOrganizationRule(string? discovery, string cause)
    {
        // Arrange: a practice whose provider is down (closed port) or answers with something that is not metadata.
        await using var provider = discovery is null ? null : await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("ssostory");
        var connection = await App.CreateConnectionAsync(slug, provider?.DiscoveryUrl ?? $"http://127.0.0.1:{TestProvider.FreePort()}{SsoConnection.WellKnownSuffix}");
        if (provider is not null)
        {
            await provider.SetAsync(("discovery", discovery!));
        }

        var support = await App.CreateAccountAsync(TestAccounts.Unique("agent"), null, platformRoles: PlatformRoles.SupportAgent);
        using var agent = App.CreateBrowser();
        Assert.True((await agent.ApiSignInAsync(support.Username, TestAccounts.Password)).IsSuccessStatusCode);

        // Act: four people at their own desks (addresses) start SSO at once; support reads the last one's trace.
        var events = await StartAllAsync(slug, users: 4, addresses: true);
        // The latest attempt in time, not in browser order: a diagnosis, like the engine, weighs the attempts up
        // to the one diagnosed, and the four starts ran concurrently in no fixed order.
        var traceId = events.OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).Last().TraceId;
        using var response = await agent.GetAsync($"/api/v1/diagnoses/{traceId}");
        var view = await TestBrowser.JsonAsync(response);

        // Assert: every attempt has the cause; the diagnosis names it and the engine's organization-level rule.
        Assert.All(events, e => Assert.True(e.ReasonCode == cause, $"{e.ReasonCode}: {e.Detail}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(cause, view.GetProperty("rootCause").GetProperty("code").GetString());
        var escalation = view.GetProperty("escalation");
        Assert.True(escalation.GetProperty("escalate").GetBoolean());
        Assert.Equal(SsoMisconfigurationRule.Id, escalation.GetProperty("ruleId").GetString());
        var step4 = view.GetProperty("steps")[3].GetProperty("evidence").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(step4, e => e.Contains("4 users failed SSO in range", StringComparison.Ordinal));
        var incident = await WaitForIncidentAsync(SsoMisconfigurationRule.Id, connection.OrganizationId);
        Assert.Equal(SsoMisconfigurationRule.Id, incident.RuleId);
    }

    private async Task<Signpost.Core.Incidents.Incident> WaitForIncidentAsync(string ruleId, Guid organizationId)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var found = await App.WithDbAsync(db => db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.RuleId == ruleId && i.OrganizationId == organizationId));
            if (found is not null || watch.Elapsed > TimeSpan.FromSeconds(20))
            {
                return found ?? throw new TimeoutException($"The engine raised no {ruleId} incident for the organization.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Every user opens <c>/sso/{slug}</c> in their own browser at the same moment; returns the events written.</summary>
    private async Task<IReadOnlyList<SignInEvent>> StartAllAsync(string slug, int users = Users, bool addresses = false)
    {
        var browsers = Enumerable.Range(0, users).Select(_ => App.CreateBrowser()).ToList();
        if (addresses)
        {
            for (var i = 0; i < browsers.Count; i++)
            {
                browsers[i].Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, $"198.51.100.{20 + i}");
            }
        }

        try
        {
            var responses = await Task.WhenAll(browsers.Select(b => b.GetAsync($"/sso/{slug}")));
            var events = new List<SignInEvent>();
            foreach (var response in responses)
            {
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                events.Add(await App.EventOfAsync(response));
                response.Dispose();
            }

            return events;
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }
}
