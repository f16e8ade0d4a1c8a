using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Signpost.Web.Tests.Infrastructure;

/// <summary>
/// The in-memory test server has no client address; a request may name one in <see cref="Header"/>, set
/// as the connection's address before anything of the app runs (a test-only stand-in for the socket).
/// </summary>
public sealed class ClientAddressFilter : IStartupFilter
{
    public const string Header = "X-Test-Client-Ip";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (IPAddress.TryParse(context.Request.Headers[Header], out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
