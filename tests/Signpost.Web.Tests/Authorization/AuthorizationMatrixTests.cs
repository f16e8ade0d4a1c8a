using System.Globalization;
using System.Net;
using System.Text;
using Signpost.Web.Infrastructure;
using Signpost.Web.Tests.Admin;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Authorization;

/// <summary>
/// Issue 15's authorization matrix: every endpoint and page the host serves, asked by the anonymous, a Staff
/// member of practice A, A's admin, B's admin, payer support and a platform admin, with A's and B's
/// resources; each answer must be the outcome the matrix states, and no answer to one practice may name
/// the other practice or its people. The table is <see cref="AuthorizationMatrix"/>; how to add a row is in
/// docs/testing.md.
/// </summary>
public sealed class AuthorizationMatrixTests(MatrixApp app, ITestOutputHelper output) : IClassFixture<MatrixApp>
{
    [Fact]
    public async Task RouteTable_EveryEndpoint_HasAMatrixRow()
    {
        await app.WorldAsync();
        var routes = await RouteTable.KeysAsync(app.Services);
        var rows = AuthorizationMatrix.Entries.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);

        var missing = routes.Where(r => !rows.Contains(r)).ToList();

        Assert.True(missing.Count == 0,
            $"{missing.Count} endpoint(s) have no row in the authorization matrix. Add one to AuthorizationMatrix.Entries "
            + "stating who may reach it (docs/testing.md, \"The authorization matrix\"):" + Lines(missing));
    }

    [Fact]
    public async Task Matrix_EveryRow_IsARouteTheHostServes()
    {
        await app.WorldAsync();
        var routes = await RouteTable.KeysAsync(app.Services);

        var stale = AuthorizationMatrix.Entries.Select(e => e.Key).Where(k => !routes.Contains(k)).ToList();
        var twice = AuthorizationMatrix.Entries.GroupBy(e => e.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.True(stale.Count == 0, $"{stale.Count} matrix row(s) name a route the host no longer serves; delete or rename them:" + Lines(stale));
        Assert.True(twice.Count == 0, "Matrix rows appear twice:" + Lines(twice));
    }

    [Fact]
    public void Matrix_RowsNamingAPracticeResource_AreAskedWithAsAndBs()
    {
        string[] tenantParameters = ["{slug}", "{accountId}", "{id}", "{traceId}"];

        var unasked = AuthorizationMatrix.Entries
            .Where(e => tenantParameters.Any(p => e.Route.Contains(p, StringComparison.Ordinal)) && !(e.Variants.Contains(Variant.A) && e.Variants.Contains(Variant.B)))
            .Select(e => e.Key)
            .ToList();

        Assert.True(unasked.Count == 0, "These rows name a practice's resource in the route but are not asked with both A's and B's:" + Lines(unasked));
    }

    [Fact]
    public async Task Matrix_EveryCell_AnswersAsStatedAndShowsNothingOfTheOtherPractice()
    {
        var results = await app.ResultsAsync();

        var failed = results.Where(r => !r.Passed && KnownHolesBeingFixed.Find(r) is null).ToList();
        output.WriteLine(Table(results));
        output.WriteLine("Known holes as they answer today:" + Lines(results.Where(r => !r.Passed && KnownHolesBeingFixed.Find(r) is not null).Select(r => r.ToString())));

        Assert.NotEmpty(results);
        Assert.True(failed.Count == 0,
            $"{failed.Count} of {results.Count} cells answered otherwise than the matrix states (route | caller | resources | expected | got):" + Lines(failed.Select(f => f.ToString())));
    }

    [Fact]
    public async Task KnownHolesBeingFixed_EachStillFails_SoTheListOnlyShrinks()
    {
        var results = await app.ResultsAsync();

        var unknown = KnownHolesBeingFixed.Cells.Where(h => !results.Any(r => r.Entry.Key == h.Key && r.Caller == h.Caller && r.Variant == h.Variant)).ToList();
        var closed = KnownHolesBeingFixed.Cells
            .Where(h => results.Any(r => r.Entry.Key == h.Key && r.Caller == h.Caller && r.Variant == h.Variant && r.Passed))
            .ToList();

        Assert.True(unknown.Count == 0, "KnownHolesBeingFixed names cells the matrix does not have:" + Lines(unknown.Select(h => $"{h.Key} | {h.Caller} | {h.Variant}")));
        Assert.True(closed.Count == 0, "These holes are closed now; delete their lines from KnownHolesBeingFixed:" + Lines(closed.Select(h => $"{h.Key} | {h.Caller} | {h.Variant} ({h.Hole})")));
    }

    [Fact]
    public async Task Matrix_HarmlessRequests_ChangeNoPracticeAccountOrConnection()
    {
        await app.ResultsAsync();

        var (before, after) = app.Fingerprints;

        Assert.Equal(before, after);
    }

    /// <summary>The whole matrix as asked: one line per row and variant, the status each caller got (shown with a detailed logger).</summary>
    private static string Table(IReadOnlyList<CellResult> results)
    {
        var callers = Enum.GetValues<Caller>();
        var text = new StringBuilder("route | resources | " + string.Join(" | ", callers));
        foreach (var row in results.GroupBy(r => (r.Entry.Key, r.Variant)))
        {
            text.Append(Environment.NewLine).Append(row.Key.Key).Append(" | ").Append(row.Key.Variant);
            foreach (var caller in callers)
            {
                var cell = row.Single(r => r.Caller == caller);
                var mark = cell.Passed ? "" : KnownHolesBeingFixed.Find(cell) is null ? " FAIL" : " HOLE";
                text.Append(CultureInfo.InvariantCulture, $" | {cell.Status}{mark}");
            }
        }

        return text.ToString();
    }

    [Fact]
    public async Task PersonOfBothPractices_AttemptAtA_IsNotBsToDiagnoseNorOnBsMemberPage()
    {
        // Arrange: a Staff member of A and B failed once at each practice; B's admin administers them too.
        var world = await app.WorldAsync();
        var adminB = world.SessionOf(Caller.AdminB).Browser;

        // Act
        var atA = await adminB.GetAsync($"/api/v1/diagnoses/{world.A.SharedTrace}");
        var atB = await adminB.GetAsync($"/api/v1/diagnoses/{world.B.SharedTrace}");
        var (page, document) = await adminB.GetPageAsync($"/admin/{world.B.Slug}/users/{world.SharedPerson.Id}");

        // Assert: the attempt at A answers like a missing one and the refusal is audited; B's own attempt is B's to read.
        Assert.Equal(HttpStatusCode.NotFound, atA.StatusCode);
        Assert.Equal("not_found", (await TestBrowser.JsonAsync(atA)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, atB.StatusCode);
        var refusals = await app.AuditAsync(world.B.Admin.Id, AdminScope.RefusalAction);
        Assert.Contains(refusals, e => e.TargetType == "trace" && e.TargetId == world.A.SharedTrace && e.OrganizationId == world.A.Id
            && e.After!.Contains("diagnosis.read", StringComparison.Ordinal));

        // B's member page of that person shows nothing of the attempt made at A.
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var text = document.Body!.TextContent;
        Assert.Contains(world.SharedPerson.Username, text, StringComparison.Ordinal);
        Assert.DoesNotContain(world.A.ClientIp, text, StringComparison.Ordinal);
        Assert.DoesNotContain(world.A.SharedTrace, text, StringComparison.Ordinal);
    }

    private static string Lines(IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(Environment.NewLine).Append("  ").Append(line);
        }

        return text.ToString();
    }
}
