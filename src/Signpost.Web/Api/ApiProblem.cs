using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Api;

/// <summary>
/// A typed RFC 9457 problem for a handler's <c>Results&lt;…&gt;</c>: written exactly as built, with our <c>code</c>,
/// our trace ID and the UTC <c>time</c> (the framework's <c>ProblemHttpResult</c> goes through the problem details
/// service, which would put its own trace ID in). Its statuses are declared on each endpoint with <c>ProducesProblem</c>.
/// </summary>
public sealed class ApiProblem : IResult, IStatusCodeHttpResult
{
    private readonly int status;
    private readonly Func<HttpContext, ProblemDetails> build;

    public ApiProblem(int status, string code, string title, string detail, Action<ProblemDetails>? extend = null)
        : this(status, code, context =>
        {
            var problem = new ProblemDetails { Type = "about:blank", Title = title, Status = status, Detail = detail, Instance = context.Request.Path };
            problem.Extensions["code"] = code;
            problem.Extensions["traceId"] = context.GetTraceId();
            problem.Extensions["time"] = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            extend?.Invoke(problem);
            return problem;
        })
    {
    }

    private ApiProblem(int status, string code, Func<HttpContext, ProblemDetails> build)
    {
        this.status = status;
        Code = code;
        this.build = build;
    }

    public int? StatusCode => status;

    /// <summary>The <c>code</c> clients branch on (not_found, invalid_request, stale_version, refused, ...).</summary>
    public string Code { get; }

    /// <summary>A body the shared reader refused (415, 413, or 400 naming the field).</summary>
    public static ApiProblem From(JsonBodyProblem problem) =>
        new(problem.Status, problem.Code, problem.Title, problem.Detail, problem.Field is { } field ? p => p.Extensions["field"] = field : null);

    /// <summary>A problem an API builds in full itself (its status must be <paramref name="status"/>), written as built.</summary>
    public static ApiProblem Built(int status, string code, Func<HttpContext, ProblemDetails> build) => new(status, code, build);

    /// <summary>A problem already built in full (a sign-in outcome from <see cref="Problems.ForResult"/>), written as built.</summary>
    public static ApiProblem Of(ProblemDetails problem) =>
        new(problem.Status ?? StatusCodes.Status500InternalServerError, problem.Extensions.TryGetValue("code", out var code) ? code as string ?? "" : "", _ => problem);

    public Task ExecuteAsync(HttpContext httpContext) => Problems.WriteAsync(httpContext, build(httpContext));
}
