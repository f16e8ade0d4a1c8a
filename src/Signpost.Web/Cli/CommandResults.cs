using Signpost.Core.Administration;

namespace Signpost.Web.Cli;

/// <summary>How a command reads a service's answer: the value when the act was done, otherwise the refusal.</summary>
public static class CommandResults
{
    /// <summary>The value of a done act; a failed one ends the command with exit code 1 and the service's sentence.</summary>
    public static async Task<T> OrRefuse<T>(this Task<AdminResult<T>> act)
        where T : class
    {
        var result = await act;
        return result.Value ?? throw new CommandRefusedException(result.Message);
    }

    /// <summary>A done act passes; a failed one ends the command with exit code 1 and the service's sentence.</summary>
    public static async Task OrRefuse(this Task<AdminResult> act)
    {
        var result = await act;
        if (!result.Succeeded)
        {
            throw new CommandRefusedException(result.Message);
        }
    }
}
