using Microsoft.Extensions.Options;

namespace Signpost.Web.Sso;

/// <summary>
/// The one HTTP client Signpost uses toward identity providers: a connect timeout, an overall timeout and a
/// cap on buffered response size, so an unreachable, slow or hostile provider costs one practice a bounded
/// wait and a bounded amount of memory, and nobody else anything.
/// </summary>
public sealed class SsoBackchannel : IDisposable
{
    public SsoBackchannel(IOptions<SsoOptions> options)
    {
        var settings = options.Value;
        Timeout = TimeSpan.FromSeconds(settings.BackchannelTimeoutSeconds);
        // https only, public addresses only, unless the settings say otherwise (ProviderAddresses).
        Client = new HttpClient(ProviderAddresses.CreateHandler(settings, Timeout))
        {
            Timeout = Timeout,
            MaxResponseContentBufferSize = settings.MaxResponseBytes,
        };
        Client.DefaultRequestHeaders.UserAgent.ParseAdd("Signpost-SSO/1.0");
    }

    public TimeSpan Timeout { get; }

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();
}
