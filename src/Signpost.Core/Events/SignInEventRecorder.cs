using System.Diagnostics;
using Microsoft.Extensions.Options;
using Signpost.Core.Browsers;
using Signpost.Core.SignIn;
using Signpost.Core.Telemetry;

namespace Signpost.Core.Events;

/// <summary>
/// Builds the docs/design.md §4 record of an attempt and appends it; the one place events are shaped. Once the
/// event is committed, the optional <see cref="ISignInEventListener"/> hears of it (the escalation queue), the
/// outcome is counted (<c>signpost.sign_in.outcomes</c>) and the current span is tagged with its reason code
/// (docs/observability.md).
/// </summary>
public sealed class SignInEventRecorder(
    ISignInEventStore store, IOptionsMonitor<BrowserSupportOptions> browsers, ISignInEventListener? listener = null, SignpostMetrics? metrics = null)
{
    public async Task<SignInEvent> RecordAsync(
        PasswordSignInRequest request,
        SignInResult result,
        string? identifierKind,
        string? networkLabel,
        bool trustedDevicePresented,
        bool trustedDeviceValid,
        string? detail,
        CancellationToken cancellationToken)
    {
        var signInEvent = Build(request, result, identifierKind, networkLabel, trustedDevicePresented, trustedDeviceValid, detail);
        await AppendAsync(signInEvent, cancellationToken);
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
        var browser = UserAgentParser.Parse(request.Client.UserAgent);
        return new SignInEvent
        {
            TraceId = result.TraceId,
            OccurredAt = result.OccurredAt,
            Identifier = Cut(request.Identifier, SignInEvent.MaxIdentifierLength),
            IdentifierKind = identifierKind,
            AccountId = result.Account?.Id,
            OrganizationId = result.Organizations.Count == 1 ? result.Organizations[0].Id : null,
            Method = request.Method,
            Succeeded = result.Succeeded,
            ReasonCode = result.Reason.Code,
            ShownReasonCode = result.Shown.Code,
            Detail = Cut(detail, 1000),
            ClientIp = request.Client.Ip?.ToString(),
            UserAgent = Cut(request.Client.UserAgent, SignInEvent.MaxUserAgentLength),
            Browser = browser.Family,
            BrowserVersion = browser.Version,
            OperatingSystem = browser.OperatingSystem,
            BrowserSupported = browsers.CurrentValue.IsSupported(browser),
            ClientHints = Cut(request.Client.ClientHints, 512),
            CookiesWorking = request.Client.CookiesWorking,
            JavaScriptWorking = request.Client.JavaScriptWorking,
            TrustedDevicePresented = trustedDevicePresented,
            TrustedDeviceValid = trustedDeviceValid,
            NetworkLabel = networkLabel,
            MaintenanceWindowId = result.Maintenance?.Id,
        };
    }

    /// <summary>Records a step that is not a password attempt (reset, unlock, activation) from the client's facts.</summary>
    public async Task<SignInEvent> RecordStepAsync(SignInStep step, ClientFacts client, CancellationToken cancellationToken)
    {
        var browser = UserAgentParser.Parse(client.UserAgent);
        var organizations = step.Account?.Memberships.Select(m => m.OrganizationId).Distinct().ToList() ?? [];
        // A link that matches no token names nobody, unless this browser asked for a link: then the failure is
        // that account's, so mangled or tampered links count toward its reset failures (docs/troubleshooter.md).
        var attributed = step.Account is null && step.IdentifierKind == "link" && !step.Reason.IsSuccess ? client.RecoveryRequestedFor : null;
        var signInEvent = new SignInEvent
        {
            TraceId = step.TraceId,
            OccurredAt = step.At,
            Identifier = Cut(step.Identifier ?? step.Account?.Username, SignInEvent.MaxIdentifierLength),
            IdentifierKind = step.IdentifierKind,
            AccountId = step.Account?.Id ?? attributed,
            OrganizationId = organizations.Count == 1 ? organizations[0] : null,
            Method = step.Method,
            Succeeded = step.Reason.IsSuccess,
            ReasonCode = step.Reason.Code,
            ShownReasonCode = (step.Shown ?? step.Reason).Code,
            Detail = Cut(attributed is null ? step.Detail : $"{step.Detail} Attributed to the account this browser asked a link for (recovery cookie).", 1000),
            ClientIp = client.Ip?.ToString(),
            UserAgent = Cut(client.UserAgent, SignInEvent.MaxUserAgentLength),
            Browser = browser.Family,
            BrowserVersion = browser.Version,
            OperatingSystem = browser.OperatingSystem,
            BrowserSupported = browsers.CurrentValue.IsSupported(browser),
            ClientHints = Cut(client.ClientHints, 512),
            CookiesWorking = client.CookiesWorking,
            JavaScriptWorking = client.JavaScriptWorking,
            TrustedDevicePresented = step.DevicePresented,
            TrustedDeviceValid = step.DeviceValid,
        };
        await AppendAsync(signInEvent, cancellationToken);
        return signInEvent;
    }

    private async Task AppendAsync(SignInEvent signInEvent, CancellationToken cancellationToken)
    {
        await store.AppendAsync(signInEvent, cancellationToken);
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
