using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore.Models;
using Signpost.Core.Accounts;
using Signpost.Web.Infrastructure;
using Signpost.Web.OpenIdProvider;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Admin;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Authorization;

/// <summary>
/// One practice of the matrix's world and everything that identifies it: what must never show in the
/// other practice's answers.
/// </summary>
/// <param name="SharedTrace">The attempt the person of both practices made at this one.</param>
public sealed record Practice(
    string Slug, Guid Id, string Name, string Address, string ClientIp, Account Admin, Account Member,
    IReadOnlyList<string> Traces, string SsoTrace, Guid IncidentId, string SharedTrace = "")
{
    /// <summary>
    /// Strings that name this practice, its own people or what happened at it; none may appear in an answer to
    /// the other practice (the person of both practices is named by neither list: both admins may see them).
    /// </summary>
    public IReadOnlyList<string> IdentifyingStrings =>
    [
        Slug, Name, Address, ClientIp,
        Admin.Username, Admin.Email, Admin.Id.ToString(), Member.Username, Member.Email, Member.DisplayName, Member.Id.ToString(),
        SsoTrace, IncidentId.ToString(), SharedTrace, .. Traces,
    ];

    /// <summary>This practice's resources for a route.</summary>
    public Target Target => new(Slug, Id, Member.Id, Traces[0], SsoTrace, IncidentId);
}

/// <summary>
/// The matrix's world, seeded through the real app: practices A and B, each with an administrator, a Staff
/// member, failed sign-ins (trace IDs) from its own address, an SSO failure and an incident; a support
/// agent and a platform admin; each caller signed in through the sign-in page with an anti-forgery token
/// for its forms.
/// </summary>
public sealed class MatrixWorld : IDisposable
{
    /// <summary>Discovery at a closed loopback port: the connection exists, every attempt to reach it fails at once.</summary>
    public const string UnreachableDiscovery = "http://127.0.0.1:9/.well-known/openid-configuration";

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

    private readonly Dictionary<Caller, SignedInCaller> _callers = [];

    private MatrixWorld(MatrixApp app, Practice a, Practice b, Account shared, Account support, Account platformAdmin)
    {
        App = app;
        A = a;
        B = b;
        SharedPerson = shared;
        Support = support;
        PlatformAdmin = platformAdmin;
    }

    public MatrixApp App { get; }

    public Practice A { get; private set; }

    public Practice B { get; private set; }

    /// <summary>A Staff member of both practices, with one failed attempt at each.</summary>
    public Account SharedPerson { get; }

    public Account Support { get; }

    public Account PlatformAdmin { get; }

    /// <summary>A browser and its anti-forgery token: what a caller sends every request with.</summary>
    public sealed record SignedInCaller(TestBrowser Browser, string Token);

    /// <summary>The resources a variant names.</summary>
    public Target TargetFor(Variant variant) => variant switch
    {
        Variant.B => B.Target,
        Variant.AWithB => B.Target with { Slug = A.Slug, PracticeId = A.Id },
        Variant.Shared => A.Target with { PersonId = SharedPerson.Id, Trace = A.SharedTrace },
        _ => A.Target,
    };

    /// <summary>The account a caller signs in as; null for the anonymous caller.</summary>
    public Account? AccountOf(Caller caller) => caller switch
    {
        Caller.Staff => A.Member,
        Caller.AdminA => A.Admin,
        Caller.AdminB => B.Admin,
        Caller.Support => Support,
        Caller.PlatformAdmin => PlatformAdmin,
        _ => null,
    };

    /// <summary>The practice whose data the caller may see, if the caller belongs to one; the other practice's strings must not reach them.</summary>
    public Practice? ForeignTo(Caller caller) => caller switch
    {
        Caller.Staff or Caller.AdminA => B,
        Caller.AdminB => A,
        _ => null,
    };

    /// <summary>The caller's long-lived session.</summary>
    public SignedInCaller SessionOf(Caller caller) => _callers[caller];

    /// <summary>A session of its own for a request that ends it (sign-out).</summary>
    public async Task<SignedInCaller> FreshSessionAsync(Caller caller) =>
        await SignInAsync(App, AccountOf(caller));

    /// <summary>The portal application the world registers for practice A.</summary>
    public const string ClientId = "matrix-portal";

    public static async Task<MatrixWorld> SeedAsync(MatrixApp app)
    {
        var a = await PracticeAsync(app, "mxa", "Ashgrove Family Clinic", "12 Larch Row", "198.18.10.21");
        var b = await PracticeAsync(app, "mxb", "Bramblewood Pediatrics", "417 Quarry Lane", "198.18.20.42");
        var shared = await SharedPersonAsync(app, a, b);
        a = a with { SharedTrace = await FailedAttemptAsync(app, shared, a) };
        b = b with { SharedTrace = await FailedAttemptAsync(app, shared, b) };
        // A portal application of A's, for the client pages (/platform/clients/{clientId}).
        await app.WithServicesAsync(services => services.GetRequiredService<ClientRegistry>().AddAsync(new ClientRequest(
            ClientId, "Matrix portal", false, ["https://portal.matrix.example/cb"], [], null, ["openid"], [a.Slug], false, null, null), CancellationToken.None).Done());
        var support = await app.PersonAsync("mxsupport", null, PracticeRoles.None, platform: PlatformRoles.SupportAgent);
        var platformAdmin = await app.PersonAsync("mxplatform", null, PracticeRoles.None, platform: PlatformRoles.PlatformAdmin);
        var world = new MatrixWorld(app, a, b, shared, support, platformAdmin);
        foreach (var caller in Enum.GetValues<Caller>())
        {
            world._callers[caller] = await SignInAsync(app, world.AccountOf(caller));
        }

        // Each practice's admin files an incident about their member's failure, with a screenshot.
        world.A = a with { IncidentId = await IncidentAsync(world.SessionOf(Caller.AdminA).Browser, a) };
        world.B = b with { IncidentId = await IncidentAsync(world.SessionOf(Caller.AdminB).Browser, b) };

        // Each admin has already probed the other practice (by slug, and by ID through the credential audit), so the
        // audit trail holds cross-practice refusals whatever order the cells run in: an answer that lists a
        // practice's history must not name the prober or their practice.
        foreach (var (prober, other) in new[] { (Caller.AdminB, a), (Caller.AdminA, b) })
        {
            var browser = world.SessionOf(prober).Browser;
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/admin/{other.Slug}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/admin/{other.Slug}/credential-audit")).StatusCode);
        }
        return world;
    }

    /// <summary>
    /// What the matrix's harmless requests must leave as they were: every organization with its details,
    /// policy and networks, every account with its state, version, platform roles and memberships, and the SSO connections.
    /// </summary>
    public Task<string> FingerprintAsync() => App.WithDbAsync(async db =>
    {
        var organizations = await db.Organizations.AsNoTracking().Include(o => o.NetworkRanges).OrderBy(o => o.Slug).ToListAsync();
        var accounts = await db.Accounts.AsNoTracking().Include(a => a.Memberships).OrderBy(a => a.Username).ToListAsync();
        var connections = await db.SsoConnections.AsNoTracking().OrderBy(c => c.OrganizationId).ToListAsync();
        var clients = await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking().OrderBy(c => c.ClientId).ToListAsync();
        return JsonSerializer.Serialize(new
        {
            organizations = organizations.Select(o => new { o.Slug, o.Name, o.Address, o.TaxId, o.TimeZone, o.GroupNpis, Policy = JsonSerializer.Serialize(o.Policy), Ranges = o.NetworkRanges.Count }),
            accounts = accounts.Select(a => new
            {
                a.Username, a.Email, Status = a.Status.ToString(), a.Version, Platform = a.PlatformRoles.ToString(), a.MustChangePassword, a.PasswordExpiryExtensionDays,
                Memberships = a.Memberships.OrderBy(m => m.OrganizationId).Select(m => $"{m.OrganizationId}:{m.Roles}:{m.Status}"),
            }),
            connections = connections.Select(c => new { c.OrganizationId, c.DiscoveryUrl, c.ClientId, c.Enabled }),
            clients = clients.Select(c => new { c.ClientId, c.ClientSecret, c.DisplayName, c.RedirectUris, c.PostLogoutRedirectUris, c.Permissions, c.Properties, c.Settings }),
        });
    });

    public void Dispose()
    {
        foreach (var caller in _callers.Values)
        {
            caller.Browser.Dispose();
        }
    }

    private static async Task<Practice> PracticeAsync(MatrixApp app, string prefix, string name, string street, string clientIp)
    {
        var slug = TestAccounts.Unique(prefix);
        var unique = slug[^8..];
        var fullName = $"{name} {unique}";
        var address = $"{street} {unique}";
        var organization = await app.CreateOrganizationAsync(slug, fullName);
        await app.WithDbAsync(async db =>
        {
            var stored = await db.Organizations.SingleAsync(o => o.Id == organization.Id);
            stored.Address = address;
            return await db.SaveChangesAsync();
        });
        var admin = await app.PersonAsync($"{prefix}admin", slug, PracticeRoles.PracticeAdmin | PracticeRoles.Staff);
        var member = await app.PersonAsync($"{prefix}staff", slug, PracticeRoles.Staff);
        await app.WithServicesAsync(services => services.GetRequiredService<SsoConnectionManager>().SaveAsync(
            slug, new SsoConnectionRequest(UnreachableDiscovery, "matrix-client", "matrix-secret"), CancellationToken.None).Done());

        // Two wrong passwords from the practice's own address (below any lockout), then an SSO start that fails.
        using var seeding = app.CreateBrowser();
        seeding.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, clientIp);
        var traces = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var failed = await seeding.ApiSignInAsync(member.Username, TestAccounts.WrongPassword);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            traces.Add((await TestBrowser.JsonAsync(failed)).GetProperty("traceId").GetString()!);
        }

        var sso = await seeding.GetAsync($"/sso/{slug}");
        var location = sso.Headers.Location?.OriginalString ?? "";
        Assert.True(location.StartsWith("/sso/failed?trace=", StringComparison.Ordinal), $"An SSO start toward a closed port should fail to /sso/failed; it answered {(int)sso.StatusCode} {location}");
        var ssoTrace = location["/sso/failed?trace=".Length..];
        return new Practice(slug, organization.Id, fullName, address, clientIp, admin, member, traces, ssoTrace, Guid.Empty);
    }

    /// <summary>A Staff member of A who also joined B (as a person working at two practices does).</summary>
    private static async Task<Account> SharedPersonAsync(MatrixApp app, Practice a, Practice b)
    {
        var shared = await app.PersonAsync("mxboth", a.Slug, PracticeRoles.Staff);
        await app.WithDbAsync(db =>
        {
            db.Memberships.Add(new Membership { AccountId = shared.Id, OrganizationId = b.Id, Roles = PracticeRoles.Staff, CreatedAt = DateTimeOffset.UtcNow });
            return db.SaveChangesAsync();
        });
        return shared;
    }

    /// <summary>A wrong password for <paramref name="person"/> at <paramref name="practice"/>, from the practice's address; its trace ID.</summary>
    private static async Task<string> FailedAttemptAsync(MatrixApp app, Account person, Practice practice)
    {
        using var browser = app.CreateBrowser();
        browser.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, practice.ClientIp);
        var failed = await browser.Http.PostAsJsonAsync("/api/v1/sign-in", new { identifier = person.Username, password = TestAccounts.WrongPassword, organization = practice.Slug });
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        var trace = (await TestBrowser.JsonAsync(failed)).GetProperty("traceId").GetString()!;
        Assert.Equal(practice.Id, (await app.EventAsync(trace)).OrganizationId);
        return trace;
    }

    private static async Task<SignedInCaller> SignInAsync(MatrixApp app, Account? account)
    {
        var browser = app.CreateBrowser();
        if (account is not null)
        {
            var signedIn = await browser.SignInAsync(account.Username, TestAccounts.Password);
            Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{account.Username} could not sign in: {(int)signedIn.StatusCode}");
        }

        // The token is bound to the signed-in person, so it is read after signing in; the sign-out page always has a form.
        var (_, page) = await browser.GetPageAsync("/sign-out");
        var token = page.QuerySelector($"input[name={FormGuard.FieldName}]")?.GetAttribute("value");
        Assert.False(string.IsNullOrEmpty(token), "The sign-out page carries no anti-forgery token.");
        return new SignedInCaller(browser, token!);
    }

    private static async Task<Guid> IncidentAsync(TestBrowser admin, Practice practice)
    {
        var response = await admin.Http.PostAsJsonAsync("/api/v1/incidents", new
        {
            organizationId = practice.Id,
            accountId = practice.Member.Id,
            title = $"{practice.Member.DisplayName} cannot sign in",
            description = $"{practice.Member.Username} at {practice.Name}, {practice.Address}, fails every morning.",
            traceIds = practice.Traces,
            screenshot = Convert.ToBase64String(Png),
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"The incident of {practice.Slug} was not created: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("incident").GetProperty("id").GetGuid();
    }
}
