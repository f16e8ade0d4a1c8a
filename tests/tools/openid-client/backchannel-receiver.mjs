// A portal's back-channel logout endpoint for Signpost's tests (OpenID Connect Back-Channel Logout 1.0 §2.6),
// checking each logout token with jose the way a relying party must:
//   the signature against the provider's JWKS (found through discovery), iss, aud (our client ID), typ logout+jwt,
//   iat/exp, a jti, a sub and a sid, the events claim with the back-channel logout member, and no nonce.
// Usage: node backchannel-receiver.mjs <port> <issuer> <clientId>
// It prints "listening <port>" once, then one JSON line per request: {"ok":true,"claims":{…},"header":{…}} or
// {"ok":false,"error":"…"}, and answers 200 (accepted) or 400 {"error":"invalid_request"} as §2.8 says.
// It exits when standard input closes.
import http from 'node:http';
import * as jose from 'jose';

const [port, issuer, clientId] = process.argv.slice(2);
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

const discovery = await (await fetch(new URL('.well-known/openid-configuration', issuer))).json();
if (discovery.backchannel_logout_supported !== true || discovery.backchannel_logout_session_supported !== true) {
  process.stderr.write('discovery does not announce back-channel logout with sid\n');
  process.exit(2);
}
const jwks = jose.createRemoteJWKSet(new URL(discovery.jwks_uri));

async function check(token) {
  const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, {
    issuer: discovery.issuer,
    audience: clientId,
    typ: 'logout+jwt',
    algorithms: ['RS256'],
    requiredClaims: ['iat', 'exp', 'jti', 'sub', 'sid', 'events'],
    maxTokenAge: '2 minutes',
  });
  if (typeof payload.events !== 'object' || payload.events === null || !(EVENT in payload.events)
      || typeof payload.events[EVENT] !== 'object') {
    throw new Error('events claim without the back-channel logout event');
  }
  if ('nonce' in payload) {
    throw new Error('a logout token must not carry a nonce');
  }
  return { claims: payload, header: protectedHeader };
}

const server = http.createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => { body += chunk; });
  request.on('end', async () => {
    let line;
    try {
      if (request.method !== 'POST' || !String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        throw new Error(`expected a form POST, got ${request.method} ${request.headers['content-type']}`);
      }
      const token = new URLSearchParams(body).get('logout_token');
      if (!token) {
        throw new Error('no logout_token');
      }
      line = { ok: true, path: request.url, ...(await check(token)) };
      response.writeHead(200, { 'Cache-Control': 'no-store' }).end();
    } catch (e) {
      line = { ok: false, path: request.url, error: `${e.code ?? e.name}: ${e.message}` };
      response.writeHead(400, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(JSON.stringify({ error: 'invalid_request', error_description: e.message }));
    }
    process.stdout.write(JSON.stringify(line) + '\n');
  });
});

server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.stdin.on('data', () => {});
process.stdin.on('close', () => server.close(() => process.exit(0)));
