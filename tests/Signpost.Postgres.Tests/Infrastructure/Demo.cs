namespace Signpost.Postgres.Tests.Infrastructure;

/// <summary>The demo practice that <c>signpost --demo</c> seeds (Setup/Bootstrap.cs in the web project).</summary>
public static class Demo
{
    public const string Password = "riverside demo password";
    public const string WrongPassword = "not the riverside password";

    /// <summary>Signs in with <see cref="Password"/>.</summary>
    public const string Active = "demo.active";

    /// <summary>Used for wrong-password attempts, so they never lock <see cref="Active"/>.</summary>
    public const string Admin = "demo.admin";

    /// <summary>The demo practice's lockout threshold (the organization default).</summary>
    public const int LockoutThreshold = 10;
}
