using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Portal;

// A provider portal that delegates sign-in to an OpenID Connect provider with ASP.NET Core's stock handler:
// nothing here knows which provider it is talking to. Authority, client ID and secret come from configuration
// (appsettings.json, environment variables such as Oidc__ClientSecret, or --Oidc:ClientSecret=...).
var builder = WebApplication.CreateBuilder(args);
var oidc = builder.Configuration.GetSection("Oidc");
var authority = oidc["Authority"] is { Length: > 0 } configured && Uri.TryCreate(configured, UriKind.Absolute, out var parsed)
    ? parsed
    : throw new InvalidOperationException("Oidc:Authority must be the provider's absolute address, e.g. https://signin.payer.example/.");

builder.Services.AddRazorPages();
builder.Services
    .AddAuthentication(options =>
    {
        options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
    })
    .AddCookie(options =>
    {
        options.Cookie.Name = "portal.session";
        options.Cookie.SameSite = SameSiteMode.Lax;
    })
    .AddOpenIdConnect(options =>
    {
        options.Authority = authority.ToString();
        options.ClientId = oidc["ClientId"];
        // A confidential client has a secret; a public one (PKCE only) leaves it blank.
        options.ClientSecret = oidc["ClientSecret"] is { Length: > 0 } secret ? secret : null;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.UsePkce = true;
        // The code comes back in the query string of a plain redirect, not in an auto-posted form.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.Scope.Clear();
        foreach (var scope in (oidc["Scopes"] ?? "openid profile").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            options.Scope.Add(scope);
        }

        // The ID token's claims as the provider named them (name, email, npi, practices, amr, acr...).
        options.MapInboundClaims = false;
        options.TokenValidationParameters.NameClaimType = "name";
        options.ClaimActions.Remove("acr");
        // Kept for sign-out: the ID token is the id_token_hint of RP-initiated logout.
        options.SaveTokens = true;
        // Plain http only for a provider on this machine (a developer's laptop, the demo).
        options.RequireHttpsMetadata = !IsLoopback(authority);
        if (!options.RequireHttpsMetadata)
        {
            options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.CorrelationCookie.SameSite = SameSiteMode.Lax;
            options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.NonceCookie.SameSite = SameSiteMode.Lax;
        }

        options.Events.OnMessageReceived = context =>
        {
            // The provider answered with an OAuth error (RFC 6749 §4.1.2.1): show it, with every parameter it sent.
            if (context.ProtocolMessage.Error is { Length: > 0 })
            {
                context.Response.Redirect(ErrorPage.Address(context.ProtocolMessage.Parameters));
                context.HandleResponse();
            }

            return Task.CompletedTask;
        };
        options.Events.OnRemoteFailure = context =>
        {
            // Anything else that stopped the sign-in here (an expired attempt, a token that did not validate).
            context.Response.Redirect(ErrorPage.Address(new Dictionary<string, string>
            {
                ["error"] = "sign_in_failed",
                ["error_description"] = context.Failure?.Message ?? "The sign-in could not be completed.",
            }));
            context.HandleResponse();
            return Task.CompletedTask;
        };
    });
builder.Services.AddAuthorization();

var app = builder.Build();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error");
}

app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.MapRazorPages();

// Sign-in starts here: the handler sends the browser to the provider and back to /signin-oidc.
app.MapGet("/sign-in", () => Results.Challenge(new AuthenticationProperties { RedirectUri = "/me" }));

// Asks without showing any page (prompt=none): signed in at the provider already, or an OAuth error back here.
app.MapGet("/sign-in/silent", () => Results.Challenge(new OpenIdConnectChallengeProperties { RedirectUri = "/me", Prompt = "none" }));

app.Run();

static bool IsLoopback(Uri address) =>
    address.IsLoopback || (IPAddress.TryParse(address.Host, out var ip) && IPAddress.IsLoopback(ip));
