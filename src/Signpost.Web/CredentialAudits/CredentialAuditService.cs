using Microsoft.Extensions.Options;
using Signpost.Core.CredentialAudits;

namespace Signpost.Web.CredentialAudits;

/// <summary>An on-demand credential audit (the console page, the CSV, the command line): now, with role changes of the last N days.</summary>
public sealed class CredentialAuditService(ICredentialAuditFacts facts, IOptions<CredentialAuditOptions> options, TimeProvider time)
{
    /// <summary>Days of role changes an on-demand report lists unless told otherwise: one quarter.</summary>
    public const int DefaultDays = 90;

    public const int MaxDays = 3650;

    /// <summary>The report for the practice, or null when it does not exist.</summary>
    public async Task<CredentialAuditReport?> RunAsync(Guid organizationId, int days, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var read = await facts.ReadAsync(organizationId, now.AddDays(-Math.Clamp(days, 1, MaxDays)), now, progress, cancellationToken);
        return read is null ? null : CredentialAuditBuilder.Build(read, options.Value.Thresholds, now);
    }
}
