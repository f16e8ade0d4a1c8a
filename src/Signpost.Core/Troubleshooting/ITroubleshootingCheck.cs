namespace Signpost.Core.Troubleshooting;

/// <summary>
/// One check of one step. Register several per step (DI: <c>IEnumerable&lt;ITroubleshootingCheck&gt;</c>);
/// the troubleshooter merges their findings. A later feature (SSO connections, MFA) adds a check for its
/// step rather than changing the troubleshooter. A check must be deterministic: the same context gives
/// the same finding, and "now" is <see cref="TroubleshootingContext.Now"/>, never the clock.
/// </summary>
public interface ITroubleshootingCheck
{
    /// <summary>1–7 (step 8 is the troubleshooter's own summary).</summary>
    int Step { get; }

    /// <summary>Short stable name shown beside the evidence.</summary>
    string Name { get; }

    /// <summary>Runs order within the step, lowest first; ties by name.</summary>
    int Order => 0;

    ValueTask<CheckFinding> RunAsync(TroubleshootingContext context, CancellationToken cancellationToken);
}
