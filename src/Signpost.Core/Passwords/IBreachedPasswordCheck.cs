namespace Signpost.Core.Passwords;

/// <summary>
/// Looks a password up in a corpus of breached passwords (NIST SP 800-63B §3.1.1.2: "passwords obtained
/// from previous breach corpuses"; ASVS 5.0 6.2.12). Implementations never log the password or its hash.
/// </summary>
public interface IBreachedPasswordCheck
{
    /// <summary>Never throws for an unreachable or misbehaving service: that is <see cref="BreachCheckOutcome.Unavailable"/>.</summary>
    Task<BreachCheckOutcome> CheckAsync(string password, CancellationToken cancellationToken);
}

/// <summary>What the breach check found: a value, not an exception (STYLE habit 3).</summary>
public abstract record BreachCheckOutcome
{
    private BreachCheckOutcome()
    {
    }

    /// <summary>The password appears in breaches <paramref name="Count"/> times.</summary>
    public sealed record Breached(long Count) : BreachCheckOutcome;

    /// <summary>Not in the corpus (or the check is turned off).</summary>
    public sealed record NotFound : BreachCheckOutcome;

    /// <summary>The check could not run; <paramref name="Reason"/> is a short phrase with no secret in it ("no answer within 3 seconds").</summary>
    public sealed record Unavailable(string Reason) : BreachCheckOutcome;
}

/// <summary>The check when <c>Signpost:Passwords:BreachCheck:Enabled</c> is false: finds nothing, asks no one.</summary>
public sealed class NoBreachedPasswordCheck : IBreachedPasswordCheck
{
    public static readonly NoBreachedPasswordCheck Instance = new();

    private static readonly Task<BreachCheckOutcome> NotFound = Task.FromResult<BreachCheckOutcome>(new BreachCheckOutcome.NotFound());

    public Task<BreachCheckOutcome> CheckAsync(string password, CancellationToken cancellationToken) => NotFound;
}
