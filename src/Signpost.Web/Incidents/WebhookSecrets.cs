using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Signpost.Core.Audit;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Incidents;

/// <summary>What a rotation made: the new secret (shown once, to give to the receiver) and when the old one stops signing.</summary>
public sealed record WebhookRotation(Guid Id, string Secret, DateTimeOffset OverlapEndsAt, Guid RetiredId);

/// <summary>
/// The webhook's signing secrets. Until the first rotation that is Signpost:Webhook:Secret alone; each
/// <see cref="RotateAsync"/> makes a new <c>whsec_</c> secret that signs from then on, while the one it
/// replaces keeps signing beside it until the overlap ends — the Standard Webhooks header carries one
/// signature per secret, so a receiver holding either verifies (docs/incidents.md "Rotating the secret").
/// </summary>
public sealed class WebhookSecrets(
    IWebhookSecretStore store,
    IDataProtectionProvider protection,
    IOptionsMonitor<WebhookOptions> options,
    AuditTrail audit,
    AuditActors actors,
    TimeProvider time)
{
    public const string Purpose = "Signpost.Webhook.Secret.v1";

    /// <summary>The longest overlap a rotation may keep the old secret signing.</summary>
    public static readonly TimeSpan MaxOverlap = TimeSpan.FromDays(30);

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    /// <summary>The keys that sign now, newest first: the current secret, then any still in their overlap.</summary>
    public async Task<IReadOnlyList<byte[]>> SigningKeysAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stored = await store.ListAsync(cancellationToken);
        if (stored.Count == 0)
        {
            return options.CurrentValue.Secret is { } configured && WebhookSecretFormat.Key(configured) is { } key ? [key] : [];
        }

        return stored.Where(s => s.RetiresAt is null || s.RetiresAt > now)
            .Select(KeyOf)
            .OfType<byte[]>()
            .ToList();
    }

    /// <summary>
    /// Makes a new secret that signs from now on; the current one (stored, or the configured one on the first
    /// rotation) signs beside it for <paramref name="overlap"/>. Secrets whose overlap ended are deleted. Audited,
    /// without the secret.
    /// </summary>
    public async Task<WebhookRotation> RotateAsync(TimeSpan overlap, CancellationToken cancellationToken)
    {
        if (overlap < TimeSpan.Zero || overlap > MaxOverlap)
        {
            throw new AdministrationException($"The overlap must be between 0 and {MaxOverlap.TotalDays:0} days.");
        }

        var now = time.GetUtcNow();
        var overlapEndsAt = now + overlap;
        // The first rotation makes the configured secret a stored one, so it can retire like any other.
        var configured = options.CurrentValue is { Enabled: true, Secret: { Length: > 0 } configuredSecret }
            ? new WebhookSecret { ProtectedSecret = _protector.Protect(configuredSecret), CreatedAt = now.AddMilliseconds(-1), Source = "configuration" }
            : null;
        var secret = WebhookSecretFormat.Generate();
        var created = new WebhookSecret { ProtectedSecret = _protector.Protect(secret), CreatedAt = now, Source = "rotation" };
        var retired = await store.RotateAsync(created, configured, overlapEndsAt, now, (retiring, ct) =>
            audit.RecordAsync(actors.Current, new AuditRecord("webhook.secret_rotated", "webhook_secret", created.Id.ToString(), null,
                new { secretId = retiring.Id, retiring.Source },
                new { secretId = created.Id, previousSecretId = retiring.Id, previousSigningUntil = overlapEndsAt }), ct), cancellationToken)
            ?? throw new AdministrationException("The webhook is not configured: set Signpost:Webhook:Url and Signpost:Webhook:Secret first.");
        return new WebhookRotation(created.Id, secret, overlapEndsAt, retired.Id);
    }

    /// <summary>The stored secret's key, or null when it no longer decrypts (a lost key ring): it is skipped, not a crash of the job.</summary>
    private byte[]? KeyOf(WebhookSecret secret)
    {
        try
        {
            return WebhookSecretFormat.Key(_protector.Unprotect(secret.ProtectedSecret));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
