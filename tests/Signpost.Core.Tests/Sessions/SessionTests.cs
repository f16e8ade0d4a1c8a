using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Sessions;

namespace Signpost.Core.Tests.Sessions;

public sealed class SessionTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);

    private static Session NewSession() => new()
    {
        Id = "session-1",
        AccountId = Guid.NewGuid(),
        CreatedAt = Start,
        LastSeenAt = Start,
        IdleTimeout = TimeSpan.FromMinutes(15),
        AbsoluteExpiresAt = Start + TimeSpan.FromHours(12),
    };

    [Fact]
    public void EndReason_JustBeforeIdleTimeout_IsAlive()
    {
        // Arrange
        var session = NewSession();
        _time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));

        // Act
        var reason = session.EndReason(_time.GetUtcNow());

        // Assert
        Assert.Null(reason);
    }

    [Fact]
    public void EndReason_IdleForTheTimeout_IsIdleTimeout()
    {
        // Arrange
        var session = NewSession();
        _time.Advance(TimeSpan.FromMinutes(15));

        // Act
        var reason = session.EndReason(_time.GetUtcNow());

        // Assert
        Assert.Equal("idle timeout", reason);
    }

    [Fact]
    public void EndReason_ActiveButPastAbsoluteExpiry_IsAbsoluteTimeout()
    {
        // Arrange: seen a minute ago, every minute, for twelve hours.
        var session = NewSession();
        _time.Advance(TimeSpan.FromHours(12));
        session.LastSeenAt = _time.GetUtcNow() - TimeSpan.FromMinutes(1);

        // Act
        var reason = session.EndReason(_time.GetUtcNow());

        // Assert
        Assert.Equal("absolute timeout", reason);
    }

    [Fact]
    public void EndReason_Revoked_IsTheRevocationReasonEvenWhileFresh()
    {
        // Arrange
        var session = NewSession();
        session.RevokedAt = Start;
        session.RevokedReason = "password changed";

        // Act
        var reason = session.EndReason(_time.GetUtcNow());

        // Assert
        Assert.Equal("password changed", reason);
    }

    [Fact]
    public void EndReason_RevokedWithoutReason_IsSignedOut()
    {
        // Arrange
        var session = NewSession();
        session.RevokedAt = Start;

        // Act
        var reason = session.EndReason(_time.GetUtcNow());

        // Assert
        Assert.Equal("signed out", reason);
    }
}
