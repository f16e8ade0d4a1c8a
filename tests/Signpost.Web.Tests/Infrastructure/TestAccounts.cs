namespace Signpost.Web.Tests.Infrastructure;

/// <summary>Names and passwords for the people tests create; names are unique so tests can share one app.</summary>
public static class TestAccounts
{
    public const string Password = "correct horse battery staple";
    public const string WrongPassword = "correct horse battery stable";
    public const string NewPassword = "a brand new sentence for the portal";

    /// <summary>A name unique in this test run: the prefix, a dash and eight hex digits.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
}
