// A relying party for Signpost's OpenID Connect provider tests, on npm's openid-client (an OpenID Certified
// relying party library): every response it accepts has passed that library's own validation — issuer,
// audience, signature against the provider's JWKS, nonce, state, PKCE, at_hash/c_hash when present.
//
// It reads one JSON command a line on standard input and answers one JSON line on standard output:
//   {"cmd":"discover","issuer":"http://127.0.0.1:5000/","clientId":"portal","clientSecret":"…"}   (no secret: a public client)
//   {"cmd":"authorize","redirectUri":"…","scope":"openid profile","extra":{"org":"slug"}}           → {"url":"…"}
//   {"cmd":"callback","url":"<the redirect the browser landed on>"}                                  → tokens and ID token claims
//   {"cmd":"userinfo"}  {"cmd":"refresh","refreshToken":"…"}  {"cmd":"revoke","token":"…"}  {"cmd":"introspect","token":"…"}
//   {"cmd":"endSession","postLogoutRedirectUri":"…"}                                                 → {"url":"…"}
// A failure answers {"ok":false,"error":…,"code":…,"description":…}. It exits when standard input closes.
import * as client from 'openid-client';
import readline from 'node:readline';

let config;
let pending; // the checks of the authorization request in flight
let tokens;  // the latest token response

const commands = {
  async discover({ issuer, clientId, clientSecret }) {
    // The tests' Signpost listens on plain HTTP on loopback; openid-client refuses http unless told.
    config = await client.discovery(new URL(issuer), clientId, clientSecret ?? undefined,
      clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(), { execute: [client.allowInsecureRequests] });
    return { metadata: config.serverMetadata() };
  },
  async authorize({ redirectUri, scope, extra }) {
    const verifier = client.randomPKCECodeVerifier();
    pending = { verifier, state: client.randomState(), nonce: client.randomNonce(), redirectUri };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: scope ?? 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      ...(extra ?? {}),
    });
    return { url: url.href, state: pending.state, verifier };
  },
  async callback({ url }) {
    tokens = await client.authorizationCodeGrant(config, new URL(url), {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    return answer(tokens);
  },
  async userinfo({ accessToken }) {
    return { userinfo: await client.fetchUserInfo(config, accessToken ?? tokens.access_token, tokens?.claims()?.sub ?? client.skipSubjectCheck) };
  },
  async refresh({ refreshToken }) {
    tokens = await client.refreshTokenGrant(config, refreshToken ?? tokens.refresh_token);
    return answer(tokens);
  },
  async revoke({ token }) {
    await client.tokenRevocation(config, token);
    return {};
  },
  async introspect({ token }) {
    return { introspection: await client.tokenIntrospection(config, token) };
  },
  async endSession({ postLogoutRedirectUri, idTokenHint }) {
    const url = client.buildEndSessionUrl(config, {
      id_token_hint: idTokenHint ?? tokens.id_token,
      ...(postLogoutRedirectUri ? { post_logout_redirect_uri: postLogoutRedirectUri } : {}),
    });
    return { url: url.href };
  },
};

function answer(response) {
  return {
    access_token: response.access_token,
    refresh_token: response.refresh_token ?? null,
    id_token: response.id_token ?? null,
    token_type: response.token_type,
    expires_in: response.expires_in ?? null,
    scope: response.scope ?? null,
    claims: response.claims() ?? null,
  };
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  let reply;
  try {
    const command = JSON.parse(line);
    reply = { ok: true, ...(await commands[command.cmd](command)) };
  } catch (e) {
    reply = { ok: false, name: e.name, code: e.code ?? null, error: e.error ?? null, description: e.error_description ?? null, message: e.message };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
lines.on('close', () => process.exit(0));
process.stdout.write('ready\n');
