using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// Records attempts the web edge refuses before the pipeline runs (rate limits, cookies blocked, stale
/// forms, unreadable bodies): they are sign-in attempts too, and get their event and trace ID.
/// </summary>
public static class EdgeRejections
{
    public static async Task<SignInResult> RecordAsync(
        HttpContext context, string code, string? identifier, SignInMethod method, string detail,
        bool? cookiesWorking = null, bool? javaScriptWorking = null, IReadOnlyList<string>? problems = null)
    {
        var reason = ReasonCatalogue.Get(code);
        var request = new PasswordSignInRequest(identifier, null, null, method, context.GetTraceId(),
            ClientFactsReader.Read(context, cookiesWorking, javaScriptWorking));
        var result = new SignInResult
        {
            Reason = reason,
            Shown = ReasonCatalogue.Get(reason.PublicCode),
            TraceId = request.TraceId,
            OccurredAt = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(),
            Problems = problems ?? [],
        };
        // The event names the account the identifier resolves to, for support and the per-account escalation
        // rules; the result the page renders does not (docs/troubleshooter.md). A flood stays cheap: no read.
        var account = code == ReasonCodes.RateLimited ? null
            : await RefusedAttempts.AccountForRecordAsync(context.RequestServices.GetRequiredService<IAccountStore>(), identifier, context.RequestAborted);
        var recorder = context.RequestServices.GetRequiredService<SignInEventRecorder>();
        await recorder.RecordAsync(request, account is null ? result : result with { Account = account }, identifierKind: null, networkLabel: null,
            trustedDevicePresented: request.Client.DeviceCookies.Count > 0, trustedDeviceValid: false, detail, context.RequestAborted);
        return result;
    }
}
