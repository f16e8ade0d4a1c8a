namespace Signpost.Core.SingleSignOn;

/// <summary>Which practices refuse passwords because their people sign in through their own provider.</summary>
public interface ISsoPolicy
{
    /// <summary>The subset of <paramref name="organizationIds"/> whose connection is marked required.</summary>
    Task<IReadOnlySet<Guid>> RequiringSsoAsync(IReadOnlyCollection<Guid> organizationIds, CancellationToken cancellationToken);
}
