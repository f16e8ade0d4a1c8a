using Signpost.Core.Events;

namespace Signpost.Core.SignIn;

/// <summary>One password sign-in attempt as it arrived; nothing is validated yet.</summary>
public sealed record PasswordSignInRequest(
    string? Identifier,
    string? Password,
    string? OrganizationSlug,
    SignInMethod Method,
    string TraceId,
    ClientFacts Client);
