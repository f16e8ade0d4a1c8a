using System.Buffers;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Signpost.Core.Passwords;

namespace Signpost.Web.Passwords;

/// <summary>
/// The breached-password check over the k-anonymity range API of Have I Been Pwned's Pwned Passwords:
/// <c>GET {BaseUrl}/range/{first 5 hex digits of SHA-1}</c> answers every known suffix with that prefix
/// as <c>SUFFIX:COUNT</c> lines, and the match is made here, so neither the password nor its full hash
/// leaves the server. <c>Add-Padding: true</c> asks for padding lines (count 0) so the size of the
/// answer does not reveal the prefix either. Never logs the password, its hash or the prefix.
/// </summary>
public sealed partial class PwnedPasswordsClient(HttpClient http, IOptions<PasswordPolicyOptions> options, ILogger<PwnedPasswordsClient> logger)
    : IBreachedPasswordCheck
{
    /// <summary>A real answer is about 40 KB (some 1,000 lines with padding); anything past this is not the protocol.</summary>
    public const int MaxResponseBytes = 512 * 1024;

    private readonly BreachCheckOptions _options = options.Value.BreachCheck;

    public async Task<BreachCheckOutcome> CheckAsync(string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
#pragma warning disable CA5350 // SHA-1 is the protocol's lookup key here, not a protection.
        var hash = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
#pragma warning restore CA5350
        var (prefix, suffix) = (hash[..5], hash[5..]);

        // One deadline for everything (connect, headers, body), however slowly the server drips.
        var timeout = TimeSpan.FromSeconds(_options.TimeoutSeconds);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{_options.BaseUrl.TrimEnd('/')}/range/{prefix}"));
            request.Headers.Add("Add-Padding", "true");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return Unavailable($"the service answered {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > MaxResponseBytes)
            {
                return Unavailable("the answer was too large");
            }

            var body = await ReadCappedAsync(response.Content, deadline.Token);
            if (body is null)
            {
                return Unavailable("the answer was too large");
            }

            var count = FindCount(body, suffix);
            return count > 0 ? new BreachCheckOutcome.Breached(count) : new BreachCheckOutcome.NotFound();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unavailable($"no answer within {_options.TimeoutSeconds} second{(_options.TimeoutSeconds == 1 ? "" : "s")}");
        }
        catch (IOException)
        {
            return Unavailable("the answer was cut off");
        }
        catch (HttpRequestException exception)
        {
            return Unavailable(exception.HttpRequestError switch
            {
                HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError => "the service could not be reached",
                HttpRequestError.SecureConnectionError => "no secure connection to the service",
                _ => "the answer was not understood",
            });
        }
    }

    private BreachCheckOutcome.Unavailable Unavailable(string reason)
    {
        Log.BreachCheckUnavailable(logger, new Uri(_options.BaseUrl).Authority, reason);
        return new BreachCheckOutcome.Unavailable(reason);
    }

    /// <summary>The body as text, or null when it is longer than <see cref="MaxResponseBytes"/>.</summary>
    private static async Task<string?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(MaxResponseBytes + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(length, MaxResponseBytes + 1 - length), cancellationToken)) > 0)
            {
                length += read;
                if (length > MaxResponseBytes)
                {
                    return null;
                }
            }

            return Encoding.ASCII.GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The count on the line of <paramref name="suffix"/>; 0 when absent or a padding line.</summary>
    private static long FindCount(string body, string suffix)
    {
        foreach (var range in body.AsSpan().Split('\n'))
        {
            var line = body.AsSpan(range).TrimEnd('\r');
            var colon = line.IndexOf(':');
            if (colon == suffix.Length
                && line[..colon].Equals(suffix, StringComparison.OrdinalIgnoreCase)
                && long.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                return count;
            }
        }

        return 0;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, EventName = "PwnedPasswords.BreachCheckUnavailable", Level = LogLevel.Warning, Message = "The breached-password check at {Service} could not run: {Reason}")]
        public static partial void BreachCheckUnavailable(ILogger logger, string service, string reason);
    }
}
