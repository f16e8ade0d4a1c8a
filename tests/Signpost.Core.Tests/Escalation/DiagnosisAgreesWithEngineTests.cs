using Signpost.Core.Escalation;
using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.Tests.Fakes;
using Signpost.Core.Tests.Incidents;
using Signpost.Core.Tests.Troubleshooting;

namespace Signpost.Core.Tests.Escalation;

/// <summary>
/// One rule set serves both: the same attempts, played through the escalation engine (event by event, as the
/// live path evaluates them) and diagnosed by the troubleshooter at the last attempt, must agree on whether to
/// escalate, the rule and the targets — at each rule's boundary, on both sides of it.
/// </summary>
public sealed class DiagnosisAgreesWithEngineTests
{
    private const string OldChrome = TestBrowsers.Chrome120Windows;
    private const string NewChrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36";
    private static readonly TimeSpan JustPast = TimeSpan.FromMilliseconds(1);

    /// <summary>A case: how the attempts are played (one minute apart, plus any advance), and the rule expected to fire, if any.</summary>
    public sealed record Case(string Name, Action<Scene> Play, string? Rule)
    {
        public override string ToString() => Name;
    }

    public static IReadOnlyList<Case> Cases { get; } =
    [
        // invalid_credentials.reset_failures: 3 failed reset steps within 15 minutes, boundary included.
        new("third failed reset exactly 15 minutes after the first", s => ResetFailures(s, TimeSpan.Zero), InvalidCredentialsRules.ResetFailuresId),
        new("third failed reset just past 15 minutes", s => ResetFailures(s, JustPast), null),
        new("two failed resets", s =>
        {
            s.Attempt(ReasonCodes.ResetLinkExpired, method: SignInMethod.PasswordReset);
            s.Attempt(ReasonCodes.ResetLinkUsed, method: SignInMethod.PasswordReset);
        }, null),

        // invalid_credentials.after_reset: 2 wrong passwords within an hour of a completed reset.
        new("second wrong password exactly an hour after the reset", s => AfterReset(s, TimeSpan.Zero), InvalidCredentialsRules.AfterResetId),
        new("second wrong password just past the hour", s => AfterReset(s, JustPast), null),
        new("one wrong password after the reset", s =>
        {
            s.Attempt(ReasonCodes.PasswordReset, method: SignInMethod.PasswordReset);
            s.Attempt(ReasonCodes.InvalidCredentials);
        }, null),

        // sso_misconfiguration.organization: 3 distinct users within 15 minutes.
        new("third SSO user exactly 15 minutes after the first", s => SsoUsers(s, 3, TimeSpan.Zero), SsoMisconfigurationRule.Id),
        new("third SSO user just past 15 minutes", s => SsoUsers(s, 3, JustPast), null),
        new("two SSO users", s => SsoUsers(s, 2, TimeSpan.Zero), null),
        new("three SSO users, provider misconfigured", s => SsoUsers(s, 3, TimeSpan.Zero, ReasonCodes.SsoProviderMisconfigured), SsoMisconfigurationRule.Id),
        new("three SSO users, provider unreachable", s => SsoUsers(s, 3, TimeSpan.Zero, ReasonCodes.SsoProviderUnreachable), SsoMisconfigurationRule.Id),
        new("three SSO starts nobody was identified in, from three desks", s => SsoStarts(s, 3, ReasonCodes.SsoProviderMisconfigured), SsoMisconfigurationRule.Id),
        new("three SSO starts nobody was identified in, from one desk", s => SsoStarts(s, 3, ReasonCodes.SsoProviderUnreachable, oneDesk: true), null),
        new("three SSO users, one of them cancelled", s =>
        {
            s.Attempt(ReasonCodes.SsoCancelled, by: s.AddPerson("user1", s.Practice));
            s.Attempt(ReasonCodes.SsoTokenInvalid, by: s.AddPerson("user2", s.Practice));
            s.Attempt(ReasonCodes.SsoTokenInvalid);
        }, null),

        // browser.reappears_after_update: a browser failure again at a higher version within 7 days.
        new("updated browser fails exactly 7 days later", s => BrowserUpdate(s, TimeSpan.Zero), BrowserUpdateRule.Id),
        new("updated browser fails just past 7 days", s => BrowserUpdate(s, JustPast), null),
        new("same browser version fails again", s =>
        {
            s.Practice.Policy.BrowserPolicy = Organizations.BrowserPolicy.Block;
            s.Attempt(ReasonCodes.BrowserUnsupported, userAgent: OldChrome);
            s.Attempt(ReasonCodes.BrowserUnsupported, userAgent: OldChrome);
        }, null),

        // network.every_network_fails: 2 distinct networks within 4 hours, no success from any.
        new("second network fails exactly 4 hours after the first", s => Networks(s, TimeSpan.Zero, succeedBetween: false), EveryNetworkFailsRule.Id),
        new("second network fails just past 4 hours", s => Networks(s, JustPast, succeedBetween: false), null),
        new("a success between the two networks", s => Networks(s, TimeSpan.Zero, succeedBetween: true), null),
        new("one network fails twice", s =>
        {
            s.Attempt(ReasonCodes.NetworkNotAllowed, e => { e.ClientIp = "198.51.100.7"; e.NetworkLabel = "VPN egress"; });
            s.Attempt(ReasonCodes.NetworkNotAllowed, e => { e.ClientIp = "198.51.100.8"; e.NetworkLabel = "VPN egress"; });
        }, null),
    ];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task EngineAndDiagnosis_SameEvents_Agree(string name)
    {
        // Arrange: the attempts, and an engine reading the very options the troubleshooter reads.
        var c = Cases.Single(x => x.Name == name);
        var scene = new Scene();
        c.Play(scene);
        var harness = new EscalationHarness();
        var engine = new EscalationEngine(harness.Store, harness.Incidents, new FixedOptionsMonitor<EscalationOptions>(scene.Escalation));

        // Act: the engine evaluates each attempt as it is written; the troubleshooter diagnoses the last one.
        var fired = new List<RuleFiring>();
        foreach (var e in scene.Facts.Events.ToList())
        {
            harness.Store.Add(e);
            var result = await engine.EvaluateAsync(e, CancellationToken.None);
            fired.AddRange(result.Firings.Select(f => f.Firing));
        }

        var diagnosis = await scene.DiagnoseTraceAsync();

        // Assert
        Assert.Equal(c.Rule, fired.Select(f => f.RuleId).Distinct().SingleOrDefault());
        Assert.Equal(c.Rule is not null, diagnosis.Escalation.Escalate);
        Assert.Equal(c.Rule, diagnosis.Escalation.RuleId);
        Assert.Equal(fired.FirstOrDefault()?.Targets ?? [], diagnosis.Escalation.Targets);
        if (fired.FirstOrDefault() is { } firing)
        {
            Assert.StartsWith(firing.Explanation, diagnosis.Escalation.Explanation, StringComparison.Ordinal);
            Assert.Equal(firing.AccountId is null, diagnosis.Escalation.Explanation.EndsWith($"Practice: {scene.Practice.Name}.", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task EngineAndDiagnosis_ThresholdConfigured_BothFollowIt()
    {
        // Arrange: two failed resets, and the threshold lowered to two.
        var scene = new Scene();
        scene.Escalation.ResetFailures = 2;
        scene.Attempt(ReasonCodes.ResetLinkExpired, method: SignInMethod.PasswordReset);
        scene.Attempt(ReasonCodes.ResetLinkUsed, method: SignInMethod.PasswordReset);
        var firing = InvalidCredentialsRules.ResetFailures(scene.Facts.Events[^1], scene.Facts.Events, scene.Escalation);

        // Act
        var diagnosis = await scene.DiagnoseTraceAsync();

        // Assert
        Assert.NotNull(firing);
        Assert.True(diagnosis.Escalation.Escalate);
        Assert.Equal(InvalidCredentialsRules.ResetFailuresId, diagnosis.Escalation.RuleId);
    }

    [Fact]
    public async Task Diagnosis_EarlierAttemptOfAStoryThatLaterFired_DoesNotEscalate()
    {
        // Arrange: the engine fires on the third failed reset, not on the second.
        var scene = new Scene();
        ResetFailures(scene, TimeSpan.Zero);
        var second = scene.Facts.Events[^2].TraceId;

        // Act: a trace is diagnosed as things stood at that attempt.
        var diagnosis = await scene.DiagnoseTraceAsync(second);

        // Assert
        Assert.False(diagnosis.Escalation.Escalate);
        Assert.Null(diagnosis.Escalation.RuleId);
    }

    private static void ResetFailures(Scene s, TimeSpan extra)
    {
        s.Attempt(ReasonCodes.ResetLinkExpired, method: SignInMethod.PasswordReset);
        s.Advance(TimeSpan.FromMinutes(6));
        s.Attempt(ReasonCodes.ResetLinkUsed, method: SignInMethod.PasswordReset);
        s.Advance(TimeSpan.FromMinutes(7) + extra);
        s.Attempt(ReasonCodes.PasswordNotAccepted, method: SignInMethod.PasswordReset);
    }

    private static void AfterReset(Scene s, TimeSpan extra)
    {
        s.Attempt(ReasonCodes.PasswordReset, method: SignInMethod.PasswordReset);
        s.Attempt(ReasonCodes.InvalidCredentials);
        s.Advance(TimeSpan.FromMinutes(58) + extra);
        s.Attempt(ReasonCodes.InvalidCredentials);
    }

    /// <summary>Other users first, the scene's person last (the diagnosed attempt); the last one <paramref name="extra"/> past the window's end.</summary>
    private static void SsoUsers(Scene s, int users, TimeSpan extra, string code = ReasonCodes.SsoTokenInvalid)
    {
        for (var i = 1; i < users; i++)
        {
            s.Attempt(code, by: s.AddPerson($"user{i}", s.Practice));
        }

        s.Advance(TimeSpan.FromMinutes(16 - users) + extra);
        s.Attempt(code);
    }

    /// <summary>SSO failing at its start, before the provider said who anyone is: no account, no identifier, only the address.</summary>
    private static void SsoStarts(Scene s, int users, string code, bool oneDesk = false)
    {
        for (var i = 0; i < users; i++)
        {
            s.Attempt(code, e =>
            {
                e.AccountId = null;
                e.Identifier = null;
                e.IdentifierKind = "sso";
                e.Method = SignInMethod.Sso;
                e.OrganizationId = s.Practice.Id;
                e.ClientIp = oneDesk ? "203.0.113.10" : $"203.0.113.{20 + i}";
            });
        }
    }

    [Fact]
    public async Task Diagnosis_SsoStartsOfSeveralDesks_Step4CountsTheUsersTheEngineCounts()
    {
        // Arrange: three people's SSO starts fail before anyone is identified.
        var scene = new Scene();
        SsoStarts(scene, 3, ReasonCodes.SsoProviderUnreachable);

        // Act
        var diagnosis = await scene.DiagnoseTraceAsync();

        // Assert: the engine's own count, not "0 users" for want of accounts.
        var step = diagnosis.Step(Signpost.Core.Troubleshooting.TroubleshootingSteps.EvaluateSignOnMethod);
        Assert.Contains(step.Evidence, e => e.Contains("3 users failed SSO in range", StringComparison.Ordinal));
        Assert.Contains(step.Evidence, e => e.Contains("3 users within 15 minutes up to this attempt; the organization-level rule needs 3", StringComparison.Ordinal));
        Assert.Equal(SsoMisconfigurationRule.Id, diagnosis.Escalation.RuleId);
    }

    [Fact]
    public async Task Diagnosis_OneUserMisconfiguredSso_NoEngineRuleSoTheCataloguesAlways()
    {
        // Arrange: one person so far; the engine needs three.
        var scene = new Scene();
        scene.Attempt(ReasonCodes.SsoProviderMisconfigured);
        var harness = new EscalationHarness();
        var engine = new EscalationEngine(harness.Store, harness.Incidents, new FixedOptionsMonitor<EscalationOptions>(scene.Escalation));
        harness.Store.Add(scene.Facts.Events[^1]);

        // Act
        var evaluated = await engine.EvaluateAsync(scene.Facts.Events[^1], CancellationToken.None);
        var diagnosis = await scene.DiagnoseTraceAsync();

        // Assert: no engine rule fired, so the diagnosis falls back to the catalogue's "always" and says so.
        Assert.Empty(evaluated.Firings);
        Assert.Equal(Signpost.Core.Troubleshooting.DiagnosisEscalation.SsoAlways, diagnosis.Escalation.RuleId);
        Assert.Contains("no engine rule has fired yet", diagnosis.Escalation.Explanation, StringComparison.Ordinal);
    }

    private static void BrowserUpdate(Scene s, TimeSpan extra)
    {
        s.Practice.Policy.BrowserPolicy = Organizations.BrowserPolicy.Block;
        s.Attempt(ReasonCodes.BrowserUnsupported, userAgent: OldChrome);
        s.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1) + extra);
        s.Attempt(ReasonCodes.BrowserUnsupported, userAgent: NewChrome);
    }

    private static void Networks(Scene s, TimeSpan extra, bool succeedBetween)
    {
        s.Attempt(ReasonCodes.NetworkNotAllowed, e => { e.ClientIp = "198.51.100.7"; e.NetworkLabel = "VPN egress"; });
        if (succeedBetween)
        {
            s.Attempt(ReasonCodes.SignedIn);
        }

        s.Advance(TimeSpan.FromHours(4) - TimeSpan.FromMinutes(succeedBetween ? 2 : 1) + extra);
        s.Attempt(ReasonCodes.NetworkNotAllowed, e => { e.ClientIp = "192.0.2.55"; e.NetworkLabel = "home"; });
    }
}
