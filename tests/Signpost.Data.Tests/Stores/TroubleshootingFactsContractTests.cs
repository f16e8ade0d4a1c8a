using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Browsers;
using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Troubleshooting;
using Signpost.Core.Troubleshooting.Checks;
using Signpost.Data;
using Signpost.Data.Tests.Infrastructure;
using Signpost.Data.Stores;

namespace Signpost.Data.Tests.Stores;

/// <summary>The troubleshooter's database facts, and a whole diagnosis over them, on SQLite and PostgreSQL alike.</summary>
public sealed class TroubleshootingFactsContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Facts_ReadBoundedRangesIdentifiersAndOrganizationFailures_AndDiagnose(string provider)
    {
        // Arrange: a practice, a locked person with events in and out of range, a stranger, an SSO failure.
        var host = await StartAsync(provider);
        var practice = new Organization { Slug = $"cove-{provider}", Name = "Cove Clinic", CreatedAt = Now.AddYears(-1) };
        var ivy = new Account
        {
            Username = "dr.ivy", NormalizedUsername = "DR.IVY", Email = "ivy@cove.example", NormalizedEmail = "IVY@COVE.EXAMPLE",
            DisplayName = "Ivy", Npi = "1234567893", Status = AccountStatus.Active, CreatedAt = Now.AddMonths(-3),
        };
        ivy.Memberships.Add(new Membership { OrganizationId = practice.Id, Roles = PracticeRoles.Staff, CreatedAt = Now.AddMonths(-3) });
        await host.DbAsync(async db =>
        {
            db.Organizations.Add(practice);
            db.Accounts.Add(ivy);
            db.LockoutCounters.Add(new LockoutCounter { AccountId = ivy.Id, DeviceKey = LockoutCounter.UntrustedKey, FailureCount = 3, WindowStartedAt = Now.AddMinutes(-5), LastFailureAt = Now.AddMinutes(-1), LockedUntil = Now.AddMinutes(14) });
            db.SignInEvents.AddRange(
                Event(ivy.Id, practice.Id, ReasonCodes.InvalidCredentials, Now.AddDays(-3), "dr.ivy"),
                Event(ivy.Id, practice.Id, ReasonCodes.InvalidCredentials, Now.AddMinutes(-3), "dr.ivy"),
                Event(ivy.Id, practice.Id, ReasonCodes.AccountLocked, Now.AddMinutes(-1), "dr.ivy"),
                Event(null, null, ReasonCodes.InvalidCredentials, Now.AddMinutes(-2), "Dr.Ivi"),
                Event(Guid.NewGuid(), practice.Id, ReasonCodes.SsoTokenInvalid, Now.AddMinutes(-2), "someone"));
            await db.SaveChangesAsync();
        });
        await host.WithAsync<IAuditStore, bool>(audit => audit.TryAppendAsync(new AuditEntry
        {
            Sequence = 1, At = Now.AddHours(-1), Actor = "cli:test", Action = "account.disable", TargetType = "account", TargetId = ivy.Id.ToString(), PreviousHash = "", Hash = "x",
        }, CancellationToken.None));
        var from = Now.AddHours(-1);
        var to = Now;

        // Act
        var (events, strangers, sso, counters, changes, similar, diagnosis) = await host.WithAsync<IServiceProvider, (IReadOnlyList<SignInEvent>, IReadOnlyList<SignInEvent>, IReadOnlyList<SignInEvent>, IReadOnlyList<LockoutCounter>, IReadOnlyList<AuditEntry>, IReadOnlyList<string>, DiagnosisResult)>(async services =>
        {
            var facts = new DatabaseTroubleshootingFacts(
                services.GetRequiredService<SignpostDbContext>(), services.GetRequiredService<IAccountStore>(), services.GetRequiredService<IMaintenanceStore>(),
                services.GetRequiredService<IAuditStore>(), new Matrix());
            var troubleshooter = new Troubleshooter(facts, BuiltInChecks.Create(), new Escalation(), new Clock(Now));
            return (
                await facts.ListAccountEventsAsync(ivy.Id, from, to, 10, CancellationToken.None),
                await facts.ListIdentifierEventsAsync("dr.ivi", from, to, 10, CancellationToken.None),
                await facts.ListOrganizationFailuresAsync(practice.Id, [ReasonCodes.SsoTokenInvalid], from, to, 10, CancellationToken.None),
                await facts.ListLockoutCountersAsync(ivy.Id, CancellationToken.None),
                await facts.ListAdminChangesAsync(ivy, 10, CancellationToken.None),
                await facts.FindSimilarIdentifiersAsync("dr.ivi", 5, CancellationToken.None),
                await troubleshooter.DiagnoseAccountAsync(ivy.Id, from.ToOffset(TimeSpan.FromHours(-5)), to));
        });

        // Assert
        Assert.Equal([ReasonCodes.InvalidCredentials, ReasonCodes.AccountLocked], events.Select(e => e.ReasonCode));
        Assert.Equal("Dr.Ivi", Assert.Single(strangers).Identifier);
        Assert.Equal(ReasonCodes.SsoTokenInvalid, Assert.Single(sso).ReasonCode);
        Assert.Equal(Now.AddMinutes(14), Assert.Single(counters).LockedUntil);
        Assert.Equal("account.disable", Assert.Single(changes).Action);
        Assert.Equal(["dr.ivy"], similar);
        Assert.Equal(DiagnosisStatus.Diagnosed, diagnosis.Status);
        Assert.Equal(ReasonCodes.AccountLocked, diagnosis.Diagnosis!.RootCauseCode);
        Assert.Equal(StepStatus.Problem, diagnosis.Diagnosis.Step(TroubleshootingSteps.AdminConsoleReview).Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task FindEventAndAdminChanges_FirstEventOfATrace_AndRefusalsAreNotChanges(string provider)
    {
        // Arrange: one trace with two events, and an account whose trail holds a change and a refused attempt on it.
        var host = await StartAsync(provider);
        var practice = new Organization { Slug = $"trail-{provider}", Name = "Trail Clinic", CreatedAt = Now.AddYears(-1) };
        var ivy = new Account
        {
            Username = "trail.ivy", NormalizedUsername = "TRAIL.IVY", Email = "ivy@trail.example", NormalizedEmail = "IVY@TRAIL.EXAMPLE",
            DisplayName = "Ivy", Status = AccountStatus.Active, CreatedAt = Now.AddMonths(-3),
        };
        ivy.Memberships.Add(new Membership { OrganizationId = practice.Id, Roles = PracticeRoles.Staff, CreatedAt = Now.AddMonths(-3) });
        var first = Event(ivy.Id, practice.Id, ReasonCodes.InvalidCredentials, Now.AddMinutes(-2), "trail.ivy");
        var second = Event(ivy.Id, practice.Id, ReasonCodes.AccountLocked, Now.AddMinutes(-1), "trail.ivy");
        second.TraceId = first.TraceId;
        await host.DbAsync(async db =>
        {
            db.Organizations.Add(practice);
            db.Accounts.Add(ivy);
            db.SignInEvents.Add(first);
            await db.SaveChangesAsync();
            db.SignInEvents.Add(second);
            await db.SaveChangesAsync();
        });
        var sequence = 0L;
        foreach (var (action, type, target) in new[]
        {
            ("membership.roles", "membership", ivy.Memberships[0].Id.ToString()),
            (AuditEntry.RefusalAction, "account", ivy.Id.ToString()),
            ("policy.update", "organization", practice.Id.ToString()),
        })
        {
            sequence++;
            var entry = new AuditEntry { Sequence = sequence, At = Now.AddHours(-sequence), Actor = "cli:test", Action = action, TargetType = type, TargetId = target, PreviousHash = "", Hash = $"h{sequence}" };
            Assert.True(await host.WithAsync<IAuditStore, bool>(audit => audit.TryAppendAsync(entry, CancellationToken.None)));
        }

        // Act: through the port as the app registers it.
        var (found, missing, changes) = await host.WithAsync<ITroubleshootingFacts, (SignInEvent?, SignInEvent?, IReadOnlyList<AuditEntry>)>(async facts => (
            await facts.FindEventAsync(first.TraceId, CancellationToken.None),
            await facts.FindEventAsync("no-such-trace", CancellationToken.None),
            await facts.ListAdminChangesAsync((await facts.FindAccountAsync(ivy.Id, CancellationToken.None))!, 10, CancellationToken.None)));

        // Assert
        Assert.Equal(ReasonCodes.InvalidCredentials, found!.ReasonCode);
        Assert.Null(missing);
        Assert.Equal(["policy.update", "membership.roles"], changes.Select(c => c.Action));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task OrganizationFailures_FilterInTheIndex_NotInTheTable(string provider)
    {
        // Arrange: two busy days of twenty practices, nearly all of it successes, and one SSO failure at one of them.
        var host = await StartAsync(provider);
        var practices = Enumerable.Range(0, 20).Select(i => new Organization { Slug = $"busy-{i}-{provider}", Name = $"Busy Clinic {i}", CreatedAt = Now.AddYears(-1) }).ToList();
        var practice = practices[0];
        await host.DbAsync(async db =>
        {
            db.Organizations.AddRange(practices);
            for (var i = 0; i < 2_000; i++)
            {
                var success = Event(null, practices[i % practices.Count].Id, ReasonCodes.SignedIn, Now.AddMinutes(-i * 1.5), "someone");
                success.Succeeded = true;
                db.SignInEvents.Add(success);
            }

            db.SignInEvents.Add(Event(null, practice.Id, ReasonCodes.SsoTokenInvalid, Now.AddMinutes(-7), "someone"));
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync(provider == StoreHost.Sqlite ? "ANALYZE" : "ANALYZE \"SignInEvents\"");
        });
        string[] codes = [ReasonCodes.SsoTokenInvalid, ReasonCodes.SsoProviderUnreachable];

        // Act: the troubleshooter's read, as EF sends it.
        var plan = await PlanAsync(host, db => DatabaseTroubleshootingFacts.OrganizationFailures(db, practice.Id, codes, Now.AddDays(-2), Now).OrderByDescending(e => e.Id).Take(Troubleshooter.MaxEvents));
        var found = await host.DbAsync(db => DatabaseTroubleshootingFacts.OrganizationFailures(db, practice.Id, codes, Now.AddDays(-2), Now).Select(e => e.ReasonCode).ToListAsync());

        // Assert: the outcome (and on SQLite the reason) is judged in the index, so the table is read for failures only.
        Assert.Equal([ReasonCodes.SsoTokenInvalid], found);
        if (provider == StoreHost.Sqlite)
        {
            Assert.True(plan.Contains("USING INDEX IX_SignInEvents_OrganizationId_OccurredAt_Succeeded_ReasonCode", StringComparison.Ordinal), plan);
        }
        else
        {
            // Each partition's copy of the index is named after the partition, its name cut at 63 characters.
            Assert.True(plan.Contains("_OrganizationId_OccurredAt_Succeeded_", StringComparison.Ordinal), plan);
            Assert.True(plan.Contains("(\"Succeeded\" = false))", StringComparison.Ordinal), plan);
        }
    }

    private static SignInEvent Event(Guid? accountId, Guid? organizationId, string code, DateTimeOffset at, string identifier) => new()
    {
        TraceId = Guid.NewGuid().ToString("N"),
        OccurredAt = at,
        Identifier = identifier,
        IdentifierKind = "username",
        AccountId = accountId,
        OrganizationId = organizationId,
        Method = SignInMethod.Password,
        ReasonCode = code,
        ShownReasonCode = ReasonCatalogue.Get(code).PublicCode,
        ClientIp = "203.0.113.10",
    };

    private sealed class Matrix : IOptionsMonitor<BrowserSupportOptions>
    {
        public BrowserSupportOptions CurrentValue { get; } = new() { MinimumVersions = { ["Chrome"] = 155 } };

        public BrowserSupportOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<BrowserSupportOptions, string?> listener) => null;
    }

    /// <summary>The escalation defaults, as a host without <c>Signpost:Escalation</c> reads them.</summary>
    private sealed class Escalation : IOptionsMonitor<EscalationOptions>
    {
        public EscalationOptions CurrentValue { get; } = new();

        public EscalationOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<EscalationOptions, string?> listener) => null;
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
