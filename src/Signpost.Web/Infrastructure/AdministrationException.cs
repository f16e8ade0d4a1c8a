using Signpost.Core.Organizations;

namespace Signpost.Web.Infrastructure;

/// <summary>An administrative request that cannot be carried out, with a sentence that says why.</summary>
public class AdministrationException(string message) : Exception(message);

/// <summary>
/// Values that cannot be stored, each problem naming its field, so a page marks the right input and the
/// command line and API say which setting was wrong. Nothing was stored.
/// </summary>
public sealed class InvalidFieldsException(IReadOnlyList<PolicyProblem> problems)
    : AdministrationException(string.Join(" ", problems.Select(p => p.Message)))
{
    public IReadOnlyList<PolicyProblem> Problems { get; } = problems;
}
