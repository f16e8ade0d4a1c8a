using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Signpost.Bench.Infrastructure;

/// <summary>The outcome of one request: status, the <c>code</c> of the answer, and the cookies it set.</summary>
internal sealed record Answer(int Status, string? Code, IReadOnlyDictionary<string, string> Cookies)
{
    public string Label => Code is null ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Status} {Code}";
}

/// <summary>
/// HTTP clients for load: cookies handled by hand (each simulated browser keeps its own), keep-alive
/// connections, and optionally a chosen loopback source address so the server sees many clients.
/// </summary>
internal static class Http
{
    /// <summary>A client whose connections come from <paramref name="source"/> (bound before connecting), or the default address.</summary>
    public static HttpClient Client(Uri baseUri, IPAddress? source = null, int maxConnections = 256)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        if (source is not null)
        {
            // Linux routes all of 127.0.0.0/8 to the loopback interface: binding a socket to 127.0.0.x before
            // connecting makes the server's RemoteIpAddress that address, as if it were another client.
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        var client = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(BenchSettings.UserAgent);
        return client;
    }

    public static async Task<Answer> PostJsonAsync(HttpClient client, string path, object body, string? cookies, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), JsonSerializerOptions.Web)),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (cookies is not null)
        {
            request.Headers.Add("Cookie", cookies);
        }

        return await SendAsync(client, request, cancellationToken);
    }

    public static async Task<Answer> GetAsync(HttpClient client, string path, string? cookies, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookies is not null)
        {
            request.Headers.Add("Cookie", cookies);
        }

        return await SendAsync(client, request, cancellationToken);
    }

    private static async Task<Answer> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new Answer((int)response.StatusCode, CodeOf(response, body), CookiesOf(response));
    }

    /// <summary>The <c>code</c> member of a JSON answer (Signpost's sign-in result or problem), or a bare JSON string (the peer's).</summary>
    private static string? CodeOf(HttpResponseMessage response, byte[] body)
    {
        if (body.Length == 0 || response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind switch
            {
                JsonValueKind.Object when document.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String => code.GetString(),
                JsonValueKind.String => document.RootElement.GetString(),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> CookiesOf(HttpResponseMessage response)
    {
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            foreach (var value in values)
            {
                var pair = value.Split(';', 2)[0];
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    cookies[pair[..equals]] = pair[(equals + 1)..];
                }
            }
        }

        return cookies;
    }

    /// <summary>A Cookie header from name/value pairs.</summary>
    public static string CookieHeader(IEnumerable<KeyValuePair<string, string>> cookies)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in cookies)
        {
            if (builder.Length > 0)
            {
                builder.Append("; ");
            }

            builder.Append(name).Append('=').Append(value);
        }

        return builder.ToString();
    }
}
