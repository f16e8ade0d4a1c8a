namespace Signpost.Web.Tests.Authorization;

/// <summary>A cell where main still answers wrongly and someone is fixing it: the matrix keeps the correct expectation.</summary>
/// <param name="Key">The row, as <see cref="MatrixEntry.Key"/>.</param>
/// <param name="Caller">Who asks.</param>
/// <param name="Variant">With whose resources.</param>
/// <param name="Hole">What is wrong and where it is being fixed.</param>
public sealed record KnownHole(string Key, Caller Caller, Variant Variant, string Hole);

/// <summary>
/// Cells that fail on main today because of a hole another change is closing (issue 15). The matrix asserts
/// the correct outcome everywhere; a cell listed here may fail without failing the build, and a listed cell
/// that now passes fails the build until its line is deleted — so the list only ever shrinks, and empties
/// once the fixes are merged.
/// </summary>
public static class KnownHolesBeingFixed
{
    private const string RefusalsInDiagnosis =
        "found by the matrix: troubleshooter step 7 (admin changes, DatabaseTroubleshootingFacts.ListAdminChangesAsync) lists audited refusals (access.denied) on the practice, "
        + "so a practice admin's diagnosis names the other practice's admin who probed it (\"access.denied by <their username>\"); the audience projection must drop refusals and other practices' actors";

    private const string OtherPracticeInDiagnosis =
        "found by the matrix: the diagnosis of a person of two practices, read by either practice's admin, names the other practice's admin through step 7's refusals "
        + "(before the tenant-boundary merge, step 4 also named the other practice and its SSO connection); the practice-admin projection must keep to the caller's practice";

    public static IReadOnlyList<KnownHole> Cells { get; } =
    [
        new("GET /api/v1/diagnoses/{traceId}", Caller.AdminA, Variant.A, RefusalsInDiagnosis),
        new("GET /api/v1/diagnoses/{traceId}", Caller.AdminB, Variant.B, RefusalsInDiagnosis),
        new("GET /api/v1/accounts/{id}/diagnosis", Caller.AdminA, Variant.A, RefusalsInDiagnosis),
        new("GET /api/v1/accounts/{id}/diagnosis", Caller.AdminB, Variant.B, RefusalsInDiagnosis),
        new("GET /api/v1/diagnoses/{traceId}", Caller.AdminA, Variant.Shared, OtherPracticeInDiagnosis),
        new("GET /api/v1/accounts/{id}/diagnosis", Caller.AdminA, Variant.Shared, OtherPracticeInDiagnosis),
        new("GET /api/v1/accounts/{id}/diagnosis", Caller.AdminB, Variant.Shared, OtherPracticeInDiagnosis),
    ];

    public static KnownHole? Find(CellResult cell) =>
        Cells.FirstOrDefault(h => h.Key == cell.Entry.Key && h.Caller == cell.Caller && h.Variant == cell.Variant);
}
