using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Events;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Sessions;
using Signpost.Core.SignIn;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Sso;

/// <summary>
/// After the provider's ID token passed every check: find the Signpost account (an existing link by
/// <c>sub</c>, else the connection's linking rules, else just-in-time creation), check the account's own
/// state, and issue Signpost's own server-side session exactly as a password sign-in does. Failures are
/// recorded with the connection's ID.
/// </summary>
/// <remarks>
/// Linking security: a practice's provider speaks only for that practice. An email or NPI it asserts is
/// matched only against accounts that are members of the connection's organization, and an email only when
/// the provider says it is verified (<c>email_verified</c>, OpenID Connect Core §5.1); otherwise one
/// practice's identity provider could sign in as another practice's staff, or as payer staff. Only active
/// memberships count (an invitation not yet accepted does not), an account holding a platform role is never
/// linked or signed in through a practice's provider, and linking by NPI is off unless the connection turns
/// it on (docs/sso.md, docs/security.md).
/// </remarks>
public sealed class SsoSignIn(
    ISsoLinkStore links,
    IAccountStore accounts,
    SessionManager sessions,
    SignInGate gate,
    SignInEventRecorder recorder,
    AuditTrail audit,
    TimeProvider time,
    ILogger<SsoSignIn> logger,
    Core.Mfa.SecondFactorCheck secondFactor,
    Core.Devices.DeviceCookies deviceCookies,
    Mfa.SecondFactorChallengeTokens challenges)
{
    public const string FailedPath = "/sso/failed";

    /// <summary>
    /// Completes a validated sign-in; returns where to send the browser. <paramref name="fromUserInfo"/> says which
    /// claims came from the provider's userinfo endpoint (<see cref="SsoUserInfo"/>; null when it was not read), for
    /// the event's detail.
    /// </summary>
    public async Task<string> CompleteAsync(HttpContext context, SsoConnection connection, ClaimsPrincipal principal, string? fromUserInfo, string? returnUrl, CancellationToken cancellationToken)
    {
        var claimsNote = fromUserInfo is null ? "userinfo not read (off for this connection)" : $"userinfo: {fromUserInfo}";
        // The single sign-on leg of the sign-in pipeline's span (docs/observability.md); the recorder tags its outcome.
        using var span = Core.Telemetry.SignpostTelemetry.Source.StartActivity("signpost.sign_in.sso");
        span?.SetTag("signpost.sso.connection_id", connection.Id.ToString());
        var subject = principal.FindFirstValue("sub");
        var email = principal.FindFirstValue(connection.EmailClaim);
        var identifier = email ?? subject;
        if (string.IsNullOrEmpty(subject) || subject.Length > 255)
        {
            return await FailAsync(context, connection, new SsoFailure(ReasonCodes.SsoTokenInvalid, "sub: the ID token has no usable subject."), identifier, null, cancellationToken);
        }

        // The sign-in gate's public stage before any linking: a practice that does not take this network,
        // browser or time links and creates nothing for it (the password path's reason codes).
        var client = ClientFactsReader.Read(context);
        var entry = await EntryAsync(connection, client, cancellationToken);
        var organization = entry.Named!;
        if (await gate.OpenForNamedPracticeAsync(entry, cancellationToken) is { } closed)
        {
            return await FailAsync(context, connection, new SsoFailure(closed.ReasonCode, $"{closed.Detail} Provider user {subject}; not linked."), identifier, null, cancellationToken);
        }

        var (account, linkNote) = await FindOrLinkAsync(context, connection, principal, subject, email, cancellationToken);
        if (account is null)
        {
            return await FailAsync(context, connection, new SsoFailure(ReasonCodes.SsoUserNotLinked, $"{linkNote} ({claimsNote})"), identifier, null, cancellationToken);
        }

        // The rest of the gate, as for a proven password: account state, membership, the practice's rules.
        entry.Account = account;
        if (await gate.AdmitAsync(entry, cancellationToken) is { } refusal)
        {
            return await FailAsync(context, connection, new SsoFailure(refusal.ReasonCode, $"{refusal.Detail} Provider user {subject} is account {account.Username}; {linkNote}"), identifier, account, cancellationToken);
        }

        // Where the practice asks for it, its second factor after the provider, decided as after a password (docs/mfa.md).
        DateTimeOffset? enrolBy = null;
        var secondNote = "";
        if (connection.AskSecondFactor)
        {
            var device = await deviceCookies.VerifyAsync(client.DeviceCookies.GetValueOrDefault(Core.Devices.DeviceCookies.CookieName(account.Id)), account.Id, cancellationToken);
            var decision = await secondFactor.DecideAsync(account, device, client.DeviceCookies, client.Ip, time.GetUtcNow(), cancellationToken);
            secondNote = string.IsNullOrEmpty(decision.Detail) ? "" : " " + decision.Detail;
            switch (decision.Step)
            {
                case Core.Mfa.SecondFactorStep.Challenge:
                    return await ChallengeAsync(context, connection, account, entry, identifier, organization.Slug, client, decision,
                        $"{decision.Detail} After {organization.Slug}'s provider as {subject}; {linkNote}", returnUrl, cancellationToken);
                case Core.Mfa.SecondFactorStep.Refuse:
                    return await FailAsync(context, connection, new SsoFailure(ReasonCodes.MfaNotEnrolled, $"{decision.Detail} Provider user {subject} is account {account.Username}."),
                        identifier, account, cancellationToken);
                case Core.Mfa.SecondFactorStep.Enrol:
                    enrolBy = decision.GraceEndsAt ?? DateTimeOffset.MaxValue;
                    break;
            }
        }

        var browser = Core.Browsers.UserAgentParser.Parse(client.UserAgent);
        var issued = await sessions.StartAsync(account.Id, entry.Admitted, client.Ip?.ToString(),
            SignInEventRecorder.Cut(client.UserAgent, SignInEvent.MaxUserAgentLength), browser.ToString(),
            context.GetTraceId(), cancellationToken);
        var reason = ReasonCatalogue.Get(gate.IsSupported(browser) ? ReasonCodes.SignedIn : ReasonCodes.SignedInBrowserWarning);
        var result = new SignInResult
        {
            Reason = reason,
            Shown = reason,
            TraceId = context.GetTraceId(),
            OccurredAt = time.GetUtcNow(),
            Account = account,
            Organizations = entry.Admitted,
            Session = issued,
            EnrolSecondFactorBy = enrolBy,
        };
        await recorder.RecordSsoAsync(Request(context, identifier, organization.Slug, client), result, connection.Id,
            entry.NetworkLabel, $"Signed in through {organization.Slug}'s provider as {subject}; {linkNote} ({claimsNote}){secondNote}", cancellationToken);
        ClientFactsReader.WriteSignInCookies(context, result);
        return enrolBy is null ? LocalUrls.OrHome(returnUrl) : "/?notice=mfa";
    }

    /// <summary>
    /// The provider proved the person and the practice asks for Signpost's second factor too: <c>mfa_required</c>,
    /// and the same challenge a proven password gets (<c>/sign-in/verify</c>, the challenge cookie), carrying the
    /// method so the completion is recorded as a single sign-on and asks for no password change.
    /// </summary>
    private async Task<string> ChallengeAsync(HttpContext context, SsoConnection connection, Account account, GateEntry entry, string? identifier, string slug,
        ClientFacts client, Core.Mfa.SecondFactorDecision decision, string detail, string? returnUrl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var challenge = new Core.Mfa.SecondFactorChallenge(account.Id, context.GetTraceId(), slug, SignInMethod.Sso, now, decision.Rules.RememberDays);
        var reason = ReasonCatalogue.Get(ReasonCodes.MfaRequired);
        var result = new SignInResult
        {
            Reason = reason,
            Shown = reason,
            TraceId = context.GetTraceId(),
            OccurredAt = now,
            Account = account,
            Organizations = entry.Admitted,
            Challenge = challenge,
        };
        await recorder.RecordSsoAsync(Request(context, identifier, slug, client), result, connection.Id, entry.NetworkLabel, detail, cancellationToken);
        ClientFactsReader.WriteShortLivedCookie(context, Mfa.SecondFactorChallengeTokens.CookieName, challenges.Issue(challenge), Core.Mfa.SecondFactorChallenge.Lifetime);
        return "/sign-in/verify" + (LocalUrls.IsLocal(returnUrl) ? "?returnUrl=" + Uri.EscapeDataString(returnUrl!) : "");
    }

    /// <summary>
    /// The gate's public stage when a single sign-on starts (before the browser is sent to the provider):
    /// the failure page's address when the practice refuses this network, browser or time; otherwise null.
    /// The callback runs the whole gate again, whatever happened here.
    /// </summary>
    public async Task<string?> RefusedBeforeProviderAsync(HttpContext context, SsoConnection connection, CancellationToken cancellationToken)
    {
        var refusal = await gate.OpenForNamedPracticeAsync(await EntryAsync(connection, ClientFactsReader.Read(context), cancellationToken), cancellationToken);
        return refusal is null ? null : await FailAsync(context, connection, new SsoFailure(refusal.ReasonCode, refusal.Detail), null, null, cancellationToken);
    }

    /// <summary>
    /// The gate's view of this sign-in, with the practice read fresh: the connection (and the organization it
    /// carries) may come from the scheme cache, and a network or browser rule changed a second ago must count.
    /// </summary>
    private async Task<GateEntry> EntryAsync(SsoConnection connection, ClientFacts client, CancellationToken cancellationToken) =>
        new(SignInMethod.Sso, client.Ip, Core.Browsers.UserAgentParser.Parse(client.UserAgent))
        {
            Named = await links.FindOrganizationAsync(connection.OrganizationId, cancellationToken) ?? connection.Organization,
        };

    /// <summary>Records a failed single sign-on (event with the connection's ID) and returns the failure page's address.</summary>
    public async Task<string> FailAsync(HttpContext context, SsoConnection connection, SsoFailure failure, string? identifier, Account? account, CancellationToken cancellationToken)
    {
        var reason = ReasonCatalogue.Get(failure.ReasonCode);
        var organization = connection.Organization;
        var client = ClientFactsReader.Read(context);
        var result = new SignInResult
        {
            Reason = reason,
            // Every SSO reason is public: it says nothing about a password. Account states found after the
            // provider proved the person are theirs to see, as after a proven password.
            Shown = reason,
            TraceId = context.GetTraceId(),
            OccurredAt = time.GetUtcNow(),
            Account = account,
            Organizations = organization is null ? [] : [organization],
        };
        await recorder.RecordSsoAsync(Request(context, identifier, organization?.Slug, client), result, connection.Id,
            organization is null ? null : NetworkClassifier.Label(organization, client.Ip), failure.Evidence, CancellationToken.None);
        SsoLog.SignInFailed(logger, connection.Id, failure.ReasonCode, failure.Evidence);
        return $"{FailedPath}?trace={Uri.EscapeDataString(result.TraceId)}";
    }

    private static PasswordSignInRequest Request(HttpContext context, string? identifier, string? slug, ClientFacts client) =>
        new(identifier, null, slug, SignInMethod.Sso, context.GetTraceId(), client);

    private async Task<(Account? Account, string Note)> FindOrLinkAsync(
        HttpContext context, SsoConnection connection, ClaimsPrincipal principal, string subject, string? email, CancellationToken cancellationToken)
    {
        var link = await links.FindLinkAsync(connection.Id, subject, cancellationToken);
        if (link is not null)
        {
            var linked = await accounts.FindByIdAsync(link.AccountId, cancellationToken);
            // A platform role given after the link was made still ends what the practice's provider may speak for.
            return linked is { PlatformRoles: not PlatformRoles.None }
                ? (null, "the linked account holds a platform role, which a practice's provider never signs in")
                : (linked, $"linked earlier by {link.LinkedBy}");
        }

        var verified = string.Equals(principal.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase);
        var npi = principal.FindFirstValue(connection.NpiClaim);
        // Active members only, and never payer staff: a practice's provider speaks for the practice's people and no one else.
        var notes = new List<string>();

        if (connection.LinkByEmail && email is { Length: > 0 } && AccountRules.IsValidEmail(email))
        {
            var byEmail = await links.FindByEmailAsync(connection.OrganizationId, email, cancellationToken);
            if (byEmail is { Staff: true })
            {
                return (null, "the email belongs to an account with a platform role, which a practice's provider may never link");
            }

            if (byEmail is not null && !verified)
            {
                notes.Add("the email matches an account but the provider did not mark it verified");
            }
            else if (byEmail is { Member: false })
            {
                return (null, "the email belongs to an account outside this practice, which this practice's provider may not link");
            }
            else if (byEmail is not null)
            {
                return (await LinkAsync(context, connection, subject, byEmail.AccountId, "email", cancellationToken), "linked now by verified email");
            }
        }

        if (connection.LinkByNpi && npi is { Length: > 0 } && Npi.IsValid(npi))
        {
            var byNpi = await links.FindByNpiAsync(connection.OrganizationId, npi, cancellationToken);
            if (byNpi is { Staff: true })
            {
                return (null, "the NPI belongs to an account with a platform role, which a practice's provider may never link");
            }

            if (byNpi is { Member: false })
            {
                return (null, "the NPI belongs to an account outside this practice, which this practice's provider may not link");
            }

            if (byNpi is not null)
            {
                return (await LinkAsync(context, connection, subject, byNpi.AccountId, "npi", cancellationToken), "linked now by NPI");
            }
        }

        if (!connection.CreateAccounts)
        {
            notes.Add("no member of the practice matches its email or NPI, and just-in-time creation is off");
            return (null, string.Join("; ", notes));
        }

        if (email is not { Length: > 0 } || !verified || !AccountRules.IsValidEmail(email))
        {
            return (null, "just-in-time creation needs a verified email from the provider");
        }

        if (await links.IsTakenAsync(IdentifierKind.Email, email, cancellationToken))
        {
            return (null, "the email belongs to another account; not creating a second one");
        }

        var validNpi = npi is { Length: > 0 } && Npi.IsValid(npi) && !await links.IsTakenAsync(IdentifierKind.Npi, npi, cancellationToken) ? npi : null;
        var created = await CreateAsync(context, connection, principal, subject, email, validNpi, cancellationToken);
        return (created, "created just in time");
    }

    private async Task<Account?> LinkAsync(HttpContext context, SsoConnection connection, string subject, Guid accountId, string by, CancellationToken cancellationToken)
    {
        await links.LinkAsync(new SsoLink { ConnectionId = connection.Id, Subject = subject, AccountId = accountId, LinkedBy = by, LinkedAt = time.GetUtcNow() }, ct =>
            audit.RecordAsync(Actor(context, connection), new AuditRecord("sso.link", "account", accountId.ToString(), connection.OrganizationId,
                null, new { connection = connection.Id, subject, by }), ct), cancellationToken);
        return await accounts.FindByIdAsync(accountId, cancellationToken);
    }

    private async Task<Account?> CreateAsync(
        HttpContext context, SsoConnection connection, ClaimsPrincipal principal, string subject, string email, string? npi, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var wanted = principal.FindFirstValue(connection.UsernameClaim);
        var username = wanted is not null && AccountRules.IsValidUsername(wanted)
            && !await links.IsTakenAsync(IdentifierKind.Username, wanted, cancellationToken)
            ? wanted
            : $"{connection.Organization!.Slug}.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)))[..10]}";
        if (username.Length > 64)
        {
            username = username[..64];
        }

        var account = new Account
        {
            Username = username,
            NormalizedUsername = Account.Normalize(username),
            Email = email.Trim(),
            NormalizedEmail = Account.Normalize(email),
            DisplayName = SignInEventRecorder.Cut(principal.FindFirstValue("name"), 200) is { Length: > 0 } name ? name : username,
            Npi = npi,
            // The provider proved the person; there is no password to set, so nothing is left to activate.
            Status = AccountStatus.Active,
            CreatedAt = now,
        };
        account.Memberships.Add(new Membership { AccountId = account.Id, OrganizationId = connection.OrganizationId, Roles = connection.DefaultRoles, CreatedAt = now });

        await links.CreateAsync(account, new SsoLink { ConnectionId = connection.Id, Subject = subject, AccountId = account.Id, LinkedBy = "created", LinkedAt = now }, ct =>
            audit.RecordAsync(Actor(context, connection), new AuditRecord("account.create", "account", account.Id.ToString(), connection.OrganizationId,
                null, AccountAuditView.Of(account)), ct), cancellationToken);
        return await accounts.FindByIdAsync(account.Id, cancellationToken);
    }

    private static AuditActor Actor(HttpContext context, SsoConnection connection) =>
        new($"sso:{connection.Organization?.Slug ?? connection.Id.ToString()}", null, context.Connection.RemoteIpAddress?.ToString(), context.GetTraceId());
}
