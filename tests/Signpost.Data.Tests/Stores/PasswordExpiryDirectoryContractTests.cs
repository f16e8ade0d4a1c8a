using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>Which accounts password expiry concerns, and the operator's extension that holds only for the password it was given for.</summary>
public sealed class PasswordExpiryDirectoryContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ListAccountsWithExpiryAsync_OnlyActivePeopleWithAccessToAPracticeThatExpires_WithTheirPractices(string provider)
    {
        // Arrange: one practice with expiry, one without; people in every state that should and should not count.
        var host = await StartAsync(provider);
        var expiring = new Organization { Slug = $"expiring-{provider}", Name = "Expiring", CreatedAt = Now, Policy = new OrganizationPolicy { PasswordExpiryDays = 90 } };
        var lenient = new Organization { Slug = $"lenient-{provider}", Name = "Lenient", CreatedAt = Now };
        var counted = Person("exp.counted", AccountStatus.Active, (expiring, PracticeRoles.Staff, MembershipStatus.Active), (lenient, PracticeRoles.Provider, MembershipStatus.Active));
        var disabled = Person("exp.disabled", AccountStatus.Disabled, (expiring, PracticeRoles.Staff, MembershipStatus.Active));
        var removed = Person("exp.removed", AccountStatus.Active, (expiring, PracticeRoles.Staff, MembershipStatus.Removed));
        var invited = Person("exp.invited", AccountStatus.Active, (expiring, PracticeRoles.Staff, MembershipStatus.Invited));
        var noRoles = Person("exp.noroles", AccountStatus.Active, (expiring, PracticeRoles.None, MembershipStatus.Active));
        var elsewhere = Person("exp.elsewhere", AccountStatus.Active, (lenient, PracticeRoles.PracticeAdmin, MembershipStatus.Active));
        var admin = Person("exp.admin", AccountStatus.Active, (expiring, PracticeRoles.PracticeAdmin, MembershipStatus.Active));
        await host.DbAsync(async db =>
        {
            db.Organizations.AddRange(expiring, lenient);
            db.Accounts.AddRange(counted, disabled, removed, invited, noRoles, elsewhere, admin);
            await db.SaveChangesAsync();
        });

        // Act
        var listed = await host.WithAsync<IPasswordExpiryDirectory, IReadOnlyList<Account>>(directory => directory.ListAccountsWithExpiryAsync(CancellationToken.None));

        // Assert: each with all its memberships and their practices (the policy decides the expiry).
        Assert.Equal(new HashSet<Guid> { counted.Id, admin.Id }, listed.Select(a => a.Id).ToHashSet());
        var loaded = listed.Single(a => a.Id == counted.Id);
        Assert.Equal(2, loaded.Memberships.Count);
        Assert.Equal(90, loaded.Memberships.Single(m => m.OrganizationId == expiring.Id).Organization!.Policy.PasswordExpiryDays);
        Assert.Null(loaded.Memberships.Single(m => m.OrganizationId == lenient.Id).Organization!.Policy.PasswordExpiryDays);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SetExtensionAsync_SamePassword_WritesTheDays(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = await host.AddAccountAsync("exp.extend");
        var changedAt = Now.AddDays(-80);
        await host.DbAsync(db => db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordChangedAt, changedAt)));

        var set = await host.WithAsync<IPasswordExpiryDirectory, bool>(directory => directory.SetExtensionAsync(accountId, changedAt, 30, CancellationToken.None));

        Assert.True(set);
        Assert.Equal(30, await host.DbAsync(db => db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.PasswordExpiryExtensionDays).SingleAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SetExtensionAsync_PasswordChangedMeanwhileOrUnknownAccount_FalseAndNothingWritten(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = await host.AddAccountAsync("exp.stale");
        var otherId = await host.AddAccountAsync("exp.bystander");
        await host.DbAsync(db => db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordChangedAt, Now)));

        var stale = await host.WithAsync<IPasswordExpiryDirectory, bool>(directory => directory.SetExtensionAsync(accountId, Now.AddDays(-80), 30, CancellationToken.None));
        var neverChanged = await host.WithAsync<IPasswordExpiryDirectory, bool>(directory => directory.SetExtensionAsync(accountId, null, 30, CancellationToken.None));
        var unknown = await host.WithAsync<IPasswordExpiryDirectory, bool>(directory => directory.SetExtensionAsync(Guid.NewGuid(), Now, 30, CancellationToken.None));

        Assert.False(stale);
        Assert.False(neverChanged);
        Assert.False(unknown);
        Assert.Equal([0, 0], await host.DbAsync(db => db.Accounts.AsNoTracking().Where(a => a.Id == accountId || a.Id == otherId).Select(a => a.PasswordExpiryExtensionDays).ToListAsync()));
    }

    private static Account Person(string username, AccountStatus status, params (Organization Practice, PracticeRoles Roles, MembershipStatus Status)[] memberships)
    {
        var account = new Account
        {
            Username = username,
            NormalizedUsername = Account.Normalize(username),
            Email = $"{username}@stores.example",
            NormalizedEmail = Account.Normalize($"{username}@stores.example"),
            DisplayName = username,
            Status = status,
            CreatedAt = Now.AddYears(-1),
            PasswordChangedAt = Now.AddDays(-10),
        };
        foreach (var (practice, roles, membershipStatus) in memberships)
        {
            account.Memberships.Add(new Membership { OrganizationId = practice.Id, Roles = roles, Status = membershipStatus, CreatedAt = Now.AddYears(-1) });
        }

        return account;
    }
}
