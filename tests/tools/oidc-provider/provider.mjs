// A real OpenID Connect provider for Signpost's SSO tests: npm's oidc-provider on 127.0.0.1.
//   node provider.mjs <port> <client_id> <client_secret> <redirect_uri>[,<redirect_uri>...] [--claims-in-id-token] [--exit-with-stdin]
// Prints "listening <port>" when ready. With oidc-provider's defaults (OpenID Connect Core §5.4) the ID token of the
// code flow carries only sub, and email, profile and npi claims come from the userinfo endpoint; --claims-in-id-token
// puts them in the ID token as well (conformIdTokenClaims: false), as some providers do. Test accounts sign in on oidc-provider's own login page with any password;
// their claims come from the login typed (see accountFromLogin).
import Provider from 'oidc-provider';
import { generateKeyPair, exportJWK } from 'jose';

const [portArg, clientId, clientSecret, redirectUri] = process.argv.slice(2);
if (!clientId || !redirectUri) {
  console.error('usage: provider.mjs <port> <client_id> <client_secret> <redirect_uri> [--exit-with-stdin]');
  process.exit(2);
}

// Test accounts come from the login typed on oidc-provider's login page, so every test can make its own:
//   <email>[;npi=<npi>][;username=<name>][;unverified]
// sub is the login itself; email_verified is true unless ";unverified" is given.
function accountFromLogin(login) {
  const [email, ...options] = String(login).split(';');
  const claims = { sub: String(login), email, email_verified: true, name: `IdP ${email.split('@')[0]}` };
  for (const option of options) {
    const [key, value] = option.split('=');
    if (key === 'unverified') claims.email_verified = false;
    else if (key === 'npi') claims.npi = value;
    else if (key === 'username') claims.preferred_username = value;
  }
  return claims;
}

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'real-1', alg: 'RS256', use: 'sig' };

const listenPort = Number(portArg) || 0;
const server = (await import('node:http')).createServer();
await new Promise((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
const port = server.address().port;
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUri.split(','),
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [jwk] },
  scopes: ['openid', 'email', 'profile', 'npi'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'], npi: ['npi'] },
  // oidc-provider's default (true) unless the test asks for scope claims in the ID token itself.
  conformIdTokenClaims: !process.argv.includes('--claims-in-id-token'),
  pkce: { required: () => true },
  cookies: { keys: ['signpost-test-cookie-key'] },
  // The dev login page passes the typed login as the account id.
  findAccount: (ctx, id) => {
    const claims = accountFromLogin(id);
    return { accountId: id, claims: () => ({ ...claims }) };
  },
  // First-party test client: no consent screen, every requested scope is granted.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
  renderError: (ctx, out) => { ctx.type = 'html'; ctx.body = `<h1>oidc-provider error</h1><pre>${out.error}: ${out.error_description ?? ''}</pre>`; },
});
provider.proxy = false;


server.on('request', provider.callback());
console.log(`listening ${port}`);

if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
