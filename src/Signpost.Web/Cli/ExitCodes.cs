namespace Signpost.Web.Cli;

/// <summary>What a <c>signpost</c> run's exit code means, the same for every command (docs/cli.md).</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Done = 0;

    /// <summary>The command was understood and declined: not found, last platform admin, a rule said no.</summary>
    public const int Refused = 1;

    /// <summary>The command line or the configuration is wrong: unknown command or option, bad value, bad setting. Nothing ran.</summary>
    public const int Usage = 2;

    /// <summary>The database cannot be used: unreachable, missing, or its schema not migrated (for a command that only reads).</summary>
    public const int Database = 3;
}
