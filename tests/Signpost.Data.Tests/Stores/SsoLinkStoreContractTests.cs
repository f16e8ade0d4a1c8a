using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Core.SingleSignOn;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// What a single sign-on reads to find the account (docs/sso.md, "Linking"): a match by email or NPI says whether
/// the account is an active member of the connection's practice and whether it is payer staff; links and
/// just-in-time accounts commit with their audit entry or not at all.
/// </summary>
public sealed class SsoLinkStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private static async Task<(Organization Practice, SsoConnection Connection)> AddConnectionAsync(StoreHost host, string slug)
    {
        var practice = new Organization { Slug = slug, Name = $"Practice {slug}", CreatedAt = Now.AddYears(-1) };
        var connection = new SsoConnection
        {
            OrganizationId = practice.Id,
            DiscoveryUrl = $"https://login.{slug}.example{SsoConnection.WellKnownSuffix}",
            ClientId = "portal",
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        await host.DbAsync(async db =>
        {
            db.Organizations.Add(practice);
            db.SsoConnections.Add(connection);
            await db.SaveChangesAsync();
        });
        return (practice, connection);
    }

    private static Task<Guid> AddPersonAsync(StoreHost host, string username, string? npi = null, PlatformRoles platformRoles = PlatformRoles.None,
        Guid? memberOf = null, MembershipStatus status = MembershipStatus.Active) => host.DbAsync(async db =>
    {
        var account = new Account
        {
            Username = username,
            NormalizedUsername = Account.Normalize(username),
            Email = $"{username}@Clinic.example",
            NormalizedEmail = Account.Normalize($"{username}@Clinic.example"),
            DisplayName = username,
            Npi = npi,
            PlatformRoles = platformRoles,
            Status = AccountStatus.Active,
            CreatedAt = Now.AddYears(-1),
        };
        if (memberOf is { } organizationId)
        {
            account.Memberships.Add(new Membership { AccountId = account.Id, OrganizationId = organizationId, Status = status, CreatedAt = Now.AddYears(-1) });
        }

        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        return account.Id;
    });

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task FindByEmailOrNpi_CountsOnlyActiveMembersOfThatPractice_AndNamesPayerStaff(string provider)
    {
        // Arrange: a member, an invited person, a member of another practice, payer staff.
        var host = await StartAsync(provider);
        var (practice, _) = await AddConnectionAsync(host, "linking");
        var (elsewhere, _) = await AddConnectionAsync(host, "elsewhere");
        var member = await AddPersonAsync(host, "member", npi: "1234567893", memberOf: practice.Id);
        var invited = await AddPersonAsync(host, "invited", memberOf: practice.Id, status: MembershipStatus.Invited);
        var outsider = await AddPersonAsync(host, "outsider", npi: "1245319599", memberOf: elsewhere.Id);
        var staff = await AddPersonAsync(host, "staff", platformRoles: PlatformRoles.SupportAgent, memberOf: practice.Id);

        // Act
        var found = await host.WithAsync<ISsoLinkStore, SsoLinkCandidate?[]>(async store =>
        [
            await store.FindByEmailAsync(practice.Id, " MEMBER@clinic.example", CancellationToken.None),
            await store.FindByEmailAsync(practice.Id, "invited@clinic.example", CancellationToken.None),
            await store.FindByEmailAsync(practice.Id, "outsider@clinic.example", CancellationToken.None),
            await store.FindByEmailAsync(practice.Id, "staff@clinic.example", CancellationToken.None),
            await store.FindByEmailAsync(practice.Id, "nobody@clinic.example", CancellationToken.None),
            await store.FindByNpiAsync(practice.Id, "1234567893", CancellationToken.None),
            await store.FindByNpiAsync(practice.Id, "1245319599", CancellationToken.None),
            await store.FindByNpiAsync(practice.Id, "1003000126", CancellationToken.None),
        ]);

        // Assert
        Assert.Equal<SsoLinkCandidate?>(
        [
            new(member, true, false), new(invited, false, false), new(outsider, false, false), new(staff, true, true), null,
            new(member, true, false), new(outsider, false, false), null,
        ], found);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task IsTakenAsync_ComparesUsernameAndEmailNormalized_AndNpiExactly(string provider)
    {
        var host = await StartAsync(provider);
        await AddPersonAsync(host, "taken.name", npi: "1234567893");

        var taken = await host.WithAsync<ISsoLinkStore, bool[]>(async store =>
        [
            await store.IsTakenAsync(IdentifierKind.Username, "Taken.Name", CancellationToken.None),
            await store.IsTakenAsync(IdentifierKind.Email, "TAKEN.NAME@clinic.example ", CancellationToken.None),
            await store.IsTakenAsync(IdentifierKind.Npi, "1234567893", CancellationToken.None),
            await store.IsTakenAsync(IdentifierKind.Username, "free.name", CancellationToken.None),
            await store.IsTakenAsync(IdentifierKind.Email, "free.name@clinic.example", CancellationToken.None),
            await store.IsTakenAsync(IdentifierKind.Npi, "1245319599", CancellationToken.None),
        ]);

        Assert.Equal([true, true, true, false, false, false], taken);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task LinkAsync_StoresTheLinkWithItsAuditEntry_OnceForASubject_AndNothingWhenTheAuditFails(string provider)
    {
        var host = await StartAsync(provider);
        var (practice, connection) = await AddConnectionAsync(host, "links");
        var accountId = await AddPersonAsync(host, "linked", memberOf: practice.Id);
        SsoLink Link(string subject) => new() { ConnectionId = connection.Id, Subject = subject, AccountId = accountId, LinkedBy = "email", LinkedAt = Now };
        Task LinkAsync(SsoLink link, bool fail) => host.WithAsync<IServiceProvider>(services => services.GetRequiredService<ISsoLinkStore>().LinkAsync(link, async ct =>
        {
            await AuditedWrites.RecordAsync(services, "sso.link", accountId.ToString(), ct);
            if (fail)
            {
                throw new AuditedWrites.Refused();
            }
        }, CancellationToken.None));

        await LinkAsync(Link("sub-1"), fail: false);
        await Assert.ThrowsAsync<DbUpdateException>(() => LinkAsync(Link("sub-1"), fail: false));
        await Assert.ThrowsAsync<AuditedWrites.Refused>(() => LinkAsync(Link("sub-2"), fail: true));

        var found = await host.WithAsync<ISsoLinkStore, (SsoLink?, SsoLink?, Organization?)>(async store => (
            await store.FindLinkAsync(connection.Id, "sub-1", CancellationToken.None),
            await store.FindLinkAsync(connection.Id, "sub-2", CancellationToken.None),
            await store.FindOrganizationAsync(practice.Id, CancellationToken.None)));
        Assert.Equal((accountId, "email", Now), (found.Item1!.AccountId, found.Item1.LinkedBy, found.Item1.LinkedAt));
        Assert.Null(found.Item2);
        Assert.Equal("links", found.Item3!.Slug);
        Assert.Equal(["sso.link"], await AuditedWrites.ActionsAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task CreateAsync_StoresTheAccountItsMembershipAndLinkTogether_OrNoneOfThem(string provider)
    {
        var host = await StartAsync(provider);
        var (practice, connection) = await AddConnectionAsync(host, "jit");
        (Account, SsoLink) Person(string username)
        {
            var account = new Account
            {
                Username = username, NormalizedUsername = Account.Normalize(username), Email = $"{username}@jit.example", NormalizedEmail = Account.Normalize($"{username}@jit.example"),
                DisplayName = username, Status = AccountStatus.Active, CreatedAt = Now,
            };
            account.Memberships.Add(new Membership { AccountId = account.Id, OrganizationId = practice.Id, Roles = PracticeRoles.Staff, CreatedAt = Now });
            return (account, new SsoLink { ConnectionId = connection.Id, Subject = $"sub-{username}", AccountId = account.Id, LinkedBy = "created", LinkedAt = Now });
        }

        Task CreateAsync((Account Account, SsoLink Link) person, bool fail) => host.WithAsync<IServiceProvider>(services =>
            services.GetRequiredService<ISsoLinkStore>().CreateAsync(person.Account, person.Link, async ct =>
            {
                await AuditedWrites.RecordAsync(services, "account.create", person.Account.Id.ToString(), ct);
                if (fail)
                {
                    throw new AuditedWrites.Refused();
                }
            }, CancellationToken.None));

        var created = Person("created.person");
        await CreateAsync(created, fail: false);
        await Assert.ThrowsAsync<AuditedWrites.Refused>(() => CreateAsync(Person("refused.person"), fail: true));

        var accounts = await host.DbAsync(db => db.Accounts.AsNoTracking().Include(a => a.Memberships).ToListAsync());
        var account = Assert.Single(accounts);
        Assert.Equal(("created.person", practice.Id, MembershipStatus.Active), (account.Username, Assert.Single(account.Memberships).OrganizationId, account.Memberships[0].Status));
        var link = await host.WithAsync<ISsoLinkStore, SsoLink?>(store => store.FindLinkAsync(connection.Id, "sub-created.person", CancellationToken.None));
        Assert.Equal((created.Item1.Id, "created"), (link!.AccountId, link.LinkedBy));
        Assert.Equal(0, await host.DbAsync(db => db.SsoLinks.CountAsync(l => l.Subject == "sub-refused.person")));
        Assert.Equal(["account.create"], await AuditedWrites.ActionsAsync(host));
    }
}
