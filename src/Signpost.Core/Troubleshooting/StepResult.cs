using System.Text.Json.Serialization;

namespace Signpost.Core.Troubleshooting;

/// <summary>What a troubleshooting step (or one check within it) concluded (docs/design.md §5: ok / problem / unknown).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepStatus>))]
public enum StepStatus
{
    /// <summary>The facts were there and nothing is wrong.</summary>
    Ok,

    /// <summary>The facts show something wrong; the evidence says what.</summary>
    Problem,

    /// <summary>The step could not tell: its facts exist in this deployment but say too little (no attempt, no account).</summary>
    Unknown,

    /// <summary>
    /// The step's facts do not exist here (no SSO connection, no MFA yet). Kept apart from <see cref="Ok"/>
    /// on purpose: "nothing checked" must never read as "checked and fine".
    /// </summary>
    NotUsedHere,
}

/// <summary>What one <see cref="ITroubleshootingCheck"/> found.</summary>
/// <param name="Check">The check's name, so a reader knows which rule produced the evidence.</param>
/// <param name="Status">Its conclusion.</param>
/// <param name="Evidence">One plain sentence per fact that led there.</param>
/// <param name="RootCauseCandidates">Reason codes this check puts forward as the root cause; the troubleshooter picks by <see cref="RootCausePrecedence"/>.</param>
public sealed record CheckFinding(string Check, StepStatus Status, IReadOnlyList<string> Evidence, IReadOnlyList<string> RootCauseCandidates)
{
    public static CheckFinding Ok(string check, params string[] evidence) => new(check, StepStatus.Ok, evidence, []);

    public static CheckFinding Unknown(string check, params string[] evidence) => new(check, StepStatus.Unknown, evidence, []);

    public static CheckFinding NotUsedHere(string check, params string[] evidence) => new(check, StepStatus.NotUsedHere, evidence, []);

    public static CheckFinding Problem(string check, IReadOnlyList<string> candidates, params string[] evidence) => new(check, StepStatus.Problem, evidence, candidates);
}

/// <summary>One of the eight steps of the seed's workflow, as the troubleshooter ran it.</summary>
/// <param name="Number">1–8, the seed's order.</param>
/// <param name="Title">The seed's title for the step.</param>
/// <param name="Status">The step's overall status: the most telling of its checks' (problem, unknown, ok, not used here).</param>
/// <param name="Evidence">Every check's evidence, in check order.</param>
/// <param name="RelatedReasonCodes">Reason codes the step's checks put forward.</param>
/// <param name="Findings">Each check's own finding, so "not used here" for SSO stays visible inside an otherwise ok step.</param>
public sealed record StepResult(
    int Number,
    string Title,
    StepStatus Status,
    IReadOnlyList<string> Evidence,
    IReadOnlyList<string> RelatedReasonCodes,
    IReadOnlyList<CheckFinding> Findings)
{
    /// <summary>
    /// Merges the findings of one step's checks. Problem beats unknown beats ok beats not-used-here: one
    /// check with a problem makes the step a problem; a step is "not used here" only when every check says so.
    /// </summary>
    public static StepResult Merge(int number, string title, IReadOnlyList<CheckFinding> findings)
    {
        var status = findings.Count == 0 ? StepStatus.NotUsedHere : findings.Select(f => f.Status).MaxBy(Rank);
        return new StepResult(
            number,
            title,
            status,
            [.. findings.SelectMany(f => f.Evidence)],
            [.. findings.SelectMany(f => f.RootCauseCandidates).Distinct(StringComparer.Ordinal)],
            findings);
    }

    private static int Rank(StepStatus status) => status switch
    {
        StepStatus.Problem => 3,
        StepStatus.Unknown => 2,
        StepStatus.Ok => 1,
        _ => 0,
    };
}
