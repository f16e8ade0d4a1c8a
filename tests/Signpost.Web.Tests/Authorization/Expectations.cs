namespace Signpost.Web.Tests.Authorization;

/// <summary>The expectation profiles the rows share, named after who may pass.</summary>
public static class Expectations
{
    /// <summary>Anyone, signed in or not.</summary>
    public static Outcome Public(Caller caller, Variant variant) => Outcome.Allowed;

    /// <summary>Any signed-in person; a page sends the anonymous to sign in, the API answers 401.</summary>
    public static Expect SignedIn(bool page) => (caller, _) => caller == Caller.Anonymous ? Anonymous(page) : Outcome.Allowed;

    /// <summary>Practice administrators of any practice and anyone with a platform role; anyone else signed in is told 403.</summary>
    public static Outcome AdministratorsAndPlatformStaff(Caller caller, Variant variant) => caller switch
    {
        Caller.Anonymous => Outcome.SignIn,
        Caller.Staff => Outcome.Forbidden,
        _ => Outcome.Allowed,
    };

    /// <summary>Payer support and platform admins; anyone else signed in is told 403.</summary>
    public static Expect SupportOnly(bool page) => (caller, _) => caller switch
    {
        Caller.Anonymous => Anonymous(page),
        Caller.Support or Caller.PlatformAdmin => Outcome.Allowed,
        _ => Outcome.Forbidden,
    };

    /// <summary>Platform admins; anyone else signed in gets the 404 of a missing page (and an audit entry).</summary>
    public static Expect PlatformOnly(bool page) => (caller, _) => caller switch
    {
        Caller.Anonymous => Anonymous(page),
        Caller.PlatformAdmin => Outcome.Allowed,
        _ => Outcome.NotFound,
    };

    /// <summary>
    /// A practice's console: its own admins and platform admins; everyone else — staff, support, the other
    /// practice's admin — gets the 404 of a missing practice. A's slug with B's person is missing for everyone.
    /// </summary>
    public static Expect Console(bool page) => (caller, variant) => caller switch
    {
        Caller.Anonymous => Anonymous(page),
        _ when variant == Variant.AWithB => Outcome.NotFound,
        Caller.PlatformAdmin => Outcome.Allowed,
        Caller.AdminA => OnA(variant) ? Outcome.Allowed : Outcome.NotFound,
        Caller.AdminB => variant == Variant.B ? Outcome.Allowed : Outcome.NotFound,
        _ => Outcome.NotFound,
    };

    /// <summary>
    /// The troubleshooter on one attempt: support and platform admins any; a practice admin an attempt made
    /// at their practice (anything else is missing, also an attempt at another practice by a person they
    /// administer there); a person who administers nothing is refused with 403.
    /// </summary>
    public static Outcome DiagnosisOfAttempt(Caller caller, Variant variant) => caller switch
    {
        Caller.Anonymous => Outcome.Unauthorized,
        Caller.Support or Caller.PlatformAdmin => Outcome.Allowed,
        Caller.AdminA => OnA(variant) ? Outcome.Allowed : Outcome.NotFound,
        Caller.AdminB => variant == Variant.B ? Outcome.Allowed : Outcome.NotFound,
        _ => Outcome.Forbidden,
    };

    /// <summary>The troubleshooter on one person: as for an attempt, but a person of both practices is both admins' to diagnose (each seeing only their practice).</summary>
    public static Outcome DiagnosisOfPerson(Caller caller, Variant variant) =>
        caller == Caller.AdminB && variant == Variant.Shared ? Outcome.Allowed : DiagnosisOfAttempt(caller, variant);

    /// <summary>The incident list: support and platform admins all, a practice admin their practice's, anyone else 403.</summary>
    public static Outcome IncidentList(Caller caller, Variant variant) => caller switch
    {
        Caller.Anonymous => Outcome.Unauthorized,
        Caller.Staff => Outcome.Forbidden,
        _ => Outcome.Allowed,
    };

    /// <summary>One incident, or a new one for a practice: support and platform admins any, a practice admin their own; anyone else 404.</summary>
    public static Outcome Incident(Caller caller, Variant variant) => caller switch
    {
        Caller.Anonymous => Outcome.Unauthorized,
        Caller.Support or Caller.PlatformAdmin => Outcome.Allowed,
        Caller.AdminA => OnA(variant) ? Outcome.Allowed : Outcome.NotFound,
        Caller.AdminB => variant == Variant.B ? Outcome.Allowed : Outcome.NotFound,
        _ => Outcome.NotFound,
    };

    /// <summary>Pages nobody may open in this host (development-only pages outside the demo).</summary>
    public static Outcome Nobody(Caller caller, Variant variant) => Outcome.NotFound;

    private static Outcome Anonymous(bool page) => page ? Outcome.SignIn : Outcome.Unauthorized;

    /// <summary>The variant names practice A (alone, or with the person of both practices).</summary>
    private static bool OnA(Variant variant) => variant is Variant.A or Variant.Shared;
}
