using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Incidents;
using Signpost.Core.Organizations;
using Signpost.Web.Queries;

namespace Signpost.Web.Pages.Support;

/// <summary>The help desk's incident queue: newest first, filtered by status, practice, rule or assignee.</summary>
public sealed class IncidentsModel(IIncidentStore store, SupportQueries queries) : PageModel
{
    public const int PageSize = 100;

    public IReadOnlyList<Incident> Incidents { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> PracticeNames { get; private set; } = new Dictionary<Guid, string>();
    public IReadOnlyList<Organization> Practices { get; private set; } = [];
    public IncidentStatus? Status { get; private set; }
    public string? Practice { get; private set; }
    public string? Assigned { get; private set; }
    public string? Rule { get; private set; }

    public async Task OnGetAsync(string? status, string? practice, string? assigned, string? rule, CancellationToken cancellationToken)
    {
        Status = Enum.TryParse<IncidentStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
        Practices = await queries.ListPracticesAsync(cancellationToken);
        var organization = Practices.FirstOrDefault(o => o.Slug == practice);
        Practice = organization?.Slug;
        Assigned = assigned is { Length: > 0 and <= Incident.MaxAssigneeLength } ? assigned.Trim() : null;
        Rule = rule is { Length: > 0 and <= 100 } ? rule.Trim() : null;
        Incidents = await store.ListAsync(new IncidentQuery
        {
            Status = Status,
            OrganizationId = organization?.Id,
            AssignedTo = Assigned,
            RuleId = Rule,
            Take = PageSize,
        }, cancellationToken);
        PracticeNames = Practices.ToDictionary(o => o.Id, o => o.Name);
    }
}
