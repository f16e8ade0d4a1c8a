using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.CredentialAudits;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Data.Stores;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>What a practice's credential audit reads: its active members with last sign-in and lock, and its role changes in the period.</summary>
public sealed class CredentialAuditFactsContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReadAsync_ActiveMembersWithLastSuccessfulSignInAndLockNow_AndRoleChangesOfThePeriodOnly(string provider)
    {
        // Arrange: two active members (one locked now, one whose lock has passed), a removed one, another practice's person.
        var host = await StartAsync(provider);
        var practice = new Organization { Slug = $"audit-{provider}", Name = "Audit Clinic", CreatedAt = Now.AddYears(-2), Policy = new OrganizationPolicy { PasswordExpiryDays = 180 } };
        var other = new Organization { Slug = $"other-{provider}", Name = "Other Clinic", CreatedAt = Now.AddYears(-2) };
        var ana = Member("audit.ana", practice, PracticeRoles.PracticeAdmin, MembershipStatus.Active);
        ana.PasswordExpiryExtensionDays = 14;
        var ben = Member("audit.ben", practice, PracticeRoles.Staff, MembershipStatus.Active);
        var gone = Member("audit.gone", practice, PracticeRoles.Staff, MembershipStatus.Removed);
        var stranger = Member("audit.stranger", other, PracticeRoles.Staff, MembershipStatus.Active);
        await host.DbAsync(async db =>
        {
            db.Organizations.AddRange(practice, other);
            db.Accounts.AddRange(ana, ben, gone, stranger);
            db.SignInEvents.AddRange(
                Event(ana.Id, succeeded: true, Now.AddDays(-20)),
                Event(ana.Id, succeeded: true, Now.AddDays(-2)),
                Event(ana.Id, succeeded: false, Now.AddHours(-1)),
                Event(ben.Id, succeeded: false, Now.AddDays(-1)));
            db.LockoutCounters.AddRange(
                new LockoutCounter { AccountId = ben.Id, DeviceKey = LockoutCounter.UntrustedKey, FailureCount = 5, WindowStartedAt = Now.AddMinutes(-10), LockedUntil = Now.AddMinutes(10) },
                new LockoutCounter { AccountId = ben.Id, DeviceKey = "device-1", FailureCount = 5, WindowStartedAt = Now.AddMinutes(-10), LockedUntil = Now.AddMinutes(5) },
                new LockoutCounter { AccountId = ana.Id, DeviceKey = LockoutCounter.UntrustedKey, FailureCount = 5, WindowStartedAt = Now.AddDays(-1), LockedUntil = Now.AddMinutes(-1) });
            db.AuditEntries.AddRange(
                Entry(1, Now.AddDays(-100), "membership.roles", practice.Id, ben.Id.ToString()),
                Entry(2, Now.AddDays(-30), "membership.roles", practice.Id, ben.Id.ToString()),
                Entry(3, Now.AddDays(-29), "policy.update", practice.Id, practice.Id.ToString()),
                Entry(4, Now.AddDays(-28), "account.disable", other.Id, stranger.Id.ToString()),
                Entry(5, Now.AddDays(-27), "membership.remove", practice.Id, gone.Id.ToString()),
                Entry(6, Now, "account.create", practice.Id, ana.Id.ToString()));
            await db.SaveChangesAsync();
        });
        var progress = new List<int>();

        // Act: the period is [Now - 90 days, Now), read on a clock that stands at Now.
        var facts = await host.DbAsync(db => new CredentialAuditFactsReader(db, new Clock(Now))
            .ReadAsync(practice.Id, Now.AddDays(-90), Now, new Progress(progress), CancellationToken.None));

        // Assert
        Assert.NotNull(facts);
        Assert.Equal((practice.Slug, "Audit Clinic", 180), (facts.Slug, facts.Name, facts.Policy.PasswordExpiryDays));
        Assert.Equal(["audit.ana", "audit.ben"], facts.Members.Select(m => m.Username).Order());
        var readAna = facts.Members.Single(m => m.AccountId == ana.Id);
        Assert.Equal((Now.AddDays(-2), (DateTimeOffset?)null, 14, true), (readAna.LastSignInAt!.Value, readAna.LockedUntil, readAna.PasswordExpiryExtensionDays, readAna.IsAdmin));
        var readBen = facts.Members.Single(m => m.AccountId == ben.Id);
        Assert.Equal(((DateTimeOffset?)null, Now.AddMinutes(10)), (readBen.LastSignInAt, readBen.LockedUntil!.Value));
        // Role changes in the period, oldest first, named by username where the person is still a member (else the ID).
        Assert.Equal(
            [("membership.roles", "audit.ben"), ("membership.remove", gone.Id.ToString())],
            facts.RoleChanges.Select(c => (c.Action, c.Target)));
        Assert.Equal([2], progress);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReadAsync_MoreMembersThanABatch_ReadsThemAllAndReportsEachBatch(string provider)
    {
        var host = await StartAsync(provider);
        var practice = new Organization { Slug = $"large-{provider}", Name = "Large Clinic", CreatedAt = Now.AddYears(-1) };
        var people = Enumerable.Range(0, 501).Select(i => Member($"large.{i:D3}", practice, PracticeRoles.Staff, MembershipStatus.Active)).ToList();
        await host.DbAsync(async db =>
        {
            db.Organizations.Add(practice);
            db.Accounts.AddRange(people);
            db.SignInEvents.Add(Event(people[^1].Id, succeeded: true, Now.AddDays(-1)));
            await db.SaveChangesAsync();
        });
        var progress = new List<int>();

        var facts = await host.DbAsync(db => new CredentialAuditFactsReader(db, new Clock(Now))
            .ReadAsync(practice.Id, Now.AddDays(-90), Now, new Progress(progress), CancellationToken.None));

        Assert.Equal(501, facts!.Members.Count);
        Assert.Equal([500, 501], progress);
        Assert.Equal(Now.AddDays(-1), Assert.Single(facts.Members, m => m.LastSignInAt is not null).LastSignInAt);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReadAsyncAndCreatedAtAsync_UnknownPractice_Null(string provider)
    {
        var host = await StartAsync(provider);
        var practice = new Organization { Slug = $"known-{provider}", Name = "Known", CreatedAt = Now.AddMonths(-7) };
        await host.DbAsync(async db =>
        {
            db.Organizations.Add(practice);
            await db.SaveChangesAsync();
        });

        var created = await host.WithAsync<ICredentialAuditFacts, DateTimeOffset?>(facts => facts.CreatedAtAsync(practice.Id, CancellationToken.None));
        var unknownCreated = await host.WithAsync<ICredentialAuditFacts, DateTimeOffset?>(facts => facts.CreatedAtAsync(Guid.NewGuid(), CancellationToken.None));
        var unknownFacts = await host.WithAsync<ICredentialAuditFacts, CredentialAuditFacts?>(facts => facts.ReadAsync(Guid.NewGuid(), Now.AddDays(-90), Now, null, CancellationToken.None));
        var emptyFacts = await host.WithAsync<ICredentialAuditFacts, CredentialAuditFacts?>(facts => facts.ReadAsync(practice.Id, Now.AddDays(-90), Now, null, CancellationToken.None));

        Assert.Equal(Now.AddMonths(-7), created);
        Assert.Null(unknownCreated);
        Assert.Null(unknownFacts);
        Assert.Empty(emptyFacts!.Members);
    }

    private static Account Member(string username, Organization practice, PracticeRoles roles, MembershipStatus status)
    {
        var account = new Account
        {
            Username = username,
            NormalizedUsername = Account.Normalize(username),
            Email = $"{username}@stores.example",
            NormalizedEmail = Account.Normalize($"{username}@stores.example"),
            DisplayName = username,
            Status = AccountStatus.Active,
            CreatedAt = Now.AddYears(-1),
        };
        account.Memberships.Add(new Membership { OrganizationId = practice.Id, Roles = roles, Status = status, CreatedAt = Now.AddYears(-1) });
        return account;
    }

    private static SignInEvent Event(Guid accountId, bool succeeded, DateTimeOffset at) => new()
    {
        TraceId = Guid.NewGuid().ToString("N"),
        OccurredAt = at,
        AccountId = accountId,
        Method = SignInMethod.Password,
        Succeeded = succeeded,
        ReasonCode = succeeded ? ReasonCodes.SignedIn : ReasonCodes.InvalidCredentials,
        ShownReasonCode = ReasonCatalogue.Get(succeeded ? ReasonCodes.SignedIn : ReasonCodes.InvalidCredentials).PublicCode,
        ClientIp = "203.0.113.20",
    };

    private static AuditEntry Entry(long sequence, DateTimeOffset at, string action, Guid organizationId, string targetId) => new()
    {
        Sequence = sequence, At = at, Actor = "cli:test", Action = action, TargetType = "account", TargetId = targetId, OrganizationId = organizationId, PreviousHash = "", Hash = $"h{sequence}",
    };

    /// <summary>Collects reports at once (<see cref="Progress{T}"/> would post them later).</summary>
    private sealed class Progress(List<int> seen) : IProgress<int>
    {
        public void Report(int value) => seen.Add(value);
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
