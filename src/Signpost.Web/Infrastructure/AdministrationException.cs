namespace Signpost.Web.Infrastructure;

/// <summary>
/// An administrative request that cannot be carried out, with a sentence that says why. Left only for
/// <c>WebhookSecrets</c>; every other service returns an <c>AdminResult</c> (README "Layout", expected
/// failures), and this type goes when that one does too.
/// </summary>
public class AdministrationException(string message) : Exception(message);
