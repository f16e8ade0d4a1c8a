using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.AspNetCore.Cryptography.KeyDerivation;
using Microsoft.Extensions.Options;
using Signpost.Core.Passwords;

namespace Signpost.Core.Tests.Passwords;

/// <summary>Uses the real Identity hasher; every hash costs a tenth of a second or more, so few are made.</summary>
public sealed class PasswordHashingTests
{
    [Fact]
    public void Verify_SamePassword_Correct()
    {
        // Act
        var check = TestPasswords.Hashing.Verify(TestPasswords.CorrectHash, TestPasswords.Correct);

        // Assert
        Assert.Equal(PasswordCheck.Correct, check);
    }

    [Fact]
    public void Verify_OtherPassword_Wrong()
    {
        // Act
        var check = TestPasswords.Hashing.Verify(TestPasswords.CorrectHash, TestPasswords.Wrong);

        // Assert
        Assert.Equal(PasswordCheck.Wrong, check);
    }

    [Fact]
    public void Verify_NullStoredHash_Wrong()
    {
        // Act: checked against the dummy hash, which no password matches.
        var check = TestPasswords.Hashing.Verify(null, TestPasswords.Correct);

        // Assert
        Assert.Equal(PasswordCheck.Wrong, check);
    }

    [Fact]
    public void Verify_NullStoredHash_StillSpendsAFullVerification()
    {
        // Arrange: docs/design.md §3 — an unknown identifier must cost what a known one costs. Skipping the dummy
        // verification takes microseconds; 210,000 PBKDF2-HMAC-SHA512 iterations take far more than 5 ms.
        var hashing = TestPasswords.Hashing;
        var stopwatch = Stopwatch.StartNew();

        // Act
        var check = hashing.Verify(null, TestPasswords.Correct);
        stopwatch.Stop();

        // Assert
        Assert.Equal(PasswordCheck.Wrong, check);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(5), $"Verifying against no hash took only {stopwatch.Elapsed}.");
    }

    [Fact]
    public void DummyHash_HasARealHashsFormatAndParameters_SoVerifyingAgainstItCostsTheSame()
    {
        // Arrange: the dummy is made of random bytes rather than by hashing (no hash at start); Identity reads the
        // PRF, iteration count and salt length from it and runs PBKDF2 with them, so they must be a real hash's.
        var hashing = new PasswordHashing(Options.Create(new PasswordHashingOptions { Iterations = 300_000 }));
        var real = Convert.FromBase64String(hashing.Hash(TestPasswords.Correct));

        // Act
        var dummy = Convert.FromBase64String(hashing.DummyHashForTests);

        // Assert: same header (format, PRF, 300,000 iterations, salt length) and length; a fresh random salt and subkey.
        Assert.Equal(real[..13], dummy[..13]);
        Assert.Equal(real.Length, dummy.Length);
        Assert.NotEqual(real[13..], dummy[13..]);
        Assert.NotEqual(dummy[13..], Convert.FromBase64String(new PasswordHashing(Options.Create(new PasswordHashingOptions())).DummyHashForTests)[13..]);
    }

    [Fact]
    public void Verify_HashFrom210000IterationsUnder300000_CorrectNeedsRehash()
    {
        // Arrange
        var raised = new PasswordHashing(Options.Create(new PasswordHashingOptions { Iterations = 300_000 }));

        // Act
        var check = raised.Verify(TestPasswords.CorrectHash, TestPasswords.Correct);

        // Assert
        Assert.Equal(PasswordCheck.CorrectNeedsRehash, check);
    }

    [Fact]
    public void Hash_Default_IsIdentityV3WithHmacSha512AndAtLeast210000Iterations()
    {
        // Act
        var bytes = Convert.FromBase64String(TestPasswords.CorrectHash);

        // Assert: format marker, PRF, iteration count, salt length (all big-endian), then salt and subkey.
        Assert.Equal(0x01, bytes[0]);
        Assert.Equal((uint)KeyDerivationPrf.HMACSHA512, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1, 4)));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1, 4)));
        Assert.True(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5, 4)) >= 210_000);
        Assert.Equal(210_000u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5, 4)));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9, 4)));
        Assert.Equal(13 + 16 + 32, bytes.Length);
    }

    [Fact]
    public void Hash_IterationsConfiguredBelowTheMinimum_UsesTheMinimum()
    {
        // Arrange
        var weak = new PasswordHashing(Options.Create(new PasswordHashingOptions { Iterations = 1_000 }));

        // Act
        var bytes = Convert.FromBase64String(weak.Hash(TestPasswords.Correct));

        // Assert
        Assert.Equal(210_000u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5, 4)));
    }

    [Fact]
    public void Hash_SamePasswordTwice_DiffersBySalt()
    {
        // Act
        var again = TestPasswords.Hashing.Hash(TestPasswords.Correct);

        // Assert
        Assert.NotEqual(TestPasswords.CorrectHash, again);
        Assert.Equal(Convert.FromBase64String(TestPasswords.CorrectHash)[..9], Convert.FromBase64String(again)[..9]);
    }
}
