namespace Signpost.Browser.Tests.Infrastructure;

/// <summary>The demo practice that <c>signpost --demo</c> seeds (Setup/Bootstrap.cs in the web project).</summary>
public static class Demo
{
    public const string Slug = "riverside";
    public const string PracticePath = "/o/" + Slug;
    public const string PracticeName = "Riverside Family Practice";
    public const string Password = "riverside demo password";

    public const string Active = "demo.active";
    public const string ActiveName = "Dana Active";
    public const string ActiveEmail = "demo.active@riverside.example";
    public const string ActiveNpi = "1245319599";

    /// <summary>Used for wrong-password attempts, so they never add up to a lock of <see cref="Active"/>.</summary>
    public const string Admin = "demo.admin";
    public const string AdminEmail = "demo.admin@riverside.example";
    public const string Support = "demo.support";
    public const string SupportEmail = "demo.support@riverside.example";

    /// <summary>Locked for a day at start-up, for untrusted browsers.</summary>
    public const string Locked = "demo.locked";
    public const string LockedEmail = "demo.locked@riverside.example";

    public const string Expired = "demo.expired";
    public const string ExpiredName = "Eli Expired";
    public const string ExpiredEmail = "demo.expired@riverside.example";

    /// <summary>Created without a password: waiting for activation.</summary>
    public const string Pending = "demo.pending";
    public const string PendingName = "Pat Pending";
    public const string PendingEmail = "demo.pending@riverside.example";

    public const string WrongPassword = "not the riverside password";
}
