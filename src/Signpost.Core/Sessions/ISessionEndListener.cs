namespace Signpost.Core.Sessions;

/// <summary>
/// Told after <see cref="SessionManager"/> ended sessions of an account (sign-out, "sign out other sessions",
/// password reset or change, account disabled or held, membership removed): the OpenID Connect provider queues
/// back-channel logouts for the portals those sessions signed in to (docs/oidc-provider.md "Back-channel logout").
/// It must not throw and must not wait on anything remote: the sign-out has happened and the person is not kept waiting.
/// </summary>
public interface ISessionEndListener
{
    Task SessionsEndedAsync(Guid accountId, CancellationToken cancellationToken);
}
