using Signpost.Core.Reasons;
using Signpost.Core.Troubleshooting;

namespace Signpost.Core.Tests.Troubleshooting;

/// <summary>
/// The scenario suite: each failure story sets up facts, plays the attempts and asserts the diagnosed root
/// cause, the immediate action and the escalation. A catalogue code without a story fails the suite.
/// </summary>
public sealed class ScenarioSuiteTests
{
    [Theory]
    [MemberData(nameof(FailureStories.Names), MemberType = typeof(FailureStories))]
    public async Task Diagnose_Story_FindsRootCauseActionAndEscalation(string name)
    {
        // Arrange
        var story = FailureStories.Named(name);
        var scene = new Scene();

        // Act
        var diagnosis = await story.Play(scene);

        // Assert
        Assert.Equal(story.RootCause, diagnosis.RootCauseCode);
        var expectedAction = story.RootCause is null ? diagnosis.ImmediateAction : ReasonCatalogue.Get(story.RootCause).ImmediateAction;
        Assert.Equal(expectedAction, diagnosis.ImmediateAction);
        Assert.Equal(story.EscalateTo, diagnosis.Escalation.Targets);
        Assert.Equal(story.EscalateTo.Length > 0, diagnosis.Escalation.Escalate);
        Assert.Equal(story.Rule, diagnosis.Escalation.RuleId);
        Assert.Equal(Enumerable.Range(1, 8), diagnosis.Steps.Select(s => s.Number));
        Assert.Equal(TroubleshootingSteps.Titles, diagnosis.Steps.Select(s => s.Title));
        Assert.Equal(story.EscalateTo.Length > 0 ? StepStatus.Problem : StepStatus.Ok, diagnosis.Step(TroubleshootingSteps.ContactSupport).Status);
        if (story.RootCause is { } root && !ReasonCatalogue.Get(root).IsSuccess)
        {
            // The root cause is argued for: some step with a problem put it forward.
            Assert.Contains(diagnosis.Steps, s => s.Status == StepStatus.Problem && s.RelatedReasonCodes.Contains(root));
        }
    }

    [Fact]
    public void Stories_CoverEveryCatalogueCode()
    {
        var covered = FailureStories.All.Select(s => s.RootCause).OfType<string>().ToHashSet();

        var missing = ReasonCatalogue.All.Select(r => r.Code).Where(code => !covered.Contains(code)).ToList();

        Assert.True(missing.Count == 0, $"No failure story ends in: {string.Join(", ", missing)}");
        Assert.True(FailureStories.All.Count >= 20);
        Assert.Equal(FailureStories.All.Count, FailureStories.All.Select(s => s.Name).Distinct().Count());
    }

    [Fact]
    public void Precedence_RanksEveryCatalogueCodeOnce()
    {
        Assert.Equal(ReasonCatalogue.All.Select(r => r.Code).Order(StringComparer.Ordinal), RootCausePrecedence.Order.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void StepFor_EveryCatalogueCode_IsOneOfTheFirstSevenSteps()
    {
        Assert.All(ReasonCatalogue.All, r => Assert.InRange(TroubleshootingSteps.StepFor(r.Code), 1, 7));
    }
}
