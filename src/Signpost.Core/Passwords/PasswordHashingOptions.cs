namespace Signpost.Core.Passwords;

/// <summary>PBKDF2-HMAC-SHA512 parameters (docs/design.md §7; OWASP Password Storage Cheat Sheet: ≥ 210,000 iterations).</summary>
public sealed class PasswordHashingOptions
{
    public const string Section = "Signpost:PasswordHashing";
    public const int MinimumIterations = 210_000;

    public int Iterations { get; set; } = MinimumIterations;
}
