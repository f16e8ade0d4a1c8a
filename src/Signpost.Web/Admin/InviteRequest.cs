using Signpost.Core.Accounts;

namespace Signpost.Web.Admin;

/// <summary>A new person for the practice: they get a pending account and an activation link by email.</summary>
/// <param name="Email">Where the activation link goes; an email that already has an account turns into an offer to add it.</param>
/// <param name="Username">The provider ID they will sign in with.</param>
/// <param name="DisplayName">Their name as colleagues know it.</param>
/// <param name="Npi">Individual NPI, optional.</param>
/// <param name="Roles">Their roles in this practice.</param>
public sealed record InviteRequest(string? Email, string? Username, string? DisplayName, string? Npi, PracticeRoles Roles);
