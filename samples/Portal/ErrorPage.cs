namespace Portal;

/// <summary>The address of <c>/error</c> for an OAuth error response, carrying what the provider said.</summary>
public static class ErrorPage
{
    /// <summary>Parameters that belong to the protocol's machinery, not to the explanation.</summary>
    private static readonly HashSet<string> Machinery = new(StringComparer.Ordinal) { "state", "iss", "code", "session_state" };

    /// <summary>
    /// <c>/error?error=…&amp;error_description=…</c> and every other parameter of the response: a provider may add
    /// its own (a trace ID for its help desk, for instance), and the person should see them all.
    /// </summary>
    public static string Address(IEnumerable<KeyValuePair<string, string>> parameters) =>
        "/error" + QueryString.Create(parameters
            .Where(p => !Machinery.Contains(p.Key) && p.Key.Length <= 100 && p.Value is { Length: <= 2000 })
            .Take(20)
            .Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
}
