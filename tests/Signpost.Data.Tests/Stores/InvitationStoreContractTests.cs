using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// Invitations (docs/security.md, "Adding an existing person"): an offer only over the account version the
/// administrator read, the person's answer for every waiting offer at once, each with its audit entries in
/// the same transaction.
/// </summary>
public sealed class InvitationStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private static async Task<Organization> AddPracticeAsync(StoreHost host, string name)
    {
        var practice = new Organization { Slug = name.ToLowerInvariant().Replace(' ', '-'), Name = name, CreatedAt = Now.AddYears(-1) };
        await host.DbAsync(async db =>
        {
            db.Organizations.Add(practice);
            await db.SaveChangesAsync();
        });
        return practice;
    }

    private static Task<bool> OfferAsync(StoreHost host, Guid accountId, int version, Guid organizationId, PracticeRoles roles, DateTimeOffset at, bool fail = false) =>
        host.WithAsync<IServiceProvider, bool>(services => services.GetRequiredService<IInvitationStore>().TryOfferAsync(accountId, version, organizationId, roles, at, async ct =>
        {
            await AuditedWrites.RecordAsync(services, "membership.invite", accountId.ToString(), ct);
            if (fail)
            {
                throw new AuditedWrites.Refused();
            }
        }, CancellationToken.None));

    private static Task<Account> AccountAsync(StoreHost host, Guid accountId) =>
        host.DbAsync(db => db.Accounts.AsNoTracking().Include(a => a.Memberships).SingleAsync(a => a.Id == accountId));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryOfferAsync_NewAndRemovedMemberships_BecomeInvitations_ListedByPracticeName(string provider)
    {
        // Arrange: a person who once left Zeta Clinic, now invited there and to Alpha Clinic.
        var host = await StartAsync(provider);
        var (zeta, alpha) = (await AddPracticeAsync(host, "Zeta Clinic"), await AddPracticeAsync(host, "Alpha Clinic"));
        var accountId = await host.AddAccountAsync("invited.person");
        await host.DbAsync(async db =>
        {
            db.Memberships.Add(new Membership { AccountId = accountId, OrganizationId = zeta.Id, Roles = PracticeRoles.Staff, Status = MembershipStatus.Removed, CreatedAt = Now.AddYears(-1) });
            await db.SaveChangesAsync();
        });

        // Act
        var first = await OfferAsync(host, accountId, 0, zeta.Id, PracticeRoles.Provider | PracticeRoles.PracticeAdmin, Now.AddMinutes(-5));
        var second = await OfferAsync(host, accountId, 1, alpha.Id, PracticeRoles.Staff, Now);

        // Assert: the old membership reopened (one row per practice), the version moved once per offer.
        var offers = await host.WithAsync<IInvitationStore, IReadOnlyList<InvitationOffer>>(store => store.ListOffersAsync(accountId, CancellationToken.None));
        var account = await AccountAsync(host, accountId);
        Assert.True(first && second);
        Assert.Equal([("Alpha Clinic", PracticeRoles.Staff, Now), ("Zeta Clinic", PracticeRoles.Provider | PracticeRoles.PracticeAdmin, Now.AddMinutes(-5))],
            offers.Select(o => (o.PracticeName, o.Roles, o.InvitedAt)));
        Assert.Equal(2, account.Version);
        Assert.Equal(2, account.Memberships.Count);
        Assert.Contains(account.Memberships, m => m.OrganizationId == zeta.Id && offers.Any(o => o.MembershipId == m.Id));
        Assert.Equal(["membership.invite", "membership.invite"], await AuditedWrites.ActionsAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryOfferAsync_StaleVersionOrFailedAudit_ChangesNothing(string provider)
    {
        var host = await StartAsync(provider);
        var practice = await AddPracticeAsync(host, "Stale Clinic");
        var accountId = await host.AddAccountAsync("stale.person");

        var stale = await OfferAsync(host, accountId, 7, practice.Id, PracticeRoles.Staff, Now);
        await Assert.ThrowsAsync<AuditedWrites.Refused>(() => OfferAsync(host, accountId, 0, practice.Id, PracticeRoles.Staff, Now, fail: true));

        var account = await AccountAsync(host, accountId);
        Assert.False(stale);
        Assert.Equal((0, 0), (account.Version, account.Memberships.Count));
        Assert.Empty(await AuditedWrites.ActionsAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AnswerAsync_AcceptsTheNamedOffers_RemovesTheOthers_LeavesActiveOnes_AndAuditsInTheSameTransaction(string provider)
    {
        // Arrange: already a member of Home; invited to Accept and Decline.
        var host = await StartAsync(provider);
        var (home, accept, decline) = (await AddPracticeAsync(host, "Home Clinic"), await AddPracticeAsync(host, "Accept Clinic"), await AddPracticeAsync(host, "Decline Clinic"));
        var accountId = await host.AddAccountAsync("answering.person");
        await host.DbAsync(async db =>
        {
            db.Memberships.Add(new Membership { AccountId = accountId, OrganizationId = home.Id, Status = MembershipStatus.Active, CreatedAt = Now.AddYears(-1) });
            db.Memberships.Add(new Membership { AccountId = accountId, OrganizationId = accept.Id, Status = MembershipStatus.Invited, CreatedAt = Now });
            db.Memberships.Add(new Membership { AccountId = accountId, OrganizationId = decline.Id, Status = MembershipStatus.Invited, CreatedAt = Now });
            await db.SaveChangesAsync();
        });
        var offers = await host.WithAsync<IInvitationStore, IReadOnlyList<InvitationOffer>>(store => store.ListOffersAsync(accountId, CancellationToken.None));
        var accepted = offers.Where(o => o.PracticeName == "Accept Clinic").Select(o => o.MembershipId).ToList();

        // Act: first an answer whose audit fails (nothing kept), then the real one.
        Task AnswerAsync(List<(string?, MembershipStatus)> seen, bool fail) => host.WithAsync<IServiceProvider>(services =>
            services.GetRequiredService<IInvitationStore>().AnswerAsync(accountId, accepted, async (account, answered, ct) =>
            {
                seen.AddRange(answered.Select(m => (m.Organization?.Name, m.Status)));
                seen.Add(("version " + account.Version, MembershipStatus.Active));
                await AuditedWrites.RecordAsync(services, "invitation.answer", accountId.ToString(), ct);
                if (fail)
                {
                    throw new AuditedWrites.Refused();
                }
            }, CancellationToken.None));
        await Assert.ThrowsAsync<AuditedWrites.Refused>(() => AnswerAsync([], fail: true));
        var untouched = await AccountAsync(host, accountId);
        var seen = new List<(string?, MembershipStatus)>();
        await AnswerAsync(seen, fail: false);

        // Assert
        Assert.Equal((0, 2), (untouched.Version, untouched.Memberships.Count(m => m.Status == MembershipStatus.Invited)));
        Assert.Equal([("Accept Clinic", MembershipStatus.Active), ("Decline Clinic", MembershipStatus.Removed), ("version 1", MembershipStatus.Active)], seen.Order());
        var account = await AccountAsync(host, accountId);
        Assert.Equal(1, account.Version);
        Assert.Equal([(home.Id, MembershipStatus.Active), (accept.Id, MembershipStatus.Active), (decline.Id, MembershipStatus.Removed)],
            account.Memberships.Select(m => (m.OrganizationId, m.Status)).OrderBy(m => m.Item1 == home.Id ? 0 : m.Item1 == accept.Id ? 1 : 2));
        Assert.Empty(await host.WithAsync<IInvitationStore, IReadOnlyList<InvitationOffer>>(store => store.ListOffersAsync(accountId, CancellationToken.None)));
        Assert.Equal(["invitation.answer"], await AuditedWrites.ActionsAsync(host));
    }
}
