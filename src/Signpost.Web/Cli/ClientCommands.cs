using System.CommandLine;
using Signpost.Web.OpenIdProvider;

namespace Signpost.Web.Cli;

/// <summary><c>signpost clients add|list|show|rotate-secret|remove</c>: the portal applications that sign people in through Signpost (docs/oidc-provider.md).</summary>
public static class ClientCommands
{
    public static Command Build() => new("clients", "Manage the portal applications (OpenID Connect clients) that sign in through Signpost.")
    {
        Add(), List(), Show(), RotateSecret(), Remove(),
    };

    private static Command Add()
    {
        var clientId = new Option<string>("--client-id") { Description = "The client's ID: 3 to 100 letters, digits, dots, dashes, underscores.", Required = true };
        var name = new Option<string?>("--name") { Description = "What people call the application." };
        var isPublic = new Option<bool>("--public") { Description = "A public client (a single-page or native app): no secret; PKCE alone protects its codes." };
        var redirect = new Option<string[]>("--redirect-uri") { Description = "An exact redirect URI (repeat for each); no wildcards.", Required = true };
        var postLogout = new Option<string[]>("--post-logout-uri") { Description = "An exact address the portal may ask to return to after signing out (repeat for each)." };
        var backChannel = new Option<string?>("--backchannel-logout-uri") { Description = "Where Signpost posts a logout token when a session ends." };
        var scopes = new Option<string?>("--scopes") { Description = "Space-separated scopes the client may ask for (default: openid profile email offline_access)." };
        var practices = new Option<string[]>("--practice") { Description = "Slug of a practice whose people may use the client (repeat for each)." };
        var allPractices = new Option<bool>("--all-practices") { Description = "Every practice's people may use the client." };
        var clientCredentials = new Option<bool>("--client-credentials") { Description = "Also allow the client_credentials grant (the client acting as itself)." };
        var accessMinutes = new Option<int?>("--access-token-minutes") { Description = "Lifetime of its access tokens (default: Signpost:OpenIdProvider:AccessTokenMinutes)." };
        var refreshHours = new Option<int?>("--refresh-token-hours") { Description = "Lifetime of its refresh tokens (default: Signpost:OpenIdProvider:RefreshTokenHours)." };
        var command = new Command("add", "Register a client; a confidential client's secret is printed once.")
        {
            clientId, name, isPublic, redirect, postLogout, backChannel, scopes, practices, allPractices, clientCredentials, accessMinutes, refreshHours,
        };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var listed = result.GetValue(practices) ?? [];
            var chosen = result.GetValue(allPractices) ? [ClientSettings.AllPractices, .. listed] : listed;
            var scopeList = (result.GetValue(scopes) ?? "openid profile email offline_access").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var issued = await services.GetRequiredService<ClientRegistry>().AddAsync(new ClientRequest(
                result.GetValue(clientId)!, result.GetValue(name), result.GetValue(isPublic), result.GetValue(redirect) ?? [], result.GetValue(postLogout) ?? [],
                result.GetValue(backChannel), scopeList, chosen, result.GetValue(clientCredentials), result.GetValue(accessMinutes), result.GetValue(refreshHours)), ct2).OrRefuse();
            await Console.Error.WriteLineAsync($"Registered {issued.Client.ClientId} ({issued.Client.Type}).");
            if (issued.Secret is { } secret)
            {
                // Printed once and never again: OpenIddict keeps only a hash of it.
                Console.WriteLine(secret);
                await Console.Error.WriteLineAsync("That is the client secret: give it to the application now; it cannot be shown again.");
            }
        }, ct));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the clients.");
        command.SetAction((result, ct) => AdminCommands.ReadAsync(async (services, ct2) =>
        {
            foreach (var client in await services.GetRequiredService<ClientRegistry>().ListAsync(ct2))
            {
                Console.WriteLine($"{client.ClientId}\t{client.Type}\t{client.DisplayName}\t{string.Join(",", client.Practices)}");
            }
        }, ct));
        return command;
    }

    private static Command Show()
    {
        var clientId = new Option<string>("--client-id") { Description = "The client.", Required = true };
        var command = new Command("show", "Show one client's registration (never its secret).") { clientId };
        command.SetAction((result, ct) => AdminCommands.ReadAsync(async (services, ct2) =>
        {
            var client = await services.GetRequiredService<ClientRegistry>().ShowAsync(result.GetValue(clientId)!, ct2).OrRefuse();
            Console.WriteLine($"client id: {client.ClientId}");
            Console.WriteLine($"name: {client.DisplayName}");
            Console.WriteLine($"type: {client.Type}");
            Console.WriteLine($"redirect URIs: {string.Join(" ", client.RedirectUris)}");
            Console.WriteLine($"post-logout URIs: {string.Join(" ", client.PostLogoutRedirectUris)}");
            Console.WriteLine($"back-channel logout URI: {client.BackChannelLogoutUri ?? "-"}");
            Console.WriteLine($"scopes: {string.Join(" ", client.Scopes)}");
            Console.WriteLine($"grants: {string.Join(" ", client.GrantTypes)}");
            Console.WriteLine($"practices: {string.Join(" ", client.Practices)}");
            Console.WriteLine($"access token lifetime: {client.AccessTokenLifetime ?? "default"}; refresh token lifetime: {client.RefreshTokenLifetime ?? "default"}");
        }, ct));
        return command;
    }

    private static Command RotateSecret()
    {
        var clientId = new Option<string>("--client-id") { Description = "The client.", Required = true };
        var command = new Command("rotate-secret", "Give a confidential client a new secret, printed once; the old one stops working at once.") { clientId };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var issued = await services.GetRequiredService<ClientRegistry>().RotateSecretAsync(result.GetValue(clientId)!, ct2).OrRefuse();
            Console.WriteLine(issued.Secret);
            await Console.Error.WriteLineAsync($"That is the new secret of {issued.Client.ClientId}: the old one no longer works.");
        }, ct));
        return command;
    }

    private static Command Remove()
    {
        var clientId = new Option<string>("--client-id") { Description = "The client.", Required = true };
        var command = new Command("remove", "Remove a client; its tokens stop working.") { clientId };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var removed = await services.GetRequiredService<ClientRegistry>().RemoveAsync(result.GetValue(clientId)!, ct2).OrRefuse();
            Console.WriteLine($"Removed {removed.ClientId}.");
        }, ct));
        return command;
    }
}
