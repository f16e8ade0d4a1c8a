using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Incidents;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Recovery;

namespace Signpost.Web.Tests.Support;

/// <summary>The incident queue and one incident, worked by the help desk: filters, assignment, notes, resolve, conflicts.</summary>
public sealed class IncidentQueueTests(RecoveryApp app) : IClassFixture<RecoveryApp>
{
    [Fact]
    public async Task Queue_ListsAHelpRequest_FiltersByStatus_AndTheAccountTimelineShowsIt()
    {
        var member = await app.MemberAsync("queued");
        var incident = await FileAsync("<b>bold</b> request", member.Id);
        using var support = await SupportAsync();

        var (_, open) = await support.GetPageAsync("/support/incidents?status=Open");
        var (_, resolved) = await support.GetPageAsync("/support/incidents?status=Resolved");
        var (_, timeline) = await support.GetPageAsync($"/support/accounts/{member.Id}");
        var (response, page) = await support.GetPageAsync($"/support/incidents/{incident.Id}");

        Assert.NotNull(open.QuerySelector($"[data-incident='{incident.Id}']"));
        Assert.Null(resolved.QuerySelector($"[data-incident='{incident.Id}']"));
        Assert.NotNull(timeline.QuerySelector("[data-testid=timeline] tr[data-kind=incident]"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("<b>bold</b> request", page.QuerySelector("[data-testid=incident-description]")!.TextContent);
        Assert.Null(page.QuerySelector("[data-testid=incident-description] b"));
    }

    [Fact]
    public async Task TakeNoteAndResolve_AreStored_AndAudited()
    {
        var incident = await FileAsync("Locked out at the front desk.", null);
        using var support = await SupportAsync();
        var form = await support.OpenFormAsync($"/support/incidents/{incident.Id}", "[data-testid=incident-form]");

        var taken = await support.SubmitAsync(form, [new("action", "take"), new("note", "Calling them back now.")]);
        var resolveForm = await support.OpenFormAsync($"/support/incidents/{incident.Id}", "[data-testid=incident-form]");
        var resolved = await support.SubmitAsync(resolveForm, [new("action", "resolve")]);
        var (_, page) = await support.GetPageAsync(resolved.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Redirect, taken.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, resolved.StatusCode);
        var stored = await app.WithDbAsync(db => db.Set<Incident>().AsNoTracking().SingleAsync(i => i.Id == incident.Id));
        Assert.Equal(IncidentStatus.Resolved, stored.Status);
        Assert.StartsWith("agent-", stored.AssignedTo, StringComparison.Ordinal);
        Assert.Contains("Calling them back now.", page.QuerySelector("[data-testid=incident-notes]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(2, await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "incident.update" && a.TargetId == incident.Id.ToString())));
    }

    [Fact]
    public async Task TwoAgentsAtOnce_TheSecondIsToldAndChangesNothing()
    {
        var incident = await FileAsync("Two agents race.", null);
        using var first = await SupportAsync();
        using var second = await SupportAsync();
        var firstForm = await first.OpenFormAsync($"/support/incidents/{incident.Id}", "[data-testid=incident-form]");
        var secondForm = await second.OpenFormAsync($"/support/incidents/{incident.Id}", "[data-testid=incident-form]");

        await first.SubmitAsync(firstForm, [new("action", "save"), new("assigned", "first agent")]);
        var late = await TestBrowser.ParseAsync(await second.SubmitAsync(secondForm, [new("action", "save"), new("assigned", "second agent")]));

        Assert.Contains("Someone else changed this incident", late.QuerySelector("[data-testid=incident-problems]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("first agent", (await app.WithDbAsync(db => db.Set<Incident>().AsNoTracking().SingleAsync(i => i.Id == incident.Id))).AssignedTo);
    }

    [Fact]
    public async Task Incidents_AreForSupportOnly_UnknownIdsAre404()
    {
        var member = await app.MemberAsync("nosy");
        var incident = await FileAsync("Not for staff eyes.", null);
        using var staff = app.CreateBrowser();
        await staff.SignInAsync(member.Username, TestAccounts.Password);
        using var support = await SupportAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/support/incidents/{incident.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await support.GetAsync($"/support/incidents/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await support.GetAsync("/support/incidents/<script>")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await support.GetAsync("/support/incidents?status=Nonsense&practice=%00&assigned=" + new string('a', 5000))).StatusCode);
    }

    private Task<Incident> FileAsync(string description, Guid? accountId) =>
        app.WithServicesAsync(async services =>
        {
            var result = await services.GetRequiredService<IncidentService>().AskForHelpAsync(
                new HelpRequest { Description = description, AccountId = accountId }, AuditActor.CommandLine(), CancellationToken.None);
            return result.Incident!;
        });

    private async Task<TestBrowser> SupportAsync()
    {
        var agent = await app.CreateAccountAsync(TestAccounts.Unique("agent"), null, platformRoles: PlatformRoles.SupportAgent);
        var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(agent.Username, TestAccounts.Password)).StatusCode);
        return browser;
    }
}
