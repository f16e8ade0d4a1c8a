using Signpost.Core.Administration;

namespace Signpost.Core.Tests;

/// <summary>Reading a service's answer in a test: a done act hands back its value, a refusal its sentence; the wrong one fails the test with what the service said.</summary>
internal static class AdminResults
{
    public static T Done<T>(this AdminResult<T> result)
        where T : class
    {
        Assert.True(result.Succeeded, $"Expected the act to be done; it was {result.Outcome}: {result.Message}");
        return result.Value!;
    }

    public static async Task<T> Done<T>(this Task<AdminResult<T>> act)
        where T : class => (await act).Done();

    public static AdminResult Refused<T>(AdminResult<T> result)
        where T : class
    {
        Assert.False(result.Succeeded, "Expected a refusal; the act was done.");
        return result.Result;
    }

    public static async Task<AdminResult> RefusedAsync<T>(Task<AdminResult<T>> act)
        where T : class => Refused(await act);
}
