namespace Signpost.Core.Incidents.Webhooks;

/// <summary>Exponential backoff of webhook retries: base × 2^(attempt−1), capped.</summary>
public static class WebhookBackoff
{
    /// <summary>The wait after failed attempt number <paramref name="attempt"/> (1-based): 30 s, 60 s, 120 s, ... up to the cap.</summary>
    public static TimeSpan DelayAfter(int attempt, WebhookOptions options)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var seconds = Math.Min((double)options.BaseDelaySeconds * Math.Pow(2, exponent), options.MaxDelaySeconds);
        return TimeSpan.FromSeconds(seconds);
    }
}
