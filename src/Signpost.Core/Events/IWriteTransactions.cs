namespace Signpost.Core.Events;

/// <summary>
/// One write transaction over the request's stores, for an attempt whose writes must commit together: a wrong
/// password's counted failure and its sign-in event hold the database's write lock once, not twice
/// (docs/capacity.md, "Sign-ins per core"). The stores join it; <see cref="SignInEventRecorder"/> commits it
/// with the event.
/// </summary>
public interface IWriteTransactions
{
    /// <summary>Begins the transaction; disposing it uncommitted rolls it back.</summary>
    Task<IWriteTransaction> BeginAsync(CancellationToken cancellationToken);
}

/// <summary>An open transaction of <see cref="IWriteTransactions"/>.</summary>
public interface IWriteTransaction : IAsyncDisposable
{
    Task CommitAsync(CancellationToken cancellationToken);
}
