using Signpost.Core.Browsers;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting.Checks;

/// <summary>
/// Step 5: the attempt's browser against the supported matrix and the practices' browser policy, cookie and
/// JavaScript signals, stale forms, and whether another browser succeeded.
/// </summary>
public sealed class BrowserCheck : ITroubleshootingCheck
{
    public int Step => TroubleshootingSteps.BrowserAndDevice;

    public string Name => "browser";

    public ValueTask<CheckFinding> RunAsync(TroubleshootingContext context, CancellationToken cancellationToken)
    {
        if (context.Focus is not { } focus)
        {
            return ValueTask.FromResult(CheckFinding.Unknown(Name, "No attempt in range, so no browser to check."));
        }

        var evidence = new List<string>();
        var problem = false;
        var blocks = context.Organizations.Any(o => o.Policy.BrowserPolicy == BrowserPolicy.Block);
        if (focus.Browser is null or BrowserInfo.UnknownFamily)
        {
            evidence.Add($"The browser could not be read from its user agent ({focus.UserAgent ?? "none sent"}).");
        }
        else if (focus.BrowserSupported == false)
        {
            problem = true;
            evidence.Add($"{Evidence.BrowserOf(focus)} is outside the supported matrix ({context.BrowserMatrix.Describe()}); the practice {(blocks ? "blocks" : "warns about")} unsupported browsers.");
        }
        else
        {
            evidence.Add($"{Evidence.BrowserOf(focus)} is supported ({context.BrowserMatrix.Describe()}).");
        }

        var story = context.Story;
        var noCookies = story.Count(e => e.CookiesWorking == false || e.ReasonCode == ReasonCodes.CookiesDisabled);
        if (noCookies > 0)
        {
            problem = true;
            evidence.Add($"Cookies did not come back on {Evidence.Count(noCookies, "attempt")} (blocked by a setting or an extension).");
        }

        if (story.Any(e => e.JavaScriptWorking == false))
        {
            evidence.Add("JavaScript was off: the page still works, without caps-lock and browser checks.");
        }

        var stale = story.Count(e => e.ReasonCode == ReasonCodes.StaleForm);
        if (stale > 0)
        {
            problem = true;
            evidence.Add($"{Evidence.Count(stale, "stale form")} (a cached page, a restored tab or the back button).");
        }

        var elsewhere = context.Events
            .Where(e => e.Succeeded && TroubleshootingContext.IsSignIn(e) && (e.Browser != focus.Browser || e.BrowserVersion != focus.BrowserVersion))
            .Select(Evidence.BrowserOf).Distinct().ToList();
        if (elsewhere.Count > 0)
        {
            evidence.Add($"Sign-in succeeded in another browser: {string.Join(", ", elsewhere)}.");
        }

        return ValueTask.FromResult(problem ? CheckFinding.Problem(Name, [], [.. evidence]) : CheckFinding.Ok(Name, [.. evidence]));
    }
}
