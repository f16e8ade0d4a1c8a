using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Incidents;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Web.Infrastructure;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Troubleshooting;

namespace Signpost.Web.Tests.Boundary;

/// <summary>
/// The tenant boundary for a hostile practice administrator (issue 15, attacks 2 and 3), through the real
/// API: the diagnosis of a locked account never says whether the password was right, nor shows addresses or
/// other practices; incidents take only trace IDs inside the caller's scope; the anonymous "Ask for help"
/// form only a trace that was shown to the browser asking.
/// </summary>
public sealed class PracticeAdminBoundaryTests(DiagnosisApp app) : IClassFixture<DiagnosisApp>
{
    private const string SecretName = "Lakeside Hidden Clinic";
    private const string SecretAddress = "12 Quiet Lane, Hidden Town";
    private const string SecretLabel = "Lakeside Back Office";

    [Fact]
    public async Task Diagnosis_LockedAccount_PracticeAdminCannotTellRightPasswordFromWrong()
    {
        // Arrange: Harbor locks after three failures; Ivy also works at a practice Harbor's admin has no business knowing.
        var harbor = TestAccounts.Unique("harbor");
        await app.CreateOrganizationAsync(harbor, "Harbor Clinic", p => p.LockoutThreshold = 3);
        var lakeside = await SecretPracticeAsync();
        var ivy = await app.CreateAccountAsync(TestAccounts.Unique("ivy"), harbor);
        await JoinAsync(ivy.Id, lakeside.Id);
        using var admin = await app.SignedInAsync(practiceAdminOf: harbor);
        using var support = await app.SignedInAsync(PlatformRoles.SupportAgent);
        for (var i = 0; i < 3; i++)
        {
            await app.AttemptAsync(ivy.Username, "wrong password, typed in a hurry", i == 0 ? "192.0.2.5" : "203.0.113.10");
        }

        // Act: the attacker keeps guessing while locked — once right, once wrong — and reads each diagnosis as Harbor's admin.
        var (right, _) = await app.AttemptAsync(ivy.Username, TestAccounts.Password);
        var (wrong, _) = await app.AttemptAsync(ivy.Username, "another wrong guess");
        var rightResponse = await admin.GetAsync($"/api/v1/diagnoses/{right}");
        var wrongResponse = await admin.GetAsync($"/api/v1/diagnoses/{wrong}");
        var accountResponse = await admin.GetAsync($"/api/v1/accounts/{ivy.Id}/diagnosis");
        var supportView = await (await support.GetAsync($"/api/v1/diagnoses/{right}")).Content.ReadAsStringAsync();
        var rightView = await rightResponse.Content.ReadAsStringAsync();
        var wrongView = await wrongResponse.Content.ReadAsStringAsync();
        var accountView = await accountResponse.Content.ReadAsStringAsync();

        // Assert: the facts were recorded (support reads the verdict, so the test can fail) ...
        Assert.Equal(ReasonCodes.AccountLocked, (await app.EventAsync(right)).ReasonCode);
        Assert.Contains("password was correct", supportView, StringComparison.Ordinal);
        Assert.Contains("203.0.113.10", supportView, StringComparison.Ordinal);
        // ... and the practice admin reads the lock, but neither verdict, address nor the other practice.
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (rightResponse.StatusCode, wrongResponse.StatusCode, accountResponse.StatusCode));
        foreach (var view in new[] { rightView, wrongView, accountView })
        {
            Assert.Contains(ReasonCodes.AccountLocked, view, StringComparison.Ordinal);
            Assert.DoesNotContain("password was", view, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("password is correct", view, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("203.0.113.10", view, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretName, view, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretAddress, view, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretLabel, view, StringComparison.Ordinal);
            Assert.DoesNotContain("192.0.2.", view, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MemberPage_Timeline_ShowsNoAddressesNorAttemptsAtOtherPractices()
    {
        var harbor = TestAccounts.Unique("harbor");
        await app.CreateOrganizationAsync(harbor, "Harbor Clinic");
        var lakeside = await SecretPracticeAsync();
        var ivy = await app.CreateAccountAsync(TestAccounts.Unique("ivy"), harbor);
        await JoinAsync(ivy.Id, lakeside.Id);
        var (atHarbor, _) = await app.AttemptAsync(ivy.Username, "wrong", "198.51.100.23");
        var (atLakeside, _) = await app.AttemptAsync(ivy.Username, "wrong", "198.51.100.24");
        await app.WithDbAsync(db => db.SignInEvents.Where(e => e.TraceId == atLakeside).ExecuteUpdateAsync(s => s.SetProperty(e => e.OrganizationId, lakeside.Id)));
        using var admin = await app.SignedInAsync(practiceAdminOf: harbor);

        var page = await (await admin.GetAsync($"/admin/{harbor}/users/{ivy.Id}")).Content.ReadAsStringAsync();

        Assert.Contains(atHarbor, page, StringComparison.Ordinal);
        Assert.DoesNotContain(atLakeside, page, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.2", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incident_TraceOfAnotherPracticesPerson_RefusedAndNothingFiled()
    {
        // Arrange: a failure of someone at another practice, and Harbor's admin holding its trace ID.
        var harbor = TestAccounts.Unique("harbor");
        var harborPractice = await app.CreateOrganizationAsync(harbor, "Harbor Clinic");
        var lakeside = await SecretPracticeAsync();
        var bo = await app.CreateAccountAsync(TestAccounts.Unique("bo"), lakeside.Slug);
        var ann = await app.CreateAccountAsync(TestAccounts.Unique("ann"), harbor);
        var (foreign, _) = await app.AttemptAsync(bo.Username, "wrong", "198.51.100.77");
        var (own, _) = await app.AttemptAsync(ann.Username, "wrong", "198.51.100.78");
        using var admin = await app.SignedInAsync(practiceAdminOf: harbor);

        // Act: the attack as filed, then the same with the practice's own member's trace.
        var attack = await admin.Http.PostAsJsonAsync("/api/v1/incidents", new { description = "help", organizationId = harborPractice.Id, traceIds = new[] { foreign } });
        var fair = await admin.Http.PostAsJsonAsync("/api/v1/incidents", new { description = "help", organizationId = harborPractice.Id, traceIds = new[] { own } });

        // Assert: refused like a missing trace, audited, nothing stored about Bo; the fair one is read back without addresses.
        Assert.Equal(HttpStatusCode.NotFound, attack.StatusCode);
        Assert.Equal("not_found", (await TestBrowser.JsonAsync(attack)).GetProperty("code").GetString());
        var incidents = await app.WithDbAsync(db => db.Set<Incident>().AsNoTracking().Where(i => i.OrganizationId == harborPractice.Id).ToListAsync());
        Assert.DoesNotContain(incidents, i => i.TraceIds.Contains(foreign, StringComparison.Ordinal) || i.DataPoints.Contains(bo.Username, StringComparison.Ordinal));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == AdminScope.RefusalAction && a.TargetId == foreign)));
        Assert.Equal(HttpStatusCode.Created, fair.StatusCode);
        var fairView = await fair.Content.ReadAsStringAsync();
        Assert.Contains(ann.Username, fairView, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.78", fairView, StringComparison.Ordinal);
        var stored = await app.WithDbAsync(db => db.Set<Incident>().AsNoTracking().SingleAsync(i => i.TraceIds == own));
        Assert.Contains("198.51.100.78", stored.DataPoints, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskForHelp_TypedTraceOfSomeoneElse_FiledWithoutTheirTraceAccountOrPractice()
    {
        // Arrange: Bo at Lakeside fails; someone else types Bo's trace ID into "Can't sign in?".
        var lakeside = await SecretPracticeAsync();
        var bo = await app.CreateAccountAsync(TestAccounts.Unique("bo"), lakeside.Slug);
        var (foreign, _) = await app.AttemptAsync(bo.Username, "wrong", "198.51.100.90");
        using var stranger = app.CreateBrowser();
        var check = await stranger.OpenFormAsync($"/cant-sign-in?trace={foreign}", "[data-testid=check-form]");
        var checkedPage = await TestBrowser.ParseAsync(await stranger.SubmitAsync(check, [new("identifier", bo.Username)]));

        // Act
        var ask = HtmlForm.From(checkedPage, "/cant-sign-in", "[data-testid=ask-form]");
        var response = await stranger.SubmitAsync(ask, [new("description", "Please look at this.")]);

        // Assert: an incident for support only, with what was typed as text; no trace, account, practice or facts of Bo.
        var page = await TestBrowser.ParseAsync(response);
        var id = Guid.Parse(page.QuerySelector("[data-testid=filed]")!.GetAttribute("data-incident")!);
        var incident = await app.WithDbAsync(db => db.Set<Incident>().AsNoTracking().SingleAsync(i => i.Id == id));
        Assert.Empty(incident.TraceIdList);
        Assert.Null(incident.AccountId);
        Assert.Null(incident.OrganizationId);
        Assert.DoesNotContain(bo.Username, incident.DataPoints, StringComparison.Ordinal);
        Assert.Contains($"Trace ID typed (not one shown to this browser, so not attached): {foreign}", incident.Description, StringComparison.Ordinal);
    }

    private async Task<Organization> SecretPracticeAsync()
    {
        var practice = await app.CreateOrganizationAsync(TestAccounts.Unique("lakeside"), SecretName, p => p.LockoutThreshold = 3);
        await app.WithDbAsync(async db =>
        {
            var stored = await db.Organizations.SingleAsync(o => o.Id == practice.Id);
            stored.Address = SecretAddress;
            stored.NetworkRanges = [new() { Cidr = "192.0.2.0/24", Label = SecretLabel }];
            return await db.SaveChangesAsync();
        });
        return practice;
    }

    private Task<int> JoinAsync(Guid accountId, Guid organizationId) =>
        app.WithDbAsync(db =>
        {
            db.Memberships.Add(new Membership { AccountId = accountId, OrganizationId = organizationId, Roles = PracticeRoles.Staff });
            return db.SaveChangesAsync();
        });
}
