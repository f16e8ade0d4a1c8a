using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using Signpost.Web.OpenIdProvider;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>
/// OpenIddict's server sees every request that could be one of the provider's addresses and no other
/// (docs/capacity.md, "A signed-in page"); the flows themselves are OidcFlowTests', through a certified client.
/// </summary>
public sealed class OpenIdRequestSchemesTests
{
    [Theory]
    [InlineData("/connect/authorize")]
    [InlineData("/connect/token")]
    [InlineData("/connect/userinfo")]
    [InlineData("/connect/revoke")]
    [InlineData("/connect/introspect")]
    [InlineData("/connect/endsession")]
    [InlineData("/.well-known/jwks")]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/CONNECT/Token")]
    [InlineData("/connect/token/")]
    [InlineData("/signin/connect/authorize")]
    public void MayBeProviderRequest_EveryAddressInAnyCaseWithASlashOrUnderABase_IsPassed(string path) =>
        Assert.True(OpenIdRequestSchemes.MayBeProviderRequest(new PathString(path)));

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/healthz")]
    [InlineData("/sign-in")]
    [InlineData("/connect")]
    [InlineData("/connect/")]
    [InlineData("/connect/tokens")]
    [InlineData("/xconnect/token")]
    [InlineData("/connect/token//")]
    [InlineData("/api/v1/sign-in")]
    public void MayBeProviderRequest_AnyOtherPath_IsNot(string path) =>
        Assert.False(OpenIdRequestSchemes.MayBeProviderRequest(new PathString(path)));

    [Theory]
    [InlineData("", "/connect/token", true)]
    [InlineData("/signin", "/connect/token", true)]
    [InlineData("", "/", false)]
    [InlineData("", "/healthz", false)]
    public async Task GetRequestHandlerSchemesAsync_OffTheProvidersAddresses_LeavesOutOpenIddictOnly(string pathBase, string path, bool offered)
    {
        // Arrange: OpenIddict's request handler and another one that must always be offered.
        var options = new AuthenticationOptions();
        options.AddScheme(OpenIdEndpoints.Scheme, b => b.HandlerType = typeof(OpenIddictServerAspNetCoreHandler));
        options.AddScheme("other", b => b.HandlerType = typeof(OtherRequestHandler));
        var context = new DefaultHttpContext();
        context.Request.PathBase = pathBase;
        context.Request.Path = path;
        var schemes = new OpenIdRequestSchemes(Options.Create(options), new HttpContextAccessor { HttpContext = context });

        // Act
        var names = (await schemes.GetRequestHandlerSchemesAsync()).Select(s => s.Name).ToList();

        // Assert
        Assert.Contains("other", names);
        Assert.Equal(offered, names.Contains(OpenIdEndpoints.Scheme));
        Assert.Equal(OpenIdEndpoints.Scheme, (await schemes.GetSchemeAsync(OpenIdEndpoints.Scheme))?.Name);
    }

    [Fact]
    public async Task GetRequestHandlerSchemesAsync_OutsideARequest_OffersEveryScheme()
    {
        var options = new AuthenticationOptions();
        options.AddScheme(OpenIdEndpoints.Scheme, b => b.HandlerType = typeof(OpenIddictServerAspNetCoreHandler));
        var schemes = new OpenIdRequestSchemes(Options.Create(options), new HttpContextAccessor());

        Assert.Equal([OpenIdEndpoints.Scheme], (await schemes.GetRequestHandlerSchemesAsync()).Select(s => s.Name));
    }

    private sealed class OtherRequestHandler : IAuthenticationRequestHandler
    {
        public Task<AuthenticateResult> AuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
        public Task ChallengeAsync(AuthenticationProperties? properties) => Task.CompletedTask;
        public Task ForbidAsync(AuthenticationProperties? properties) => Task.CompletedTask;
        public Task<bool> HandleRequestAsync() => Task.FromResult(false);
        public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context) => Task.CompletedTask;
    }
}

/// <summary>The running site's rule passes every address its OpenIddict server is configured with, a new one included.</summary>
public sealed class OpenIdRequestSchemesSiteTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task EveryEndpointAddressOpenIddictIsConfiguredWith_IsPassedToIt()
    {
        // Arrange: every "...EndpointUris" list of the server's options, read by reflection so a new kind counts too.
        var (provider, addresses) = await app.WithServicesAsync(services =>
        {
            var options = services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
            var uris = typeof(OpenIddictServerOptions).GetProperties()
                .Where(p => p.Name.EndsWith("EndpointUris", StringComparison.Ordinal) && p.PropertyType == typeof(List<Uri>))
                .SelectMany(p => (List<Uri>)p.GetValue(options)!)
                .Select(u => u.IsAbsoluteUri ? u.AbsolutePath : "/" + u.OriginalString.TrimStart('/'))
                .ToList();
            return Task.FromResult((services.GetRequiredService<IAuthenticationSchemeProvider>(), uris));
        });

        // Assert
        Assert.IsType<OpenIdRequestSchemes>(provider);
        Assert.Equal(8, addresses.Count);
        Assert.All(addresses, a => Assert.True(OpenIdRequestSchemes.MayBeProviderRequest(new PathString(a)), a));
    }
}
