namespace Signpost.Web.Setup;

/// <summary>
/// Whether this node's first-run check (<see cref="Bootstrap.EnsurePlatformAdminAsync"/>) has ended, however it ended.
/// <c>serve</c> runs the check beside Kestrel's start (docs/cli.md, "What a start costs"), so a node answers before it
/// ends; what must not race it (a test counting platform admins or audit entries) waits for <see cref="Ended"/>.
/// </summary>
public sealed class FirstRunCheck
{
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the check has ended (printed its link, found an active admin, failed or was stopped).</summary>
    public Task Ended => _ended.Task;

    internal void End() => _ended.TrySetResult();
}
