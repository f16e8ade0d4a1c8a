using System.Diagnostics;
using Signpost.Core.Events;

namespace Signpost.Core.Telemetry;

/// <summary>
/// The names Signpost's own traces and metrics are published under, and the one <see cref="ActivitySource"/>
/// its spans start from (docs/observability.md). Anything that adds instruments to Signpost's meter creates
/// it through <c>IMeterFactory.Create(SignpostTelemetry.MeterName)</c>, so every instrument is exported
/// under the one name an operator subscribes to.
/// </summary>
public static class SignpostTelemetry
{
    /// <summary>The meter of every Signpost instrument: <c>Signpost</c>.</summary>
    public const string MeterName = "Signpost";

    /// <summary>The activity source of every Signpost span: <c>Signpost</c>.</summary>
    public const string ActivitySourceName = "Signpost";

    /// <summary>
    /// Where Signpost's spans start. Static, as activity sources are meant to be: nothing is recorded until a
    /// tracer provider listens (an OTLP endpoint is configured), and then <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
    /// costs one allocation per span.
    /// </summary>
    public static ActivitySource Source { get; } = new(ActivitySourceName, typeof(SignpostTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Attribute names shared by spans and metrics, so a dashboard can join them.</summary>
    public static class Tags
    {
        public const string ReasonCode = "signpost.reason_code";
        public const string ShownReasonCode = "signpost.shown_reason_code";
        public const string Method = "signpost.sign_in.method";
        public const string Succeeded = "signpost.sign_in.succeeded";
        public const string AccountId = "signpost.account.id";
        public const string Outcome = "signpost.outcome";
        public const string Job = "signpost.job";
        public const string Transport = "signpost.email.transport";
        public const string Operation = "signpost.password.operation";
        public const string LockScope = "signpost.lockout.scope";
        public const string IncidentSource = "signpost.incident.source";
        public const string Rule = "signpost.escalation.rule";
        public const string Queue = "signpost.password.queue";
    }

    /// <summary>The method as a metric and span attribute: <c>password</c>, <c>api</c>, <c>change_password</c>, <c>activation</c>, <c>password_reset</c>, <c>unlock</c>, <c>sso</c>, <c>openid_client</c>, <c>passkey</c>.</summary>
    public static string MethodTag(SignInMethod method) => method switch
    {
        SignInMethod.Password => "password",
        SignInMethod.Api => "api",
        SignInMethod.ChangePassword => "change_password",
        SignInMethod.Activation => "activation",
        SignInMethod.PasswordReset => "password_reset",
        SignInMethod.Unlock => "unlock",
        SignInMethod.Sso => "sso",
        SignInMethod.OpenIdClient => "openid_client",
        SignInMethod.Passkey => "passkey",
        _ => "other",
    };
}
