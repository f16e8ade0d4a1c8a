using System.ComponentModel.DataAnnotations;

namespace Signpost.Core.Incidents.Webhooks;

/// <summary>
/// Settings under <c>Signpost:Webhook</c>: where incidents go in the payer's ticketing system. No URL, no
/// webhook; a URL needs a secret of at least 32 characters, because an unsigned ticket could be forged.
/// </summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Signpost:Webhook";

    /// <summary>The endpoint (https, or http for a local test endpoint); empty turns the webhook off.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// The HMAC-SHA256 key shared with the receiver: <c>whsec_</c> + base64 (Standard Webhooks), or any string of
    /// 32 characters or more (keyed with its UTF-8 bytes). Signs until the first <c>signpost webhook rotate-secret</c>;
    /// after that the rotated secrets sign and this one keeps only the deprecated Signpost-Signature header. Never logged.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>How long one attempt may take before it counts as failed (default 10 s).</summary>
    [Range(1, 120, ErrorMessage = "Signpost:Webhook:TimeoutSeconds must be between 1 and 120.")]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Attempts before a delivery is given up as failed (default 8: about two hours of retries).</summary>
    [Range(1, 50, ErrorMessage = "Signpost:Webhook:MaxAttempts must be between 1 and 50.")]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry's delay; each later one doubles (default 30 s).</summary>
    [Range(1, 3600, ErrorMessage = "Signpost:Webhook:BaseDelaySeconds must be between 1 and 3600.")]
    public int BaseDelaySeconds { get; set; } = 30;

    /// <summary>No retry waits longer than this (default 1 hour).</summary>
    [Range(1, 86400, ErrorMessage = "Signpost:Webhook:MaxDelaySeconds must be between 1 and 86400.")]
    public int MaxDelaySeconds { get; set; } = 3600;

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("Signpost:Webhook:Url must be an absolute http(s) URL.", [nameof(Url)]);
        }

        if (string.IsNullOrEmpty(Secret) || Secret.Length < 32)
        {
            yield return new ValidationResult("Signpost:Webhook:Secret must be set, at least 32 characters, when Signpost:Webhook:Url is.", [nameof(Secret)]);
        }
        else if (WebhookSecretFormat.Key(Secret) is null)
        {
            yield return new ValidationResult("Signpost:Webhook:Secret starts with whsec_ but the rest is not base64 of 24 to 64 bytes.", [nameof(Secret)]);
        }
    }
}
