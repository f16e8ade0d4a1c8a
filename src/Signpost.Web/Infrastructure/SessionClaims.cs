using System.Security.Claims;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// What the signed-in session was admitted for, read from the principal <see cref="SessionAuthentication"/>
/// builds. A practice's console and API honour a session only for the practices whose rules admitted its
/// sign-in (docs/security.md, "Sessions and the sign-in gate").
/// </summary>
public static class SessionClaims
{
    /// <summary>One claim per practice whose rules admitted the session's sign-in; the value is its ID.</summary>
    public const string AdmittedPracticeClaim = "signpost:admitted_practice";

    /// <summary>
    /// True when the session's sign-in was admitted by <paramref name="organizationId"/>'s rules (its network
    /// allow-list, browser policy, single sign-on required). Roles in a practice count only through such a session.
    /// </summary>
    public static bool IsSessionAdmittedFor(this ClaimsPrincipal user, Guid organizationId) =>
        user.FindAll(AdmittedPracticeClaim).Any(c => Guid.TryParse(c.Value, out var id) && id == organizationId);

    /// <summary>The practices whose rules admitted the session's sign-in.</summary>
    public static IReadOnlySet<Guid> SessionAdmittedPractices(this ClaimsPrincipal user) =>
        user.FindAll(AdmittedPracticeClaim).Select(c => Guid.TryParse(c.Value, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet();
}
