namespace Signpost.Web.Pages;

/// <summary>What the "Sign in with a passkey" form (Shared/_PasskeySignIn.cshtml) needs from the page that shows it.</summary>
public sealed record PasskeySignInForm(string FormStamp, string? Practice, string? ReturnUrl);
