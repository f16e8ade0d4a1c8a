namespace Signpost.Core.Analytics;

/// <summary>How a failure story ended (docs/analytics.md, "Failure stories").</summary>
public enum StoryEnding
{
    /// <summary>Signed in within the time-out with no help request or incident on the way.</summary>
    RecoveredAlone,

    /// <summary>Signed in within the time-out after asking for help ("Can't sign in?" → Ask).</summary>
    RecoveredAfterHelpRequest,

    /// <summary>Signed in within the time-out after an escalation rule raised an incident about them.</summary>
    RecoveredAfterIncident,

    /// <summary>No successful sign-in within the time-out.</summary>
    NotRecovered,
}

/// <summary>What a person did that ended a story they recovered from alone (docs/analytics.md, "How people recover").</summary>
public enum RecoveryWay
{
    /// <summary>Not recovered alone (after help, or not at all).</summary>
    None,

    /// <summary>Tried again and it worked: nothing else changed.</summary>
    Retry,

    /// <summary>Reset their password with an emailed link.</summary>
    Reset,

    /// <summary>Unlocked their account with an emailed link.</summary>
    Unlock,

    /// <summary>Signed in from a different browser than their last failure.</summary>
    AnotherBrowser,

    /// <summary>Signed in from a different network than their last failure.</summary>
    AnotherNetwork,

    /// <summary>Was locked out and signed in once the lock ran out.</summary>
    WaitedOutLock,

    /// <summary>Was turned away by a maintenance window and signed in after it.</summary>
    WaitedOutMaintenance,
}
