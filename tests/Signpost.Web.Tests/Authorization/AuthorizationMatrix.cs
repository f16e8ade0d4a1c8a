using Signpost.Core.Reasons;
using static Signpost.Web.Tests.Authorization.Expectations;

namespace Signpost.Web.Tests.Authorization;

/// <summary>
/// Every endpoint and page of the app, and who may reach it with whose resources. One row per route
/// pattern and method as the endpoint data source lists them; <see cref="AuthorizationMatrixTests"/> fails
/// when a route has no row or a row no route. How to add a row: docs/testing.md, "The authorization matrix".
/// </summary>
/// <remarks>
/// Bodies are harmless on purpose: a version no record carries (409 stale after the person was found),
/// mismatched new passwords, a form without its issue stamp, a JSON body missing a field. An allowed
/// caller reaches the resource and is told no about the body; a refused one never gets that far.
/// </remarks>
public static class AuthorizationMatrix
{
    /// <summary>A version no account or incident carries: the act finds its target, then refuses as stale.</summary>
    public const string StaleVersion = "999999";

    private static readonly Variant[] NoTarget = [Variant.None];
    private static readonly Variant[] EachPractice = [Variant.A, Variant.B];
    private static readonly Variant[] EachPracticeAndForged = [Variant.A, Variant.B, Variant.AWithB, Variant.Shared];
    private static readonly Variant[] EachPracticeAndShared = [Variant.A, Variant.B, Variant.Shared];

    private static readonly Expect Page = SignedIn(page: true);
    private static readonly Expect NoSamlConnection = (_, _) => Outcome.NotFound;
    private static readonly Expect Api = SignedIn(page: false);

    public static IReadOnlyList<MatrixEntry> Entries { get; } =
    [
        // Signing in and out, recovery, activation: open to anyone; the pages check their own tokens and stamps.
        Get("/", NoTarget, Page, _ => "/"),
        Get("/sign-in", NoTarget, Public, _ => "/sign-in"),
        Form("/sign-in", NoTarget, Public, _ => "/sign-in", ("identifier", "nobody"), ("password", "wrong")),
        Get("/o/{slug}", EachPractice, Public, t => $"/o/{t.Slug}") with { ShowsNamedPractice = true },
        Form("/o/{slug}", EachPractice, Public, t => $"/o/{t.Slug}", ("identifier", "nobody"), ("password", "wrong")) with { ShowsNamedPractice = true },
        Get("/sign-out", NoTarget, Public, _ => "/sign-out"),
        Form("/sign-out", NoTarget, Public, _ => "/sign-out") with { EndsSession = true },
        Json("POST", "/api/v1/sign-in", NoTarget, Public, _ => "/api/v1/sign-in", _ => new { }),
        Get("/sign-in/verify", NoTarget, Public, _ => "/sign-in/verify"),
        Form("/sign-in/verify", NoTarget, Public, _ => "/sign-in/verify", ("code", "000000")),
        Form("/sign-in/verify?handler=PasskeyOptions", NoTarget, Public, _ => "/sign-in/verify?handler=PasskeyOptions"),
        Form("/sign-in/verify?handler=Passkey", NoTarget, Public, _ => "/sign-in/verify?handler=Passkey", ("response", "{}"), ("state", "")),
        Get("/sign-in/passkey", NoTarget, Public, _ => "/sign-in/passkey"),
        Form("/sign-in/passkey", NoTarget, Public, _ => "/sign-in/passkey", ("response", "{}"), ("state", "")),
        Form("/sign-in/passkey?handler=Options", NoTarget, Public, _ => "/sign-in/passkey?handler=Options"),
        Json("POST", "/api/v1/sign-in/second-factor", NoTarget, Public, _ => "/api/v1/sign-in/second-factor", _ => new { }),
        Json("POST", "/api/v1/sign-out", NoTarget, Api, _ => "/api/v1/sign-out", _ => new { }) with { EndsSession = true },
        Get("/activate", NoTarget, Public, _ => "/activate?token=not-a-token"),
        Form("/activate", NoTarget, Public, _ => "/activate", ("token", "not-a-token"), ("newPassword", "one sentence of words"), ("confirm", "another sentence of words")),
        Get("/invitation", NoTarget, Public, _ => "/invitation?token=not-a-token"),
        Form("/invitation", NoTarget, Public, _ => "/invitation", ("token", "not-a-token")),
        Get("/forgot-password", NoTarget, Public, _ => "/forgot-password"),
        Form("/forgot-password", NoTarget, Public, _ => "/forgot-password", ("identifier", "nobody")),
        Get("/unlock", NoTarget, Public, _ => "/unlock"),
        Form("/unlock", NoTarget, Public, _ => "/unlock", ("identifier", "nobody")),
        Get("/unlock/confirm", NoTarget, Public, _ => "/unlock/confirm?token=not-a-token"),
        Form("/unlock/confirm", NoTarget, Public, _ => "/unlock/confirm", ("token", "not-a-token")),
        Get("/reset-password", NoTarget, Public, _ => "/reset-password?token=not-a-token"),
        Form("/reset-password", NoTarget, Public, _ => "/reset-password", ("token", "not-a-token"), ("newPassword", "one sentence of words"), ("confirm", "another sentence of words")),
        Get("/sso", NoTarget, Public, _ => "/sso?email=someone%40nowhere.example"),
        Get("/sso/{slug}", EachPractice, Public, t => $"/sso/{t.Slug}"),
        Get("/sso/failed", EachPractice, Public, t => $"/sso/failed?trace={t.SsoTrace}"),
        // A SAML practice's metadata and assertion consumer service are public (the provider posts cross-site); the
        // matrix's practices federate by OpenID Connect, so both are missing for everyone here (Sso/Saml tests cover SAML practices).
        Get("/sso/saml/{slug}", EachPractice, NoSamlConnection, t => $"/sso/saml/{t.Slug}"),
        Form("/sso/saml/{slug}/acs", EachPractice, NoSamlConnection, t => $"/sso/saml/{t.Slug}/acs", ("SAMLResponse", "bm90IFhNTA==")),

        // The OpenID Connect provider for portal applications: the protocol decides (client, redirect URI, PKCE,
        // tokens), open to anyone; a portal's person signs in on the pages above (docs/oidc-provider.md).
        Get("/connect/authorize", NoTarget, Public, _ => "/connect/authorize?client_id=matrix&response_type=code&scope=openid"),
        Form("/connect/authorize", NoTarget, Public, _ => "/connect/authorize", ("client_id", "matrix"), ("response_type", "code")),
        Form("/connect/token", NoTarget, Public, _ => "/connect/token", ("grant_type", "authorization_code"), ("code", "not-a-code")),
        Get("/connect/userinfo", NoTarget, Public, _ => "/connect/userinfo"),
        Form("/connect/userinfo", NoTarget, Public, _ => "/connect/userinfo"),
        Get("/connect/endsession", NoTarget, Public, _ => "/connect/endsession"),
        Form("/connect/endsession", NoTarget, Public, _ => "/connect/endsession"),

        // Help for anyone: the reason catalogue, "Can't sign in?" (a trace shows only what its holder was shown), status;
        // the downtime procedure for those who run a practice or the platform.
        Get("/help", NoTarget, Public, _ => "/help"),
        Get("/help/codes", NoTarget, Public, _ => "/help/codes"),
        Get("/help/codes/{code}", NoTarget, Public, _ => $"/help/codes/{ReasonCodes.InvalidCredentials}"),
        Get("/cant-sign-in", EachPractice, Public, t => $"/cant-sign-in?trace={t.Trace}"),
        Form("/cant-sign-in", NoTarget, Public, _ => "/cant-sign-in", ("identifier", "nobody")),
        Form("/cant-sign-in?handler=Ask", NoTarget, Public, _ => "/cant-sign-in?handler=Ask", ("identifier", "nobody"), ("description", "matrix")),
        Get("/status", NoTarget, Public, _ => "/status"),
        Get("/status.json", NoTarget, Public, _ => "/status.json"),
        Get("/status.ics", NoTarget, Public, _ => "/status.ics"),
        Get("/downtime-procedure", NoTarget, AdministratorsAndPlatformStaff, _ => "/downtime-procedure"),
        Get("/healthz", NoTarget, Public, _ => "/healthz"),
        Get("/readyz", NoTarget, Public, _ => "/readyz"),
        Get("/openapi/{documentName}.json", NoTarget, Public, _ => "/openapi/v1.json"),

        // Mail links act as credentials: the mail viewer exists only in the loopback demo, never in this host.
        Get("/dev/mail/{id?}", NoTarget, Nobody, _ => "/dev/mail"),

        // The person's own account.
        Get("/account/sessions", NoTarget, Page, _ => "/account/sessions"),
        Form("/account/sessions?handler=EndOthers", NoTarget, Page, _ => "/account/sessions?handler=EndOthers"),
        Form("/account/sessions?handler=End", NoTarget, Page, _ => "/account/sessions?handler=End", ("id", "not-a-session")),
        Get("/account/second-factor", NoTarget, Page, _ => "/account/second-factor"),
        Form("/account/second-factor?handler=Start", NoTarget, Page, _ => "/account/second-factor?handler=Start", ("name", "")),
        Form("/account/second-factor?handler=Confirm", NoTarget, Page, _ => "/account/second-factor?handler=Confirm", ("id", Guid.Empty.ToString()), ("code", "000000")),
        Form("/account/second-factor?handler=Remove", NoTarget, Page, _ => "/account/second-factor?handler=Remove", ("id", Guid.Empty.ToString())),
        Form("/account/second-factor?handler=RecoveryCodes", NoTarget, Page, _ => "/account/second-factor?handler=RecoveryCodes"),
        Form("/account/second-factor?handler=PasskeyOptions", NoTarget, Page, _ => "/account/second-factor?handler=PasskeyOptions"),
        Form("/account/second-factor?handler=PasskeyAdd", NoTarget, Page, _ => "/account/second-factor?handler=PasskeyAdd", ("name", "key"), ("response", "{}"), ("state", "")),
        Form("/account/second-factor?handler=PasskeyRemove", NoTarget, Page, _ => "/account/second-factor?handler=PasskeyRemove", ("id", Guid.Empty.ToString())),
        Get("/account/password", NoTarget, Page, _ => "/account/password"),
        Form("/account/password", NoTarget, Page, _ => "/account/password", ("current", "not the password"), ("newPassword", "one sentence of words"), ("confirm", "another sentence of words")),
        Get("/account/change-password", NoTarget, Public, _ => "/account/change-password?ticket=not-a-ticket"),
        Form("/account/change-password", NoTarget, Public, _ => "/account/change-password", ("ticket", "not-a-ticket"), ("current", "x"), ("newPassword", "one sentence of words"), ("confirm", "another sentence of words")),

        // The practice console (pages): its own admins and platform admins.
        Get("/admin", NoTarget, Page, _ => "/admin"),
        Get("/admin/{slug}", EachPractice, Console(page: true), t => $"/admin/{t.Slug}"),
        Form("/admin/{slug}?handler=Invite", EachPractice, Console(page: true), t => $"/admin/{t.Slug}?handler=Invite"),
        Form("/admin/{slug}?handler=AddExisting", EachPractice, Console(page: true), t => $"/admin/{t.Slug}?handler=AddExisting"),
        Get("/admin/{slug}/users/{accountId}", EachPracticeAndForged, Console(page: true), t => $"/admin/{t.Slug}/users/{t.PersonId}"),
        MemberAct("Roles", ("roles", "Staff")),
        MemberAct("Disable"),
        MemberAct("Enable"),
        MemberAct("Unlock"),
        MemberAct("ForceReset"),
        MemberAct("ResetSecondFactor", ("checks", "photo-id")),
        MemberAct("Extend", ("days", "30")),
        MemberAct("Remove"),

        // Reassign checks the destination (here: the same practice, refused as invalid) before it looks the person up, so it has no forged variant.
        Form("/admin/{slug}/users/{accountId}?handler=Reassign", EachPractice, Console(page: true),
            t => $"/admin/{t.Slug}/users/{t.PersonId}?handler=Reassign", t => [new("version", StaleVersion), new("to", t.Slug)]),
        Get("/admin/{slug}/credential-audit", EachPractice, Console(page: true), t => $"/admin/{t.Slug}/credential-audit"),
        Get("/admin/{slug}/credential-audit?handler=Csv", EachPractice, Console(page: true), t => $"/admin/{t.Slug}/credential-audit?handler=Csv"),
        Get("/admin/{slug}/analytics", EachPractice, Console(page: true), t => $"/admin/{t.Slug}/analytics"),
        Get("/admin/{slug}/analytics?handler=Csv", EachPractice, Console(page: true), t => $"/admin/{t.Slug}/analytics?handler=Csv&table=summary"),

        // The members API: the same console over JSON.
        Get("/api/v1/organizations/{slug}/members", EachPractice, Console(page: false), t => $"/api/v1/organizations/{t.Slug}/members"),
        Json("POST", "/api/v1/organizations/{slug}/members", EachPractice, Console(page: false), t => $"/api/v1/organizations/{t.Slug}/members", _ => new { }),
        Json("POST", "/api/v1/organizations/{slug}/members/existing", EachPractice, Console(page: false), t => $"/api/v1/organizations/{t.Slug}/members/existing", _ => new { roles = "Staff" }),
        Get("/api/v1/organizations/{slug}/members/{accountId}", EachPracticeAndForged, Console(page: false), t => $"/api/v1/organizations/{t.Slug}/members/{t.PersonId}"),
        Json("PUT", "/api/v1/organizations/{slug}/members/{accountId}/roles", EachPracticeAndForged, Console(page: false),
            t => $"/api/v1/organizations/{t.Slug}/members/{t.PersonId}/roles", _ => new { version = int.Parse(StaleVersion, System.Globalization.CultureInfo.InvariantCulture), roles = new[] { "Staff" } }),
        MemberApiAct("disable"),
        MemberApiAct("enable"),
        MemberApiAct("unlock"),
        MemberApiAct("force-reset"),
        MemberApiAct("remove"),
        MemberApiAct("password-expiry-extension"),
        Json("POST", "/api/v1/organizations/{slug}/members/{accountId}/reassign", EachPractice, Console(page: false),
            t => $"/api/v1/organizations/{t.Slug}/members/{t.PersonId}/reassign", t => new { version = int.Parse(StaleVersion, System.Globalization.CultureInfo.InvariantCulture), to = t.Slug }),

        // The troubleshooter and the events behind trace IDs.
        Get("/api/v1/diagnoses/{traceId}", EachPracticeAndShared, DiagnosisOfAttempt, t => $"/api/v1/diagnoses/{t.Trace}"),
        Get("/api/v1/accounts/{id}/diagnosis", EachPracticeAndShared, DiagnosisOfPerson, t => $"/api/v1/accounts/{t.PersonId}/diagnosis"),
        Get("/api/v1/events/{traceId}", EachPracticeAndShared, SupportOnly(page: false), t => $"/api/v1/events/{t.Trace}"),
        Json("POST", "/api/v1/accounts/{id}/password-expiry-extension", EachPractice, SupportOnly(page: false), t => $"/api/v1/accounts/{t.PersonId}/password-expiry-extension", _ => new { days = 0 }),

        // Holds: a hold without a reason is refused before the account is read; a release of an account not held is refused after.
        Json("POST", "/api/v1/accounts/{id}/hold", EachPractice, SupportOnly(page: false), t => $"/api/v1/accounts/{t.PersonId}/hold", _ => new { }),
        Json("POST", "/api/v1/accounts/{id}/release", EachPractice, SupportOnly(page: false), t => $"/api/v1/accounts/{t.PersonId}/release", _ => new { reason = "matrix: nothing is held" }),

        // Incidents: a practice admin reads and opens their practice's; the forged variant names B's trace in A's incident.
        Get("/api/v1/incidents", EachPractice, IncidentList, t => $"/api/v1/incidents?organizationId={t.PracticeId}"),
        Get("/api/v1/incidents/{id}", EachPractice, Incident, t => $"/api/v1/incidents/{t.IncidentId}"),
        Get("/api/v1/incidents/{id}/screenshot", EachPractice, Incident, t => $"/api/v1/incidents/{t.IncidentId}/screenshot"),
        Json("POST", "/api/v1/incidents", EachPracticeAndForged, Incident, _ => "/api/v1/incidents",
            t => new { organizationId = t.PracticeId, traceIds = new[] { t.Trace }, description = "" }),
        Json("PATCH", "/api/v1/incidents/{id}", EachPractice, Incident, t => $"/api/v1/incidents/{t.IncidentId}", _ => new { }),
        Get("/api/v1/webhook-deliveries", NoTarget, PlatformOnly(page: false), _ => "/api/v1/webhook-deliveries"),

        // The support console: payer support and platform admins only.
        Get("/support", NoTarget, SupportOnly(page: true), _ => "/support"),
        Get("/support/incidents", NoTarget, SupportOnly(page: true), _ => "/support/incidents"),
        Get("/support/incidents/{id}", EachPractice, SupportOnly(page: true), t => $"/support/incidents/{t.IncidentId}"),
        Form("/support/incidents/{id}", EachPractice, SupportOnly(page: true), t => $"/support/incidents/{t.IncidentId}"),
        Get("/support/accounts/{id}", EachPracticeAndShared, SupportOnly(page: true), t => $"/support/accounts/{t.PersonId}"),

        // These two acts take no input that could be made invalid: support really unlocks (an account with no
        // lock) and sends a reset link; neither changes the account (the fingerprint test holds them to that).
        Form("/support/accounts/{id}?handler=Unlock", EachPractice, SupportOnly(page: true), t => $"/support/accounts/{t.PersonId}?handler=Unlock"),
        Form("/support/accounts/{id}?handler=ResetSecondFactor", EachPractice, SupportOnly(page: true), t => $"/support/accounts/{t.PersonId}?handler=ResetSecondFactor", ("checks", "photo-id")),
        Form("/support/accounts/{id}?handler=SendLink", EachPractice, SupportOnly(page: true), t => $"/support/accounts/{t.PersonId}?handler=SendLink"),
        Form("/support/accounts/{id}?handler=Hold", EachPractice, SupportOnly(page: true), t => $"/support/accounts/{t.PersonId}?handler=Hold", ("HoldReason", "")),
        Form("/support/accounts/{id}?handler=Release", EachPractice, SupportOnly(page: true), t => $"/support/accounts/{t.PersonId}?handler=Release", ("HoldReason", "matrix: nothing is held")),
        Get("/support/attempts/{traceId}", EachPracticeAndShared, SupportOnly(page: true), t => $"/support/attempts/{t.Trace}"),
        Get("/support/practices/{slug}", EachPractice, SupportOnly(page: true), t => $"/support/practices/{t.Slug}"),

        // Analytics across the portal: payer support and platform admins (docs/analytics.md).
        Get("/platform/analytics", NoTarget, SupportOnly(page: true), _ => "/platform/analytics"),
        Get("/platform/analytics?handler=Csv", NoTarget, SupportOnly(page: true), _ => "/platform/analytics?handler=Csv&table=summary"),

        // The platform pages: platform admins only; anyone else signed in gets an audited 404.
        Get("/platform", NoTarget, PlatformOnly(page: true), _ => "/platform"),
        Form("/platform?handler=Create", NoTarget, PlatformOnly(page: true), _ => "/platform?handler=Create", ("Slug", ""), ("Name", "")),
        Get("/platform/people", NoTarget, PlatformOnly(page: true), _ => "/platform/people"),
        Form("/platform/people?handler=Grant", NoTarget, PlatformOnly(page: true), _ => "/platform/people?handler=Grant", ("Identifier", ""), ("Role", "")),
        Form("/platform/people?handler=Revoke", NoTarget, PlatformOnly(page: true), _ => "/platform/people?handler=Revoke", ("Identifier", ""), ("Role", "")),
        Get("/platform/organizations/{slug}", EachPractice, PlatformOnly(page: true), t => $"/platform/organizations/{t.Slug}"),
        Form("/platform/organizations/{slug}?handler=Details", EachPractice, PlatformOnly(page: true), t => $"/platform/organizations/{t.Slug}?handler=Details",
            ("Details.Name", ""), ("Details.TimeZone", "Not/AZone")),
        Form("/platform/organizations/{slug}?handler=Policy", EachPractice, PlatformOnly(page: true), t => $"/platform/organizations/{t.Slug}?handler=Policy",
            ("Policy.LockoutThreshold", "not a number")),
        Form("/platform/organizations/{slug}?handler=AddNetwork", EachPractice, PlatformOnly(page: true), t => $"/platform/organizations/{t.Slug}?handler=AddNetwork",
            ("Cidr", "not a range"), ("Label", "matrix")),
        Form("/platform/organizations/{slug}?handler=RemoveNetwork", EachPractice, PlatformOnly(page: true), t => $"/platform/organizations/{t.Slug}?handler=RemoveNetwork",
            ("remove", "198.51.100.0/24")),
        Get("/platform/sso/{slug}", EachPractice, PlatformOnly(page: true), t => $"/platform/sso/{t.Slug}"),
        Form("/platform/sso/{slug}?handler=Save", EachPractice, PlatformOnly(page: true), t => $"/platform/sso/{t.Slug}?handler=Save"),
        Form("/platform/sso/{slug}?handler=Test", EachPractice, PlatformOnly(page: true), t => $"/platform/sso/{t.Slug}?handler=Test"),
        Get("/platform/sso/{slug}/saml", EachPractice, PlatformOnly(page: true), t => $"/platform/sso/{t.Slug}/saml"),
        Form("/platform/sso/{slug}/saml?handler=Import", EachPractice, PlatformOnly(page: true), t => $"/platform/sso/{t.Slug}/saml?handler=Import", ("MetadataXml", "<not-metadata/>")),
        // Portal applications (OpenID Connect clients): a form without an ID is refused, a save carries a stale stamp,
        // a rotation and a removal lack their confirmation, so the allowed caller reaches the client and changes nothing.
        Get("/platform/clients", NoTarget, PlatformOnly(page: true), _ => "/platform/clients"),
        Form("/platform/clients?handler=Add", NoTarget, PlatformOnly(page: true), _ => "/platform/clients?handler=Add", ("Form.ClientId", ""), ("Form.RedirectUris", "")),
        Get("/platform/clients/{clientId}", NoTarget, PlatformOnly(page: true), _ => $"/platform/clients/{MatrixWorld.ClientId}"),
        Form("/platform/clients/{clientId}?handler=Save", NoTarget, PlatformOnly(page: true), _ => $"/platform/clients/{MatrixWorld.ClientId}?handler=Save",
            ("Form.Stamp", "stale"), ("Form.RedirectUris", "https://portal.matrix.example/cb"), ("Form.AllPractices", "true")),
        Form("/platform/clients/{clientId}?handler=RotateSecret", NoTarget, PlatformOnly(page: true), _ => $"/platform/clients/{MatrixWorld.ClientId}?handler=RotateSecret"),
        Form("/platform/clients/{clientId}?handler=Remove", NoTarget, PlatformOnly(page: true), _ => $"/platform/clients/{MatrixWorld.ClientId}?handler=Remove", ("ConfirmRemove", "not-the-id")),
    ];

    private static MatrixEntry Get(string route, Variant[] variants, Expect expected, Func<Target, string> path) =>
        new("GET", route, variants, expected, t => new MatrixRequest(path(t)));

    private static MatrixEntry Form(string route, Variant[] variants, Expect expected, Func<Target, string> path, params (string Name, string Value)[] fields) =>
        Form(route, variants, expected, path, _ => [.. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    private static MatrixEntry Form(string route, Variant[] variants, Expect expected, Func<Target, string> path, Func<Target, KeyValuePair<string, string>[]> fields) =>
        new("POST", route, variants, expected, t => new MatrixRequest(path(t), Form: fields(t).ToDictionary(f => f.Key, f => f.Value)));

    private static MatrixEntry Json(string method, string route, Variant[] variants, Expect expected, Func<Target, string> path, Func<Target, object> body) =>
        new(method, route, variants, expected, t => new MatrixRequest(path(t), Json: body(t)));

    /// <summary>A member page action with a stale version: found, then refused as stale (409) — or 404 when out of reach.</summary>
    private static MatrixEntry MemberAct(string handler, params (string Name, string Value)[] extra) =>
        Form($"/admin/{{slug}}/users/{{accountId}}?handler={handler}", EachPracticeAndForged, Console(page: true),
            t => $"/admin/{t.Slug}/users/{t.PersonId}?handler={handler}", [("version", StaleVersion), .. extra]);

    /// <summary>The same for the members API.</summary>
    private static MatrixEntry MemberApiAct(string act) =>
        Json("POST", $"/api/v1/organizations/{{slug}}/members/{{accountId}}/{act}", EachPracticeAndForged, Console(page: false),
            t => $"/api/v1/organizations/{t.Slug}/members/{t.PersonId}/{act}", _ => new { version = int.Parse(StaleVersion, System.Globalization.CultureInfo.InvariantCulture), days = 30 });
}
