using System.Net;

namespace Signpost.Web.Tests.Authorization;

/// <summary>Who asks. The Staff member belongs to practice A; support and platform admin belong to no practice.</summary>
public enum Caller
{
    Anonymous,
    Staff,
    AdminA,
    AdminB,
    Support,
    PlatformAdmin,
}

/// <summary>Whose resources fill the route (and the body where the resource travels there).</summary>
public enum Variant
{
    /// <summary>The route names no practice's resource.</summary>
    None,

    /// <summary>Practice A's slug, person, trace, incident.</summary>
    A,

    /// <summary>Practice B's.</summary>
    B,

    /// <summary>A forged mix: practice A's slug or ID, with B's person, trace or incident beside it.</summary>
    AWithB,

    /// <summary>
    /// Practice A's slug, with the person who belongs to both practices and their attempt at A. B's admin
    /// administers that person too, but not A, nor the attempt made at A.
    /// </summary>
    Shared,
}

/// <summary>The class of an answer: did the boundary let the caller reach the resource, and if not, how did it say no.</summary>
public enum Outcome
{
    /// <summary>The handler ran for the caller: a page or data, a redirect elsewhere than sign-in, or a 400/409-class answer about the (harmless) body.</summary>
    Allowed,

    /// <summary>404: refused exactly like a missing target.</summary>
    NotFound,

    /// <summary>401 (the API asks for a session).</summary>
    Unauthorized,

    /// <summary>403 (signed in, but the role is missing).</summary>
    Forbidden,

    /// <summary>A redirect to the sign-in page with a return URL (a page asks for a session).</summary>
    SignIn,

    /// <summary>A 400 the framework wrote before any handler ran (a lost anti-forgery token): the matrix's own request is wrong.</summary>
    Unreadable,

    /// <summary>429: the matrix tripped a rate limit, so it learned nothing.</summary>
    RateLimited,

    /// <summary>405 or 5xx: never an acceptable answer.</summary>
    Broken,
}

public static class Outcomes
{
    /// <summary>The class of <paramref name="response"/>; <paramref name="body"/> tells a framework 400 from a handler's.</summary>
    public static Outcome Classify(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => Outcome.Unauthorized,
            HttpStatusCode.Forbidden => Outcome.Forbidden,
            HttpStatusCode.NotFound => Outcome.NotFound,
            HttpStatusCode.TooManyRequests => Outcome.RateLimited,
            HttpStatusCode.MethodNotAllowed => Outcome.Broken,
            HttpStatusCode.BadRequest when IsBareStatusPage(body) => Outcome.Unreadable,
            _ when status >= 500 => Outcome.Broken,
            _ when status is >= 300 and < 400 && IsSignInRedirect(response.Headers.Location) => Outcome.SignIn,
            _ => Outcome.Allowed,
        };
    }

    private static bool IsSignInRedirect(Uri? location) =>
        location is not null && location.OriginalString.StartsWith("/sign-in?returnUrl=", StringComparison.Ordinal);

    // The status-code page (StatusCodeAnswers) for a bare 400, as HTML or as a problem: no handler wrote this answer.
    private static bool IsBareStatusPage(string body) =>
        body.Contains("<h1>The request could not be read</h1><p>Reload the page and try again.</p>", StringComparison.Ordinal)
        || body.Contains("\"code\":\"http_400\"", StringComparison.Ordinal);
}
