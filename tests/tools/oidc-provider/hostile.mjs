// A hostile (or broken) OpenID Connect provider for Signpost's attack and health tests, on 127.0.0.1.
//   node hostile.mjs <port> [--cert-days N] [--tls <cert.pem> <key.pem>] [--spare-keys <stranger.pem> <rotated.pem>] [--exit-with-stdin]
// With --tls it serves https with that certificate (the health monitor's TLS expiry check reads it).
// Prints "listening <port>". It plays a provider that auto-approves every authorization request and mints
// whatever ID token the test asks for (jose), and whose discovery and key documents can be broken on demand.
// Control: GET /_control?<name>=<value>... sets behaviour (see `state` below); GET /_stats returns counters.
import http from 'node:http';
import https from 'node:https';
import { randomBytes, createPublicKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, generateKeyPair, exportJWK, importPKCS8, base64url } from 'jose';

const args = process.argv.slice(2);
const listenPort = Number(args[0]) || 0;
const certDaysIndex = args.indexOf('--cert-days');
const certDays = certDaysIndex >= 0 ? Number(args[certDaysIndex + 1]) : null;

// The signing key: with --cert-days, an RSA key with a self-signed certificate (x5c) valid for N days, made
// by openssl, so health checks can read its expiry; otherwise a plain generated key.
let signingKey;
let publicJwk;
let publicPem;
if (certDays !== null) {
  const dir = mkdtempSync(join(tmpdir(), 'signpost-hostile-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-days', String(certDays), '-subj', '/CN=hostile-provider'], { stdio: 'ignore' });
  const keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
  const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  signingKey = await importPKCS8(keyPem, 'RS256', { extractable: true });
  publicPem = createPublicKey(keyPem).export({ type: 'spki', format: 'pem' });
  const der = certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  publicJwk = { ...(await exportJWK(createPublicKey(keyPem))), x5c: [der] };
} else {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  publicJwk = await exportJWK(pair.publicKey);
  publicPem = createPublicKey({ key: await exportJWK(pair.publicKey), format: 'jwk' }).export({ type: 'spki', format: 'pem' });
}
publicJwk = { ...publicJwk, kid: 'hostile-1', alg: 'RS256', use: 'sig' };
// Someone else's key (forged-signature, unknown-kid) and a key rotated in: with jwks=rotated the key set also
// publishes the latter, and with token=rotated the ID token is signed with it — a legitimate provider that
// rotated since Signpost cached its keys. Neither is ever this provider's signing key. With --spare-keys the test
// process hands over two PKCS#8 PEM files it made once for all its providers (two RSA key generations fewer per
// start, docs/testing.md "What keeps it fast"); otherwise they are generated here.
const spareIndex = args.indexOf('--spare-keys');
const spareKey = async (file) => {
  if (spareIndex < 0) return (await generateKeyPair('RS256', { extractable: true }));
  const pem = readFileSync(file, 'utf8');
  return { privateKey: await importPKCS8(pem, 'RS256'), publicKey: createPublicKey(pem) };
};
const stranger = await spareKey(args[spareIndex + 1]);
const rotated = await spareKey(args[spareIndex + 2]);
const rotatedJwk = { ...(await exportJWK(rotated.publicKey)), kid: 'rotated-in', alg: 'RS256', use: 'sig' };

const tlsIndex = args.indexOf('--tls');
const server = tlsIndex >= 0
  ? https.createServer({ cert: readFileSync(args[tlsIndex + 1]), key: readFileSync(args[tlsIndex + 2]) })
  : http.createServer();
await new Promise((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
const port = server.address().port;
const issuer = `${tlsIndex >= 0 ? 'https' : 'http'}://127.0.0.1:${port}`;

const state = {
  discovery: 'ok',      // ok | bad-json | slow | huge | 500 | wrong-issuer | not-object
  jwks: 'ok',           // ok | empty | bad-json | rotated
  token: 'ok',          // ok | alg-none | rs256-unsigned | forged-signature | hs256-pubkey | wrong-iss | missing-iss | wrong-aud | missing-aud | expired | no-nonce | unknown-kid | rotated
  respIss: 'issuer',    // issuer | missing | <any other value sent as iss>
  advertiseIss: 'true', // authorization_response_iss_parameter_supported
  authError: '',        // e.g. access_denied: the authorization response carries this error
  forceNonce: '',       // when set, the ID token carries this nonce instead of the request's
  sub: 'hostile-user',
  email: 'dana@riverside.example',
  emailVerified: 'true',
  slowSeconds: '30',
  // The userinfo endpoint: none (not published) | ok | other-sub | no-sub | 401 | 500 | bad-json | jwt | slow
  userinfo: 'none',
  userinfoEmail: '',    // when set, userinfo's email (the ID token keeps `email` unless idTokenEmail=false)
  idTokenEmail: 'true', // false: the ID token carries no email claims, as a Core §5.4 provider's
};
const stats = { discovery: 0, jwks: 0, authorize: 0, token: 0, userinfo: 0 };
const accessTokens = new Set();
const codes = new Map();

const send = (res, status, body, type = 'application/json') => { res.writeHead(status, { 'content-type': type }); res.end(body); };

async function mint(grant) {
  const now = Math.floor(Date.now() / 1000);
  const claims = state.idTokenEmail === 'true'
    ? { sub: state.sub, email: state.email, email_verified: state.emailVerified === 'true', name: 'Hostile User' }
    : { sub: state.sub };
  const nonce = state.forceNonce || grant.nonce;
  if (state.token !== 'no-nonce' && nonce) claims.nonce = nonce;
  let iss = issuer;
  let aud = grant.clientId;
  let iat = now;
  let exp = now + 300;
  if (state.token === 'wrong-iss') iss = 'https://evil.example';
  if (state.token === 'missing-iss') iss = undefined;
  if (state.token === 'wrong-aud') aud = 'someone-else';
  if (state.token === 'missing-aud') aud = undefined;
  if (state.token === 'expired') { iat = now - 7200; exp = now - 3600; }

  const payload = { ...claims, iat, exp };
  if (iss) payload.iss = iss;
  if (aud) payload.aud = aud;

  if (state.token === 'alg-none') {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    return `${header}.${base64url.encode(JSON.stringify(payload))}.`;
  }

  if (state.token === 'rs256-unsigned') {
    // Names an allowed algorithm but carries no signature: what the handler alone accepts from the token endpoint.
    const header = base64url.encode(JSON.stringify({ alg: 'RS256', kid: 'hostile-1', typ: 'JWT' }));
    return `${header}.${base64url.encode(JSON.stringify(payload))}.`;
  }

  if (state.token === 'forged-signature') {
    // The provider's kid, someone else's key.
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'hostile-1', typ: 'JWT' }).sign(stranger.privateKey);
  }

  if (state.token === 'hs256-pubkey') {
    // The classic key-confusion attack: HMAC "signed" with the provider's public key as the shared secret.
    return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: 'hostile-1', typ: 'JWT' }).sign(new TextEncoder().encode(publicPem));
  }

  if (state.token === 'rotated') {
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'rotated-in', typ: 'JWT' }).sign(rotated.privateKey);
  }

  if (state.token === 'unknown-kid') {
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'rotated-away', typ: 'JWT' }).sign(stranger.privateKey);
  }

  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'hostile-1', typ: 'JWT' }).sign(signingKey);
}

server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname === '/_control') {
      for (const [k, v] of url.searchParams) state[k] = v;
      return send(res, 200, JSON.stringify(state));
    }
    if (url.pathname === '/_stats') return send(res, 200, JSON.stringify(stats));

    if (url.pathname === '/.well-known/openid-configuration') {
      stats.discovery++;
      if (state.discovery === 'slow') { await new Promise((r) => setTimeout(r, Number(state.slowSeconds) * 1000)); }
      if (state.discovery === 'bad-json') return send(res, 200, '{"issuer": "' + issuer + '", "authorization_endpoint": ');
      if (state.discovery === 'not-object') return send(res, 200, '[1,2,3]');
      if (state.discovery === '500') return send(res, 500, 'internal error', 'text/plain');
      if (state.discovery === 'huge') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"issuer":"' + issuer + '","padding":"');
        const chunk = 'x'.repeat(64 * 1024);
        for (let i = 0; i < 64 && !res.destroyed; i++) res.write(chunk);
        return res.end('"}');
      }
      return send(res, 200, JSON.stringify({
        issuer: state.discovery === 'wrong-issuer' ? 'https://somebody-else.example' : issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        authorization_response_iss_parameter_supported: state.advertiseIss === 'true',
        ...(state.userinfo === 'none' ? {} : { userinfo_endpoint: `${issuer}/userinfo` }),
      }));
    }

    if (url.pathname === '/jwks') {
      stats.jwks++;
      if (state.jwks === 'bad-json') return send(res, 200, '{"keys": [');
      if (state.jwks === 'empty') return send(res, 200, JSON.stringify({ keys: [] }));
      if (state.jwks === 'rotated') return send(res, 200, JSON.stringify({ keys: [publicJwk, rotatedJwk] }));
      return send(res, 200, JSON.stringify({ keys: [publicJwk] }));
    }

    if (url.pathname === '/authorize') {
      stats.authorize++;
      const redirect = new URL(url.searchParams.get('redirect_uri'));
      const st = url.searchParams.get('state');
      if (st !== null) redirect.searchParams.set('state', st);
      if (state.authError) {
        redirect.searchParams.set('error', state.authError);
        redirect.searchParams.set('error_description', 'The user or the provider refused.');
      } else {
        const code = randomBytes(16).toString('hex');
        codes.set(code, { nonce: url.searchParams.get('nonce'), clientId: url.searchParams.get('client_id') });
        redirect.searchParams.set('code', code);
      }
      if (state.respIss === 'issuer') redirect.searchParams.set('iss', issuer);
      else if (state.respIss !== 'missing') redirect.searchParams.set('iss', state.respIss);
      res.writeHead(302, { location: redirect.toString() });
      return res.end();
    }

    if (url.pathname === '/userinfo') {
      stats.userinfo++;
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!accessTokens.has(token)) return send(res, 401, JSON.stringify({ error: 'invalid_token' }));
      if (state.userinfo === 'slow') { await new Promise((r) => setTimeout(r, Number(state.slowSeconds) * 1000)); }
      if (state.userinfo === '401') return send(res, 401, JSON.stringify({ error: 'invalid_token' }));
      if (state.userinfo === '500') return send(res, 500, 'internal error', 'text/plain');
      if (state.userinfo === 'bad-json') return send(res, 200, '{"sub": ');
      const claims = { sub: state.sub, email: state.userinfoEmail || state.email, email_verified: state.emailVerified === 'true', name: 'Userinfo User' };
      if (state.userinfo === 'other-sub') claims.sub = 'someone-else';
      if (state.userinfo === 'no-sub') delete claims.sub;
      if (state.userinfo === 'jwt') {
        const jwt = await new SignJWT({ ...claims, iss: issuer, aud: 'signpost-test' }).setProtectedHeader({ alg: 'RS256', kid: 'hostile-1' }).sign(signingKey);
        return send(res, 200, jwt, 'application/jwt');
      }
      return send(res, 200, JSON.stringify(claims));
    }

    if (url.pathname === '/token' && req.method === 'POST') {
      stats.token++;
      let body = '';
      for await (const part of req) body += part;
      const form = new URLSearchParams(body);
      const grant = codes.get(form.get('code'));
      codes.delete(form.get('code'));
      if (!grant) return send(res, 400, JSON.stringify({ error: 'invalid_grant', error_description: 'unknown or used code' }));
      const idToken = await mint(grant);
      const accessToken = randomBytes(16).toString('hex');
      accessTokens.add(accessToken);
      return send(res, 200, JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: 300, id_token: idToken }));
    }

    send(res, 404, JSON.stringify({ error: 'not_found' }));
  } catch (error) {
    send(res, 500, JSON.stringify({ error: 'server_error', error_description: String(error) }));
  }
});

console.log(`listening ${port}`);
if (args.includes('--exit-with-stdin')) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
