namespace Signpost.Web.Tests.Authorization;

/// <summary>The outcome a caller must meet on one variant of a route.</summary>
public delegate Outcome Expect(Caller caller, Variant variant);

/// <summary>
/// What one cell sends. <see cref="Form"/> is posted as a form with the caller's anti-forgery token added;
/// <see cref="Json"/> is sent as JSON. Bodies are harmless: a stale version, a missing field, mismatched
/// passwords — enough for an allowed caller to reach the resource and be told no about the body.
/// </summary>
public sealed record MatrixRequest(string Path, IReadOnlyDictionary<string, string>? Form = null, object? Json = null);

/// <summary>
/// One row of the matrix: a route pattern and HTTP method as the endpoint data source names them (a Razor
/// page handler adds <c>?handler=Name</c>), the variants it is asked with, the request, and the expected
/// outcome for every caller and variant.
/// </summary>
/// <param name="Method">GET, POST, PUT, PATCH.</param>
/// <param name="Route">The route pattern with a leading slash, e.g. <c>/admin/{slug}/users/{accountId}?handler=Disable</c>.</param>
/// <param name="Variants">Whose resources fill the route; <see cref="Variant.None"/> alone when it names none.</param>
/// <param name="Expected">The outcome per caller and variant.</param>
/// <param name="Request">The request for one variant's resources.</param>
/// <param name="EndsSession">The request ends the caller's session (sign-out): the cell runs in a session of its own.</param>
/// <param name="ShowsNamedPractice">
/// The answer shows the practice named in the route to anyone (a practice's own sign-in page carries its name):
/// that name is no leak to whoever typed the slug.
/// </param>
public sealed record MatrixEntry(
    string Method, string Route, IReadOnlyList<Variant> Variants, Expect Expected, Func<Target, MatrixRequest> Request, bool EndsSession = false, bool ShowsNamedPractice = false)
{
    /// <summary>How the route table and the known holes name this row.</summary>
    public string Key => $"{Method} {Route}";
}

/// <summary>The resources a variant puts in a request: one practice's slug and ID, and a person, trace, SSO trace and incident.</summary>
public sealed record Target(string Slug, Guid PracticeId, Guid PersonId, string Trace, string SsoTrace, Guid IncidentId);
