namespace Signpost.Core.Incidents.Webhooks;

/// <summary>The webhook's stored signing secrets (<see cref="WebhookSecret"/>), and their rotation.</summary>
public interface IWebhookSecretStore
{
    /// <summary>Every stored secret, newest first.</summary>
    Task<IReadOnlyList<WebhookSecret>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// One rotation, in one transaction: the current secret — the stored one not yet retiring, else
    /// <paramref name="configured"/>, stored now — retires at <paramref name="retiresAt"/>, secrets whose overlap
    /// ended by <paramref name="now"/> are deleted, <paramref name="created"/> is stored, and <paramref name="audit"/>
    /// runs with the secret that retires (if it throws, nothing is kept). Returns that secret; null, with nothing
    /// changed, when none is stored as current and <paramref name="configured"/> is null.
    /// </summary>
    Task<WebhookSecret?> RotateAsync(
        WebhookSecret created, WebhookSecret? configured, DateTimeOffset retiresAt, DateTimeOffset now,
        Func<WebhookSecret, CancellationToken, Task> audit, CancellationToken cancellationToken);
}
