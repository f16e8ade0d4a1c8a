using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Telemetry;

namespace Signpost.Core.Passwords;

/// <summary>The result of checking a password.</summary>
public enum PasswordCheck
{
    Wrong,
    Correct,
    /// <summary>Correct, and stored with older parameters: store <see cref="PasswordHashing.Hash"/> of it now.</summary>
    CorrectNeedsRehash,
}

/// <summary>
/// Password hashing through ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (format V3:
/// PBKDF2 with HMAC-SHA512, 128-bit salt), with the iteration count raised to at least 210,000.
/// When the configured count rises, Identity reports "rehash needed" for older hashes and the sign-in
/// stores a new one: the transparent rehash of docs/design.md §7.
/// </summary>
public sealed class PasswordHashing
{
    /// <summary>Passwords longer than this are refused before hashing, so a megabyte of text cannot burn a core.</summary>
    public const int MaxPasswordLength = 1024;

    private readonly PasswordHasher<Account> _hasher;
    private readonly string _dummyHash;
    private readonly SignpostMetrics? _metrics;

    public PasswordHashing(IOptions<PasswordHashingOptions> options, SignpostMetrics? metrics = null)
        : this(Math.Max(options.Value.Iterations, PasswordHashingOptions.MinimumIterations), metrics)
    {
    }

    /// <summary>
    /// Any iteration count, below the minimum too: for test hosts only, which replace the registered
    /// instance in code (<c>ConfigureTestServices</c>). Internal on purpose: no setting, environment
    /// variable or argument reaches it, so a production host always hashes at the minimum or more.
    /// See docs/testing.md ("Password hashing in tests").
    /// </summary>
    internal PasswordHashing(int iterations, SignpostMetrics? metrics = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        Iterations = iterations;
        _metrics = metrics;
        _hasher = new PasswordHasher<Account>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = iterations,
        }));

        // Checked instead of a stored hash when there is none: verifying against it costs exactly what a real
        // verification costs, so an unknown identifier is not faster than a known one (docs/security.md).
        _dummyHash = DummyHash(iterations);
    }

    /// <summary>The hash an unknown identifier's password is verified against.</summary>
    internal string DummyHashForTests => _dummyHash;

    /// <summary>
    /// A stored hash in Identity's V3 layout — 0x01, then PRF, iteration count and salt length as big-endian
    /// UInt32s, a 128-bit salt and a 256-bit subkey — with this instance's parameters, made of random bytes
    /// instead of by hashing: Identity verifies it by running the full PBKDF2 with those parameters, as for a
    /// real hash, and its random subkey matches no password. Hashing a random password here instead cost a
    /// whole hash at every start, the CLI's one-shot commands included (docs/cli.md, "What a start costs").
    /// </summary>
    private static string DummyHash(int iterations)
    {
        const int saltBytes = 128 / 8;
        const int subkeyBytes = 256 / 8;
        var bytes = new byte[13 + saltBytes + subkeyBytes];
        bytes[0] = 0x01;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1, 4), (uint)Microsoft.AspNetCore.Cryptography.KeyDerivation.KeyDerivationPrf.HMACSHA512);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(5, 4), (uint)iterations);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(9, 4), saltBytes);
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes.AsSpan(13));
        return Convert.ToBase64String(bytes);
    }

    /// <summary>The PBKDF2 iteration count new hashes get.</summary>
    public int Iterations { get; }

    private static readonly Account Placeholder = new() { Username = "-", Email = "-", DisplayName = "-" };

    public string Hash(string password)
    {
        using var span = SignpostTelemetry.Source.StartActivity("signpost.password.hash");
        var started = Stopwatch.GetTimestamp();
        var hash = _hasher.HashPassword(Placeholder, password);
        _metrics?.PasswordHashed("hash", Stopwatch.GetElapsedTime(started));
        return hash;
    }

    /// <summary>Checks a password; with no stored hash it checks against the dummy and reports wrong.</summary>
    /// <remarks>
    /// The span and the timing are the same for the dummy and a real hash: whether an account exists is not
    /// in the trace either.
    /// </remarks>
    public PasswordCheck Verify(string? storedHash, string password)
    {
        using var span = SignpostTelemetry.Source.StartActivity("signpost.password.verify");
        var started = Stopwatch.GetTimestamp();
        var result = _hasher.VerifyHashedPassword(Placeholder, storedHash ?? _dummyHash, password);
        _metrics?.PasswordHashed("verify", Stopwatch.GetElapsedTime(started));
        if (storedHash is null)
        {
            return PasswordCheck.Wrong;
        }

        return result switch
        {
            PasswordVerificationResult.Success => PasswordCheck.Correct,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.CorrectNeedsRehash,
            _ => PasswordCheck.Wrong,
        };
    }
}
