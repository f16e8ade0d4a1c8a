namespace Signpost.Core.Accounts;

/// <summary>One practice's offer to a person, as the person reads it on the invitation page.</summary>
public sealed record InvitationOffer(Guid MembershipId, string PracticeName, PracticeRoles Roles, DateTimeOffset InvitedAt);

/// <summary>
/// Invitations to join a practice: <see cref="MembershipStatus.Invited"/> memberships, which give no access until the
/// person accepts (docs/security.md, "Adding an existing person"). Each change commits with its audit entries.
/// </summary>
public interface IInvitationStore
{
    /// <summary>The offers waiting for the account's answer, by practice name.</summary>
    Task<IReadOnlyList<InvitationOffer>> ListOffersAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>
    /// If the account is still at <paramref name="expectedVersion"/>: bumps its version and makes its membership of
    /// <paramref name="organizationId"/> (new, or the one it had) an invitation with <paramref name="roles"/> dated
    /// <paramref name="at"/>, then runs <paramref name="audit"/>, in one transaction. False, with nothing changed, when
    /// someone else changed the account since the caller read it.
    /// </summary>
    Task<bool> TryOfferAsync(
        Guid accountId, int expectedVersion, Guid organizationId, PracticeRoles roles, DateTimeOffset at,
        Func<CancellationToken, Task> audit, CancellationToken cancellationToken);

    /// <summary>
    /// The person's answer: each waiting invitation named in <paramref name="accepted"/> becomes an active membership,
    /// every other one is removed, and the account's version is bumped; then <paramref name="audit"/> runs with the
    /// account as it now is and the memberships answered (in the account's order), in the same transaction.
    /// </summary>
    Task AnswerAsync(
        Guid accountId, IReadOnlyCollection<Guid> accepted,
        Func<Account, IReadOnlyList<Membership>, CancellationToken, Task> audit, CancellationToken cancellationToken);
}
