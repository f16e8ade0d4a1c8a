using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Web.Tests.Email;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Pages;

/// <summary>X-Forwarded-For is believed from the configured proxies only; anyone else's header is ignored.</summary>
public sealed class ProxyTests
{
    [Fact]
    public async Task ForwardedFor_FromTrustedProxy_IsTheClientAddress_FromAnyoneElse_Ignored()
    {
        await using var app = new ProxyApp { Settings = { ["Signpost:TrustedProxies:0"] = "10.0.0.5", ["Signpost:TrustedProxies:1"] = "192.168.50.0/24" } };

        var viaProxy = await AttemptAsync(app, connection: "10.0.0.5", forwardedFor: "203.0.113.9");
        var viaRange = await AttemptAsync(app, connection: "192.168.50.20", forwardedFor: "203.0.113.10");
        var spoofed = await AttemptAsync(app, connection: "198.51.100.4", forwardedFor: "203.0.113.11");

        Assert.Equal("203.0.113.9", (await app.EventAsync(viaProxy)).ClientIp);
        Assert.Equal("203.0.113.10", (await app.EventAsync(viaRange)).ClientIp);
        Assert.Equal("198.51.100.4", (await app.EventAsync(spoofed)).ClientIp);
    }

    [Fact]
    public async Task ForwardedFor_WithNoTrustedProxies_IsIgnored()
    {
        await using var app = new ProxyApp();

        var traceId = await AttemptAsync(app, connection: "10.0.0.5", forwardedFor: "203.0.113.9");

        Assert.Equal("10.0.0.5", (await app.EventAsync(traceId)).ClientIp);
    }

    private static async Task<string> AttemptAsync(SignpostFactory app, string connection, string forwardedFor)
    {
        using var browser = app.CreateBrowser();
        browser.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, connection);
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        var response = await browser.ApiSignInAsync("nobody-" + Guid.NewGuid().ToString("N")[..6], TestAccounts.WrongPassword);
        return response.Headers.GetValues("X-Trace-Id").Single();
    }

    private sealed class ProxyApp : EmailApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressFilter>());
        }
    }
}
