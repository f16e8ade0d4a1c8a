namespace Signpost.Core.Events;

/// <summary>
/// Told of every event right after it was durably written. Called on the sign-in's own path, so an
/// implementation must return at once and never throw: hand the event over (a bounded queue) and let
/// something else do the work. The escalation rules listen here (docs/design.md §6 "evaluated continuously").
/// </summary>
public interface ISignInEventListener
{
    void Recorded(SignInEvent signInEvent);
}
