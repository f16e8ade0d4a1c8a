using Signpost.Core.Accounts;
using Signpost.Core.SingleSignOn;
using Signpost.Core.SingleSignOn.Saml;
using Signpost.Web.Queries;

namespace Signpost.Web.Sso.Saml;

/// <summary>A SAML connection's two public addresses: Signpost's metadata for the practice, and its assertion consumer service (docs/saml.md).</summary>
public static class SamlEndpoints
{
    public static IEndpointRouteBuilder MapSamlEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(SamlFlow.PathPrefix + "{slug}", MetadataAsync).ExcludeFromDescription();
        // The provider posts the response cross-site: no anti-forgery token can come with it. What binds it to
        // this browser is the signed InResponseTo matched against the request ID in this browser's cookie.
        app.MapPost(SamlFlow.PathPrefix + "{slug}/acs", ConsumeAsync).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    /// <summary>The practice's service-provider metadata, for its IT team to load into their identity provider.</summary>
    private static async Task<IResult> MetadataAsync(string slug, SsoQueries queries, SamlFlow flow, SamlEncryptionKey encryption, CancellationToken cancellationToken)
    {
        if (await SamlConnectionAsync(slug, queries, cancellationToken) is null)
        {
            return Results.NotFound();
        }

        var key = await encryption.GetAsync(cancellationToken);
        return Results.Text(SamlMetadata.ServiceProvider(flow.EntityIdFor(slug), flow.AcsFor(slug), key), "application/samlmetadata+xml");
    }

    private static async Task<IResult> ConsumeAsync(string slug, HttpContext context, SsoQueries queries, SamlFlow flow)
    {
        if (await SamlConnectionAsync(slug, queries, context.RequestAborted) is not { } connection)
        {
            return Results.NotFound();
        }

        string? response = null;
        if (context.Request.HasFormContentType)
        {
            try
            {
                var form = await context.Request.ReadFormAsync(context.RequestAborted);
                response = form["SAMLResponse"].Count == 1 ? form["SAMLResponse"][0] : null;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                // Malformed or oversized form: the validator refuses the missing response with a reason code.
            }
        }

        return Results.Redirect(await flow.ConsumeAsync(context, connection, response, context.RequestAborted));
    }

    private static async Task<SsoConnection?> SamlConnectionAsync(string slug, SsoQueries queries, CancellationToken cancellationToken) =>
        AccountRules.IsValidSlug(slug) && await queries.FindConnectionAsync(slug, cancellationToken) is { Enabled: true, Protocol: SsoProtocol.Saml, Saml: not null } connection
            ? connection
            : null;
}
