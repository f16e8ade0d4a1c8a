using Microsoft.Extensions.Options;
using Signpost.Core.Passwords;

namespace Signpost.Core.Tests;

/// <summary>
/// One real hasher (default options: 210,000 PBKDF2-HMAC-SHA512 iterations) and one hash of
/// <see cref="Correct"/>, shared by every test: each hash costs a tenth of a second or more.
/// </summary>
internal static class TestPasswords
{
    public const string Correct = "four plain words make a password";
    public const string Wrong = "four plain words make a passw0rd";

    private static readonly Lazy<PasswordHashing> LazyHashing =
        new(() => new PasswordHashing(Options.Create(new PasswordHashingOptions())));

    private static readonly Lazy<string> LazyCorrectHash = new(() => Hashing.Hash(Correct));

    public static PasswordHashing Hashing => LazyHashing.Value;

    /// <summary>The real policy over the shared hasher, with no breach check unless one is given.</summary>
    public static PasswordPolicy Policy(IBreachedPasswordCheck? breachCheck = null, PasswordPolicyOptions? options = null) =>
        new(Hashing, breachCheck ?? NoBreachedPasswordCheck.Instance, Options.Create(options ?? new PasswordPolicyOptions()));

    public static string CorrectHash => LazyCorrectHash.Value;
}
