using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;
using Signpost.Web.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Signpost.Web.OpenIdProvider;

/// <summary>
/// Every OAuth error the provider answers — from OpenIddict's own checks or from Signpost's handlers — becomes a
/// sign-in event with a reason code from the catalogue, and carries the trace ID in <c>signpost_trace_id</c> and
/// in <c>error_description</c>, so the portal's error page can show it and support can look the attempt up
/// (docs/oidc-provider.md "When a portal's sign-in fails").
/// </summary>
public static class RefusalEvents
{
    /// <summary>The extension parameter holding the trace ID on every error response.</summary>
    public const string TraceIdParameter = "signpost_trace_id";

    private const string ItemKey = "Signpost.OpenIdProvider.Refusal";

    /// <summary>What Signpost's own handler decided, for the event: the reason, the account and practice when known, the detail.</summary>
    public sealed record Refusal(string Code, Account? Account, Organization? Organization, string Detail);

    /// <summary>Notes the reason Signpost's handler refused for; the response's handler records it.</summary>
    public static void Note(HttpContext context, Refusal refusal) => context.Items[ItemKey] = refusal;

    public static OpenIddictServerHandlerDescriptor Descriptor<TContext>()
        where TContext : OpenIddictServerEvents.BaseRequestContext =>
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseScopedHandler<Handler<TContext>>()
            // Before OpenIddict writes the response (its ASP.NET Core handlers sit far above this order).
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>Records and stamps one error response.</summary>
    public sealed class Handler<TContext>(
        IOpenIddictApplicationManager applications,
        SignInEventRecorder recorder,
        TimeProvider time) : IOpenIddictServerHandler<TContext>
        where TContext : OpenIddictServerEvents.BaseRequestContext
    {
        public async ValueTask HandleAsync(TContext context)
        {
            var response = context.Transaction.Response;
            if (response is null || string.IsNullOrEmpty(response.Error) || context.Transaction.GetHttpRequest()?.HttpContext is not { } http)
            {
                return;
            }

            var traceId = http.GetTraceId();
            var refusal = http.Items.TryGetValue(ItemKey, out var noted) ? noted as Refusal : null;
            refusal ??= await InferAsync(context, response, http.RequestAborted);

            var reason = ReasonCatalogue.Get(refusal.Code);
            var request = new PasswordSignInRequest(refusal.Account?.Username, null, refusal.Organization?.Slug, SignInMethod.OpenIdClient, traceId,
                ClientFactsReader.Read(http));
            var result = new SignInResult
            {
                Reason = reason,
                Shown = ReasonCatalogue.Get(reason.PublicCode),
                TraceId = traceId,
                OccurredAt = time.GetUtcNow(),
                Account = refusal.Account,
                Organizations = refusal.Organization is null ? [] : [refusal.Organization],
            };
            var detail = $"{Describe(context.EndpointType)}: {response.Error}: {response.ErrorDescription} {refusal.Detail}".Trim();
            await recorder.RecordAsync(request, result, identifierKind: refusal.Account is null ? null : "session", networkLabel: null,
                trustedDevicePresented: false, trustedDeviceValid: false, detail.Length > 1000 ? detail[..1000] : detail, http.RequestAborted);

            // OpenIddict's answer stands as written (a userinfo error is a bare status with WWW-Authenticate):
            // the site's status-code pages must not replace it with an HTML page a client cannot read.
            if (http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            response[TraceIdParameter] = traceId;
            response.ErrorDescription = $"{response.ErrorDescription} Trace ID: {traceId}.".TrimStart();
        }

        private async Task<Refusal> InferAsync(TContext context, OpenIddictResponse response, CancellationToken cancellationToken)
        {
            var request = context.Transaction.Request;
            var clientId = request?.ClientId;
            var client = clientId is { Length: > 0 and <= 200 } ? await applications.FindByClientIdAsync(clientId, cancellationToken) : null;
            var named = clientId is null ? "no client_id" : $"client '{Cut(clientId)}'";
            if (clientId is not null && client is null)
            {
                return new Refusal(ReasonCodes.OidcClientUnknown, null, null, $"({named} is not registered)");
            }

            if (context.EndpointType == OpenIddictServerEndpointType.Authorization && client is not null
                && request?.RedirectUri is { } redirect && !await applications.ValidateRedirectUriAsync(client, redirect, cancellationToken))
            {
                return new Refusal(ReasonCodes.OidcRedirectUriMismatch, null, null, $"({named} sent redirect_uri '{Cut(redirect)}', which it has not registered)");
            }

            // At this point of the pipeline a token OpenIddict could not accept is still "invalid_token"; it is
            // answered as "invalid_grant" at the token endpoint.
            var replayed = response.ErrorDescription?.Contains("already been redeemed", StringComparison.Ordinal) == true;
            var code = response.Error switch
            {
                _ when replayed => ReasonCodes.OidcGrantReplayed,
                Errors.LoginRequired or Errors.InteractionRequired => ReasonCodes.OidcLoginRequired,
                Errors.InvalidClient => ReasonCodes.OidcClientAuthenticationFailed,
                Errors.InvalidGrant or Errors.InvalidToken => ReasonCodes.OidcGrantInvalid,
                _ => ReasonCodes.OidcRequestRefused,
            };
            return new Refusal(code, null, null, $"({named})");
        }

        private static string Cut(string value) => value.Length > 200 ? value[..200] + "…" : value;

        private static string Describe(OpenIddictServerEndpointType endpoint) => endpoint switch
        {
            OpenIddictServerEndpointType.Authorization => "authorization endpoint",
            OpenIddictServerEndpointType.Token => "token endpoint",
            OpenIddictServerEndpointType.Revocation => "revocation endpoint",
            OpenIddictServerEndpointType.Introspection => "introspection endpoint",
            OpenIddictServerEndpointType.UserInfo => "userinfo endpoint",
            OpenIddictServerEndpointType.EndSession => "end-session endpoint",
            _ => "OpenID Connect provider",
        };
    }
}
