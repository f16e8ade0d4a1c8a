using System.Text.Json;
using Signpost.Core.Reasons;
using Signpost.Core.Troubleshooting;

namespace Signpost.Core.Tests.Troubleshooting;

/// <summary>What "Can't sign in?" may show for a bare trace ID: the shown reason's face, never the exact one.</summary>
public sealed class SafeAdviceTests
{
    public static TheoryData<string> HiddenReasons()
    {
        var data = new TheoryData<string>();
        foreach (var reason in ReasonCatalogue.All.Where(r => r.PublicCode != r.Code))
        {
            data.Add(reason.Code);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HiddenReasons))]
    public async Task ForAnonymous_ShownReasonDiffers_NeverLeaksTheExactReasonOrAccountState(string code)
    {
        // Arrange: a locked, flagged, expired account — everything an attacker would like confirmed.
        var scene = new Scene();
        scene.Person.Flagged = true;
        scene.Lock(scene.Time.GetUtcNow().AddHours(1));
        scene.Attempt(code);
        var diagnosis = await scene.DiagnoseTraceAsync();
        var exact = ReasonCatalogue.Get(code);

        // Act
        var advice = diagnosis.ForAnonymous()!;
        var json = JsonSerializer.Serialize(advice);

        // Assert
        Assert.Equal(exact.PublicCode, advice.Code);
        Assert.DoesNotContain(code, json, StringComparison.Ordinal);
        Assert.DoesNotContain(exact.Title, json, StringComparison.Ordinal);
        Assert.DoesNotContain(exact.UserMessage, json, StringComparison.Ordinal);
        Assert.DoesNotContain(scene.Person.Username, json, StringComparison.Ordinal);
        Assert.DoesNotContain(scene.Person.Id.ToString(), json, StringComparison.Ordinal);
        Assert.DoesNotContain("locked", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("review", json, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(JsonSerializer.Serialize(SafeAdvice.For(scene.Facts.Events[^1])), json);
    }

    [Fact]
    public async Task ForAnonymous_PublicReason_ShowsItWithNextSteps()
    {
        var scene = new Scene();
        scene.Attempt(ReasonCodes.StaleForm);

        var advice = (await scene.DiagnoseTraceAsync()).ForAnonymous()!;

        Assert.Equal(ReasonCodes.StaleForm, advice.Code);
        Assert.Equal("/help/codes/stale_form", advice.HelpPath);
        Assert.Equal(ReasonCatalogue.Get(ReasonCodes.StaleForm).ImmediateAction, advice.NextSteps[0]);
        Assert.Contains(advice.NextSteps, s => s.Contains("trace ID", StringComparison.Ordinal));
    }
}
