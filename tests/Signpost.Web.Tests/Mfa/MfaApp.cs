using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Mfa;
using Signpost.Core.Organizations;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Mfa;

/// <summary>
/// Signpost on a hand-moved clock whose requests may name their client address (the step-up rule reads
/// networks), with helpers that enrol an authenticator through the app's own enrolment service and compute
/// its codes the way a phone would, at any clock offset.
/// </summary>
public class MfaApp : SignpostFactory
{
    public MfaApp() => Time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 10, TimeSpan.Zero));

    public FakeTimeProvider Clock => Time!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, ClientAddressFilter>());
    }

    /// <summary>A practice with the given second-factor policy and a member with <paramref name="roles"/>.</summary>
    public async Task<(Organization Practice, Account Person)> PersonAsync(
        SecondFactorPolicy policy, PracticeRoles roles = PracticeRoles.Staff, int graceDays = 14, int rememberDays = 30, string prefix = "mfa")
    {
        var slug = TestAccounts.Unique(prefix);
        var practice = await CreateOrganizationAsync(slug, $"Practice {slug}", p =>
        {
            p.SecondFactor = policy;
            p.SecondFactorGraceDays = graceDays;
            p.RememberBrowserDays = rememberDays;
        });
        var person = await CreateAccountAsync(TestAccounts.Unique("person"), slug);
        if (roles != PracticeRoles.Staff)
        {
            await WithDbAsync(db => db.Memberships.Where(m => m.AccountId == person.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Roles, roles)));
        }

        return (practice, person);
    }

    /// <summary>Enrols an authenticator through <see cref="SecondFactorEnrolment"/>, confirms it with the current code, and moves the clock one step on so that code is spent.</summary>
    public async Task<Enrolled> EnrolAsync(Account person, string name = "front desk phone")
    {
        var enrolled = await WithServicesAsync(async services =>
        {
            var enrolment = services.GetRequiredService<SecondFactorEnrolment>();
            var pending = (await enrolment.StartAsync(person.Id, name, CancellationToken.None))!;
            var code = TotpCodes.Compute(pending.Secret, TotpCodes.StepAt(Clock.GetUtcNow()));
            var outcome = await enrolment.ConfirmAsync(person.Id, pending.Authenticator.Id, code,
                AuditActor.Account(person.Id, person.Username, null, null), CancellationToken.None);
            Assert.True(outcome.Confirmed, outcome.Message);
            return new Enrolled(pending.Authenticator.Id, pending.Secret, outcome.RecoveryCodes);
        });
        Clock.Advance(TimeSpan.FromSeconds(TotpCodes.StepSeconds));
        return enrolled;
    }

    /// <summary>The code the person's phone shows now, its clock <paramref name="skewSteps"/> steps off.</summary>
    public string CodeOf(Enrolled enrolled, int skewSteps = 0) =>
        TotpCodes.Compute(enrolled.Secret, TotpCodes.StepAt(Clock.GetUtcNow()) + skewSteps);

    public Task<SecondFactorState?> StateAsync(Guid accountId) =>
        WithDbAsync(db => db.SecondFactorStates.AsNoTracking().FirstOrDefaultAsync(s => s.AccountId == accountId));

    /// <summary>A browser whose requests come from <paramref name="ip"/>.</summary>
    public TestBrowser BrowserFrom(string? ip)
    {
        var browser = CreateBrowser();
        if (ip is not null)
        {
            browser.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, ip);
        }

        return browser;
    }

    /// <summary>Signs in on the page and, when asked, answers the challenge page with <paramref name="code"/>.</summary>
    public static async Task<HttpResponseMessage> VerifyAsync(TestBrowser browser, string code, bool remember = false)
    {
        var form = await browser.OpenFormAsync("/sign-in/verify");
        // An unticked box is not sent by a browser; the test form holds every field, so it is emptied instead.
        var values = new List<KeyValuePair<string, string>> { new("code", code), new("remember", remember ? "on" : "") };
        return await browser.SubmitAsync(form, values);
    }

    public static async Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> ApiAsync(TestBrowser browser, string path, object body)
    {
        var response = await browser.Http.PostAsync(new Uri(path, UriKind.Relative),
            new StringContent(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json"));
        return (response, await TestBrowser.JsonAsync(response));
    }

    public sealed record Enrolled(Guid Id, byte[] Secret, IReadOnlyList<string> RecoveryCodes);
}

/// <summary>Where a page answer sent the browser.</summary>
internal static class Redirects
{
    public static string? To(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther ? response.Headers.Location?.OriginalString : null;
}
