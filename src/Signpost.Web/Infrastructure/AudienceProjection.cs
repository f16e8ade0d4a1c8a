using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Core.Troubleshooting;
using Signpost.Web.Queries;

namespace Signpost.Web.Infrastructure;

/// <summary>Who is reading a diagnosis, an event, an incident or a timeline (docs/security.md, "What each audience sees").</summary>
public enum Audience
{
    /// <summary>Anyone holding a trace ID and nothing else: the reason they were shown and safe next steps (<see cref="SafeAdvice"/>).</summary>
    TraceHolder,

    /// <summary>A practice administrator: a customer, assumed hostile to other practices.</summary>
    PracticeAdmin,

    /// <summary>Payer support: everything needed to diagnose, across practices.</summary>
    Support,

    /// <summary>Platform administrator: the same as support.</summary>
    PlatformAdmin,
}

/// <summary>
/// The one audience projection of the tenant boundary (docs/security.md): every diagnosis, sign-in event,
/// incident and sign-in timeline that leaves Signpost for a reader passes through here. Support and
/// platform admins read the facts as recorded. A practice administrator reads them with what is not theirs
/// taken out: the support-only <see cref="SignInEvent.Detail"/> of every attempt (it is where "password
/// was correct" on a locked account lives — a practice admin reading it would turn the lock into a
/// guessing oracle), client and network addresses, and the names, slugs, addresses and network labels of other practices
/// the same person belongs to. The holder of a trace never gets a diagnosis at all, only <see cref="SafeAdvice"/>.
/// </summary>
/// <remarks>
/// The troubleshooter writes evidence as sentences and may gain new ones, so the practice admin's view is
/// made by removing what is known to be sensitive (every detail text, every other practice's name) and
/// anything shaped like an address, rather than by keeping a list of known-safe sentences.
/// </remarks>
public sealed partial class AudienceProjection(AccessQueries queries, AdminScope scope, ISignInEventStore events)
{
    /// <summary>What an address, range or withheld identifier reads as in a practice admin's view.</summary>
    public const string Withheld = "[withheld]";

    /// <summary>What another practice's name reads as in a practice admin's view.</summary>
    public const string AnotherPractice = "another practice";

    /// <summary>How many of the person's recent attempts are read to find every detail text to remove.</summary>
    private const int DetailLookBack = 1000;

    /// <summary>The diagnosis as <paramref name="audience"/> may read it.</summary>
    /// <exception cref="InvalidOperationException">For the holder of a trace: they get <see cref="SafeAdvice"/>, never a diagnosis.</exception>
    public async Task<Diagnosis> DiagnosisAsync(Diagnosis diagnosis, Audience audience, CancellationToken cancellationToken)
    {
        switch (audience)
        {
            case Audience.Support or Audience.PlatformAdmin:
                return diagnosis;
            case Audience.TraceHolder:
                throw new InvalidOperationException("The holder of a trace reads SafeAdvice, never a diagnosis.");
        }

        var redactor = await RedactorAsync(diagnosis.AccountId, diagnosis.Focus is null ? [] : [diagnosis.Focus], cancellationToken);
        var incident = diagnosis.Incident;
        var foreignPractice = incident.PracticeName is { } name && redactor.IsForeign(name);
        // An attempt made at another practice (the person is a member of both) is not this reader's to see.
        var focus = diagnosis.Focus is { } attempt && !redactor.IsForeignTrace(attempt.TraceId) ? Event(attempt, redactor) : null;
        return diagnosis with
        {
            TraceId = diagnosis.TraceId is { } trace && redactor.IsForeignTrace(trace) ? null : diagnosis.TraceId,
            Focus = focus,
            Steps = [.. diagnosis.Steps.Select(s => s with
            {
                Evidence = [.. s.Evidence.Select(redactor.Text)],
                Findings = [.. s.Findings.Select(f => f with { Evidence = [.. f.Evidence.Select(redactor.Text)] })],
            })],
            Escalation = diagnosis.Escalation with { Explanation = redactor.Text(diagnosis.Escalation.Explanation) },
            Incident = incident with
            {
                PracticeName = foreignPractice ? null : incident.PracticeName,
                PracticeAddress = foreignPractice ? null : incident.PracticeAddress,
                PracticeTimeZone = foreignPractice ? null : incident.PracticeTimeZone,
                NetworkPath = incident.NetworkPath is null ? null : redactor.Text(incident.NetworkPath),
                StepsTried = [.. incident.StepsTried.Select(redactor.Text)],
                Failures = [.. incident.Failures.Where(f => !redactor.IsForeignTrace(f.TraceId))],
                TraceIds = [.. incident.TraceIds.Where(t => !redactor.IsForeignTrace(t))],
            },
        };
    }

    /// <summary>
    /// A person's sign-in timeline as <paramref name="audience"/> may read it: for a practice administrator
    /// only the attempts made at one of their practices (or at none in particular), without addresses or details.
    /// </summary>
    public async Task<IReadOnlyList<SignInEvent>> TimelineAsync(Guid accountId, IReadOnlyList<SignInEvent> timeline, Audience audience, CancellationToken cancellationToken)
    {
        if (audience is Audience.Support or Audience.PlatformAdmin)
        {
            return timeline;
        }

        if (audience == Audience.TraceHolder)
        {
            return [];
        }

        var redactor = await RedactorAsync(accountId, timeline, cancellationToken);
        return [.. timeline.Where(e => e.OrganizationId is not { } id || redactor.Administered.Contains(id)).Select(e => Event(e, redactor))];
    }

    /// <summary>One attempt as <paramref name="audience"/> may read it (the caller has already checked <see cref="AdminScope.CanSeeTraceAsync"/>).</summary>
    public async Task<SignInEvent> EventAsync(SignInEvent attempt, Audience audience, CancellationToken cancellationToken) =>
        audience is Audience.Support or Audience.PlatformAdmin ? attempt : Event(attempt, await RedactorAsync(attempt.AccountId, [attempt], cancellationToken));

    /// <summary>
    /// An incident's stored JSON (its data points, a rule firing's evidence) as <paramref name="audience"/> may
    /// read it: every string in it passes the same redaction as a diagnosis.
    /// </summary>
    public async Task<Func<string, JsonElement>> IncidentReaderAsync(Incident incident, Audience audience, CancellationToken cancellationToken)
    {
        if (audience is Audience.Support or Audience.PlatformAdmin)
        {
            return Parse;
        }

        var attempts = new List<SignInEvent>();
        foreach (var traceId in incident.TraceIdList.Take(Incident.MaxTraceIds))
        {
            if (await events.FindByTraceIdAsync(traceId, cancellationToken) is { } found)
            {
                attempts.Add(found);
            }
        }

        var redactor = await RedactorAsync(incident.AccountId, attempts, cancellationToken);
        return json =>
        {
            var node = JsonNode.Parse(json);
            return JsonSerializer.SerializeToElement(Redact(node, redactor));
        };
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>A copy of the tree with every string redacted.</summary>
    private static JsonNode? Redact(JsonNode? node, Redactor redactor) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Redact(p.Value, redactor)))),
        JsonArray a => new JsonArray([.. a.Select(item => Redact(item, redactor))]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(redactor.Text(v.GetValue<string>())),
        _ => node?.DeepClone(),
    };

    private static SignInEvent Event(SignInEvent e, Redactor redactor) => new()
    {
        Id = e.Id,
        TraceId = e.TraceId,
        OccurredAt = e.OccurredAt,
        Identifier = e.Identifier,
        IdentifierKind = e.IdentifierKind,
        AccountId = e.AccountId,
        OrganizationId = e.OrganizationId is { } id && redactor.Administered.Contains(id) ? id : null,
        Method = e.Method,
        Succeeded = e.Succeeded,
        ReasonCode = e.ReasonCode,
        ShownReasonCode = e.ShownReasonCode,
        Detail = null,
        ClientIp = null,
        UserAgent = e.UserAgent,
        Browser = e.Browser,
        BrowserVersion = e.BrowserVersion,
        OperatingSystem = e.OperatingSystem,
        BrowserSupported = e.BrowserSupported,
        ClientHints = null,
        CookiesWorking = e.CookiesWorking,
        JavaScriptWorking = e.JavaScriptWorking,
        TrustedDevicePresented = e.TrustedDevicePresented,
        TrustedDeviceValid = e.TrustedDeviceValid,
        // A label names a range the attempt's practice declared: another practice's ranges are not for this reader.
        NetworkLabel = e.OrganizationId is { } at && redactor.Administered.Contains(at) ? e.NetworkLabel : null,
        SsoConnectionId = e.SsoConnectionId,
        MaintenanceWindowId = e.MaintenanceWindowId,
    };

    /// <summary>What a practice admin must not read about the person (and attempts) at hand.</summary>
    private async Task<Redactor> RedactorAsync(Guid? accountId, IReadOnlyList<SignInEvent> known, CancellationToken cancellationToken)
    {
        var administered = await scope.AdministeredOrganizationIdsAsync(cancellationToken);
        var attempts = known.ToList();
        var organizationIds = known.Select(e => e.OrganizationId).OfType<Guid>().ToList();
        if (accountId is { } id)
        {
            attempts.AddRange(await events.ListForAccountAsync(id, DetailLookBack, cancellationToken));
            organizationIds.AddRange(await queries.MembershipOrganizationIdsAsync(id, cancellationToken));
        }

        var details = attempts.Select(e => e.Detail).ToList();
        var foreignIds = organizationIds.Where(o => !administered.Contains(o)).Distinct().ToList();
        // An attempt made at another practice is that practice's to read: its trace ID is withheld too.
        var foreignTraces = attempts.Where(e => e.OrganizationId is { } o && !administered.Contains(o)).Select(e => e.TraceId).ToHashSet(StringComparer.Ordinal);
        var involved = organizationIds.Distinct().ToList();
        var organizations = await queries.FindOrganizationsAsync(involved, cancellationToken);
        var foreign = organizations.Where(o => foreignIds.Contains(o.Id)).ToList();
        // The administrators of the other practices are people of those practices: an admin change they made
        // names them ("by account:… (username)"), which is theirs to know, not this reader's.
        var foreignAdmins = (await queries.MembersWithRolesAsync(foreignIds, cancellationToken))
            .Where(m => m.Roles.HasFlag(PracticeRoles.PracticeAdmin) && m.AccountId != accountId)
            .SelectMany(m => new[] { m.Username, m.AccountId.ToString() })
            .ToList();
        // A range's label names another practice's network ("Lakeside VPN"); a label the reader's own practice also uses stays.
        var ownLabels = organizations.Where(o => administered.Contains(o.Id)).SelectMany(o => o.NetworkRanges).Select(r => r.Label).ToHashSet(StringComparer.Ordinal);
        return new Redactor(
            administered,
            foreignTraces,
            [.. details.OfType<string>().Where(d => d.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(d => d.Length)],
            [.. foreign.Select(f => f.Name).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(n => n.Length)],
            [.. foreign.SelectMany(f => new[] { f.Slug, f.Address })
                .Concat(foreign.SelectMany(f => f.NetworkRanges).Select(r => r.Label).Where(l => !ownLabels.Contains(l)))
                .Concat(foreignAdmins)
                .Concat(foreignTraces)
                .OfType<string>().Where(s => s.Length > 2).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)]);
    }

    /// <summary>Removes from a text what a practice administrator must not read.</summary>
    private sealed class Redactor(IReadOnlySet<Guid> administered, IReadOnlySet<string> foreignTraces, IReadOnlyList<string> details, IReadOnlyList<string> foreignNames, IReadOnlyList<string> foreignIdentifiers)
    {
        public IReadOnlySet<Guid> Administered => administered;

        public bool IsForeign(string name) => foreignNames.Contains(name, StringComparer.Ordinal);

        public bool IsForeignTrace(string traceId) => foreignTraces.Contains(traceId);

        public string Text(string text)
        {
            foreach (var detail in details)
            {
                text = text.Replace(detail, "", StringComparison.Ordinal);
            }

            // Belt and braces for the oracle itself, whatever sentence carries it.
            text = PasswordVerdict().Replace(text, "");
            foreach (var name in foreignNames)
            {
                text = text.Replace(name, AnotherPractice, StringComparison.Ordinal);
            }

            foreach (var identifier in foreignIdentifiers)
            {
                text = Regex.Replace(text, $@"\b{Regex.Escape(identifier)}\b", Withheld, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }

            text = Ipv4().Replace(text, Withheld);
            return Ipv6().Replace(text, Withheld).TrimEnd();
        }
    }

    [GeneratedRegex(@"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?\b", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4();

    // Four or more groups, or a "::": a clock time (10:00:05) has three groups and no "::", and stays.
    [GeneratedRegex(@"(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){3,7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4}::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4})(?:/\d{1,3})?(?![\w:])", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv6();

    [GeneratedRegex(@"[;,.]?\s*password (?:was|is) (?:correct|wrong|right)\.?", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PasswordVerdict();
}
