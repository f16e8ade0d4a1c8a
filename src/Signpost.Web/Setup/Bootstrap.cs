using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Lockout;
using Signpost.Core.Organizations;
using Signpost.Core.Tokens;
using Signpost.Data;
using Signpost.Web.Cli;
using Signpost.Web.Infrastructure;
using Signpost.Web.OpenIdProvider;
using Signpost.Web.Platform;

namespace Signpost.Web.Setup;

/// <summary>First run (a platform admin with a one-time activation link, never a default password) and the demo practice.</summary>
public sealed class Bootstrap(
    SignpostDbContext db,
    PlatformProvisioning provisioning,
    ActivationService activation,
    ILockoutStore lockouts,
    IOptions<SignpostOptions> options,
    TimeProvider time,
    ClientRegistry clients)
{
    public const string AdminUsername = "admin";
    public const string DemoPassword = "riverside demo password";
    public const string DemoSlug = "riverside";

    /// <summary>The sample portal (samples/Portal) as the demo registers it: a public client, so no secret is published anywhere.</summary>
    public const string DemoPortalClientId = "riverside-portal";

    /// <summary>Where the sample portal listens by default (its Properties/launchSettings.json and appsettings.json).</summary>
    public const string DemoPortalOrigin = "http://localhost:5002";

    /// <summary>The accounts <see cref="SeedDemoAsync"/> creates; with <see cref="AdminUsername"/>, all a demo database holds.</summary>
    public static readonly IReadOnlyList<string> DemoUsernames = ["demo.active", "demo.admin", "demo.support", "demo.locked", "demo.expired", "demo.disabled", "demo.pending"];

    /// <summary>
    /// What the database holds besides the demo (practices other than the demo's, accounts other than the
    /// demo's and the first-run platform admin), said in a few words; null when it holds nothing else or
    /// nothing at all. Asked before migrating, so a real database is not touched.
    /// </summary>
    public async Task<string?> NonDemoDataAsync(CancellationToken cancellationToken)
    {
        if (!(await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Any())
        {
            return null;
        }

        var practices = await db.Organizations.CountAsync(o => o.Slug != DemoSlug, cancellationToken);
        var names = DemoUsernames.Append(AdminUsername).ToList();
        var accounts = await db.Accounts.CountAsync(a => !names.Contains(a.Username), cancellationToken);
        return practices == 0 && accounts == 0 ? null : $"{practices} practice(s) and {accounts} account(s) that are not the demo's";
    }

    /// <summary>
    /// While no platform admin has a password, issues a fresh one-time link (voiding older ones) so the
    /// operator who lost the console output can still get in. Null once an admin is active.
    /// </summary>
    public async Task<string?> EnsurePlatformAdminAsync(CancellationToken cancellationToken)
    {
        var admins = await db.Accounts.Where(a => a.PlatformRoles != PlatformRoles.None).ToListAsync(cancellationToken);
        if (admins.Any(a => a.PlatformRoles.HasFlag(PlatformRoles.PlatformAdmin) && a.Status == AccountStatus.Active))
        {
            return null;
        }

        var admin = admins.FirstOrDefault(a => a.Username == AdminUsername) ?? await CreateFirstAdminAsync(cancellationToken);
        var token = await activation.IssueAsync(admin.Id, TimeSpan.FromDays(1), cancellationToken);
        return Link(token);
    }

    /// <summary>
    /// Creates the pending <see cref="AdminUsername"/>; when another node starting on the same new database created it
    /// after this node looked (provisioning then finds the username taken, or the unique index refuses the insert),
    /// uses that one instead of failing the start.
    /// </summary>
    private async Task<Account> CreateFirstAdminAsync(CancellationToken cancellationToken)
    {
        Core.Administration.AdminResult<Account>? created = null;
        try
        {
            created = await provisioning.CreateAccountAsync(null, AdminUsername, "admin@signpost.invalid", "Platform administrator", null,
                PracticeRoles.None, PlatformRoles.PlatformAdmin | PlatformRoles.SupportAgent, null, cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear(); // the refused insert stays staged otherwise, and the link's save would try it again
        }

        if (created is { Succeeded: true, Value: { } account })
        {
            return account;
        }

        return await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Username == AdminUsername, cancellationToken)
            ?? created?.ValueOrThrow() // refused for another reason: say which
            ?? throw new InvalidOperationException($"The first platform admin '{AdminUsername}' could not be created.");
    }

    public string Link(string token) => $"{options.Value.PublicBaseUrl.TrimEnd('/')}/activate?token={token}";

    /// <summary>The demo practice with one account in each state; safe to run at every start.</summary>
    public async Task<IReadOnlyList<(string Username, string State, string HowTo)>> SeedDemoAsync(CancellationToken cancellationToken)
    {
        var organization = await db.Organizations.FirstOrDefaultAsync(o => o.Slug == DemoSlug, cancellationToken);
        if (organization is null)
        {
            // A database whose data clashes with the demo's (its NPI or an email taken) is refused, and `serve --demo` says why.
            organization = await provisioning.CreateOrganizationAsync(DemoSlug, "Riverside Family Practice", "123456789", "America/Chicago", cancellationToken).OrRefuse();
            organization.Address = "100 River Road, Springfield, IL 62701";
            organization.GroupNpis = ["1234567893"];
            organization.Policy.PasswordExpiryDays = 365; // on for the demo, to show the expired path; off by default
            organization.NetworkRanges = [new NetworkRange { Cidr = "127.0.0.0/8", Label = "LAN" }, new NetworkRange { Cidr = "::1/128", Label = "LAN" }];
            await db.SaveChangesAsync(cancellationToken);
        }

        var now = time.GetUtcNow();
        var rows = new List<(string, string, string)>();
        async Task<Account> Ensure(string username, string name, string? npi, PracticeRoles roles, PlatformRoles platform, string? password)
        {
            var existing = await db.Accounts.FirstOrDefaultAsync(a => a.Username == username, cancellationToken);
            return existing ?? await provisioning.CreateAccountAsync(DemoSlug, username, $"{username}@riverside.example", name, npi, roles, platform, password, cancellationToken).OrRefuse();
        }

        await Ensure("demo.active", "Dana Active", "1245319599", PracticeRoles.Staff | PracticeRoles.Provider, PlatformRoles.None, DemoPassword);
        rows.Add(("demo.active", "active", $"signs in with \"{DemoPassword}\" (also by email demo.active@riverside.example or NPI 1245319599)"));

        await Ensure("demo.admin", "Avery Admin", null, PracticeRoles.PracticeAdmin | PracticeRoles.Staff, PlatformRoles.None, DemoPassword);
        rows.Add(("demo.admin", "practice administrator", $"signs in with \"{DemoPassword}\""));

        await Ensure("demo.support", "Sam Support", null, PracticeRoles.None, PlatformRoles.SupportAgent, DemoPassword);
        rows.Add(("demo.support", "payer support agent", $"signs in with \"{DemoPassword}\" and may read /api/v1/events/{{traceId}}"));

        var locked = await Ensure("demo.locked", "Lee Locked", null, PracticeRoles.Staff, PlatformRoles.None, DemoPassword);
        await lockouts.LockAsync(locked.Id, LockoutCounter.UntrustedKey, 10, now.AddDays(1), cancellationToken);
        rows.Add(("demo.locked", "locked", "even the right password shows \"not recognised\" in a new browser: a lock never confirms a guess; support sees account_locked by trace ID"));

        var expired = await Ensure("demo.expired", "Eli Expired", null, PracticeRoles.Staff, PlatformRoles.None, DemoPassword);
        await db.Accounts.Where(a => a.Id == expired.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordChangedAt, now.AddDays(-400)), cancellationToken);
        rows.Add(("demo.expired", "password expired", $"\"{DemoPassword}\" leads to the change-password page"));

        var disabled = await Ensure("demo.disabled", "Dee Disabled", null, PracticeRoles.Staff, PlatformRoles.None, DemoPassword);
        await db.Accounts.Where(a => a.Id == disabled.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AccountStatus.Disabled), cancellationToken);
        rows.Add(("demo.disabled", "disabled", $"\"{DemoPassword}\" shows that the account is disabled; a wrong one shows \"not recognised\""));

        var pending = await Ensure("demo.pending", "Pat Pending", null, PracticeRoles.Staff, PlatformRoles.None, null);
        if (pending.Status == AccountStatus.PendingActivation)
        {
            var token = await activation.IssueAsync(pending.Id, ActivationService.DefaultLifetime, cancellationToken);
            rows.Add(("demo.pending", "pending activation", $"activate at {Link(token)}"));
        }
        else
        {
            rows.Add(("demo.pending", "activated already", "signs in with the password chosen at activation"));
        }

        db.ChangeTracker.Clear();
        return rows;
    }

    /// <summary>
    /// Registers the sample portal (samples/Portal) as a client of the demo practice, once: a restart finds it and
    /// leaves it, with whatever the operator changed since. Public (PKCE, no secret), so the portal needs no secret
    /// and none is printed or published (docs/oidc-provider.md "The sample portal").
    /// </summary>
    /// <returns>True when it was registered now, false when it was there already.</returns>
    public async Task<bool> SeedDemoPortalAsync(CancellationToken cancellationToken)
    {
        if ((await clients.ShowAsync(DemoPortalClientId, cancellationToken)).Succeeded)
        {
            return false;
        }

        (await clients.AddAsync(new ClientRequest(
            DemoPortalClientId,
            "Riverside provider portal (sample)",
            Public: true,
            RedirectUris: [DemoPortalOrigin + "/signin-oidc"],
            PostLogoutRedirectUris: [DemoPortalOrigin + "/signout-callback-oidc"],
            BackChannelLogoutUri: null,
            Scopes: ["openid", "profile", "email", OpenIdProviderServiceCollectionExtensions.NpiScope, OpenIdProviderServiceCollectionExtensions.PracticesScope],
            Practices: [DemoSlug],
            ClientCredentials: false,
            AccessTokenMinutes: null,
            RefreshTokenHours: null), cancellationToken)).ValueOrThrow();
        return true;
    }
}
