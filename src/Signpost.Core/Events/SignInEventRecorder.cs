using System.Diagnostics;
using Microsoft.Extensions.Options;
using Signpost.Core.Browsers;
using Signpost.Core.Reasons;
using Signpost.Core.Sessions;
using Signpost.Core.SignIn;
using Signpost.Core.Telemetry;

namespace Signpost.Core.Events;

/// <summary>
/// Builds the docs/design.md §4 record of an attempt and appends it; the one place events are shaped. Once the
/// event is committed, the optional <see cref="ISignInEventListener"/> hears of it (the escalation queue), the
/// outcome is counted (<c>signpost.sign_in.outcomes</c>) and the current span is tagged with its reason code
/// (docs/observability.md). A <c>rate_limited</c> refusal's event is committed together with other refusals'
/// through <see cref="RefusalEventBatch"/> when the host has one, still before the caller answers.
/// </summary>
public sealed class SignInEventRecorder(
    ISignInEventStore store, IOptionsMonitor<BrowserSupportOptions> browsers, ISignInEventListener? listener = null, SignpostMetrics? metrics = null,
    RefusalEventBatch? refusals = null)
{
    public async Task<SignInEvent> RecordAsync(
        PasswordSignInRequest request,
        SignInResult result,
        string? identifierKind,
        string? networkLabel,
        bool trustedDevicePresented,
        bool trustedDeviceValid,
        string? detail,
        CancellationToken cancellationToken,
        Session? startedSession = null,
        IWriteTransaction? commitWith = null)
    {
        var signInEvent = Build(request, result, identifierKind, networkLabel, trustedDevicePresented, trustedDeviceValid, detail);
        await AppendAsync(signInEvent, cancellationToken, startedSession, commitWith);
        return signInEvent;
    }

    /// <summary>Records a single sign-on attempt: the same record, naming the connection that was involved.</summary>
    public async Task<SignInEvent> RecordSsoAsync(
        PasswordSignInRequest request, SignInResult result, Guid connectionId, string? networkLabel, string? detail, CancellationToken cancellationToken)
    {
        var signInEvent = Build(request, result, "sso", networkLabel, trustedDevicePresented: false, trustedDeviceValid: false, detail);
        signInEvent.SsoConnectionId = connectionId.ToString();
        await AppendAsync(signInEvent, cancellationToken);
        return signInEvent;
    }

    private SignInEvent Build(
        PasswordSignInRequest request, SignInResult result, string? identifierKind, string? networkLabel,
        bool trustedDevicePresented, bool trustedDeviceValid, string? detail)
    {
        var signInEvent = Shape(
            request.Client, result.TraceId, result.OccurredAt, request.Method, result.Reason, result.Shown, result.Succeeded,
            identifier: request.Identifier,
            identifierKind: identifierKind,
            accountId: result.Account?.Id,
            organizationId: result.Organizations.Count == 1 ? result.Organizations[0].Id : null,
            detail: detail,
            devicePresented: trustedDevicePresented,
            deviceValid: trustedDeviceValid);
        signInEvent.NetworkLabel = networkLabel;
        signInEvent.MaintenanceWindowId = result.Maintenance?.Id;
        return signInEvent;
    }

    /// <summary>Records a step that is not a password attempt (reset, unlock, activation) from the client's facts.</summary>
    public async Task<SignInEvent> RecordStepAsync(SignInStep step, ClientFacts client, CancellationToken cancellationToken)
    {
        var organizations = step.Account?.Memberships.Select(m => m.OrganizationId).Distinct().ToList() ?? [];
        // A link that matches no token names nobody, unless this browser asked for a link: then the failure is
        // that account's, so mangled or tampered links count toward its reset failures (docs/troubleshooter.md).
        var attributed = step.Account is null && step.IdentifierKind == "link" && !step.Reason.IsSuccess ? client.RecoveryRequestedFor : null;
        var signInEvent = Shape(
            client, step.TraceId, step.At, step.Method, step.Reason, step.Shown ?? step.Reason, step.Reason.IsSuccess,
            identifier: step.Identifier ?? step.Account?.Username,
            identifierKind: step.IdentifierKind,
            accountId: step.Account?.Id ?? attributed,
            organizationId: organizations.Count == 1 ? organizations[0] : null,
            detail: attributed is null ? step.Detail : $"{step.Detail} Attributed to the account this browser asked a link for (recovery cookie).",
            devicePresented: step.DevicePresented,
            deviceValid: step.DeviceValid);
        await AppendAsync(signInEvent, cancellationToken);
        return signInEvent;
    }

    /// <summary>
    /// The one shape of an event, for password attempts, sign-ons and steps alike: what happened, cut to the
    /// columns' sizes, and the client's facts with its browser read from the user agent.
    /// </summary>
    private SignInEvent Shape(
        ClientFacts client, string traceId, DateTimeOffset at, SignInMethod method, Reason reason, Reason shown, bool succeeded,
        string? identifier, string? identifierKind, Guid? accountId, Guid? organizationId, string? detail, bool devicePresented, bool deviceValid)
    {
        var browser = UserAgentParser.Parse(client.UserAgent);
        return new SignInEvent
        {
            TraceId = traceId,
            OccurredAt = at,
            Identifier = Cut(identifier, SignInEvent.MaxIdentifierLength),
            IdentifierKind = identifierKind,
            AccountId = accountId,
            OrganizationId = organizationId,
            Method = method,
            Succeeded = succeeded,
            ReasonCode = reason.Code,
            ShownReasonCode = shown.Code,
            Detail = Cut(detail, 1000),
            ClientIp = client.Ip?.ToString(),
            UserAgent = Cut(client.UserAgent, SignInEvent.MaxUserAgentLength),
            Browser = browser.Family,
            BrowserVersion = browser.Version,
            OperatingSystem = browser.OperatingSystem,
            BrowserSupported = browsers.CurrentValue.IsSupported(browser),
            ClientHints = Cut(client.ClientHints, 512),
            CookiesWorking = client.CookiesWorking,
            JavaScriptWorking = client.JavaScriptWorking,
            TrustedDevicePresented = devicePresented,
            TrustedDeviceValid = deviceValid,
        };
    }

    /// <summary>
    /// Commits the event (with <paramref name="startedSession"/>, the session a success started, in the same
    /// transaction; inside <paramref name="commitWith"/>, the open transaction of writes it commits with, such as a
    /// wrong password's counted failure), then tells the metrics, the span and the listener.
    /// </summary>
    private async Task AppendAsync(SignInEvent signInEvent, CancellationToken cancellationToken, Session? startedSession = null, IWriteTransaction? commitWith = null)
    {
        if (startedSession is not null)
        {
            await store.AppendWithSessionAsync(signInEvent, startedSession, cancellationToken);
        }
        else if (signInEvent.ReasonCode == ReasonCodes.RateLimited && refusals is not null && refusals.TryEnqueue(signInEvent, out var committed))
        {
            // A flood's refusals share write transactions (docs/capacity.md, "Refusals' events, written together").
            await committed;
        }
        else
        {
            await store.AppendAsync(signInEvent, cancellationToken);
        }

        if (commitWith is not null)
        {
            await commitWith.CommitAsync(cancellationToken);
        }

        metrics?.SignInRecorded(signInEvent.Method, signInEvent.ReasonCode, signInEvent.Succeeded);
        if (Activity.Current is { IsAllDataRequested: true } span)
        {
            // The sign-in span when there is one, else the request's: the trace shows the outcome support reads.
            span.SetTag(SignpostTelemetry.Tags.ReasonCode, signInEvent.ReasonCode);
            span.SetTag(SignpostTelemetry.Tags.ShownReasonCode, signInEvent.ShownReasonCode);
            span.SetTag(SignpostTelemetry.Tags.Method, SignpostTelemetry.MethodTag(signInEvent.Method));
            span.SetTag(SignpostTelemetry.Tags.Succeeded, signInEvent.Succeeded);
            if (signInEvent.AccountId is { } accountId)
            {
                span.SetTag(SignpostTelemetry.Tags.AccountId, accountId.ToString());
            }
        }

        try
        {
            listener?.Recorded(signInEvent);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The event is durable and the catch-up sweep will evaluate it; a listener never fails a sign-in.
        }
    }

    /// <summary>Cuts text to a column's size and strips control characters, so hostile input cannot forge log lines.</summary>
    public static string? Cut(string? value, int max)
    {
        if (value is null)
        {
            return null;
        }

        var clean = new string(value.Where(c => !char.IsControl(c)).Take(max).ToArray());
        return clean;
    }
}
