// A real SAML 2.0 identity provider for Signpost's tests, built on npm's samlify 2.x.
//   node idp.mjs <port> <sp_entity_id> <sp_acs_url> <cert.pem> <key.pem> [--exit-with-stdin] [--sp-metadata=<file>]
// With --sp-metadata the SP is read from Signpost's own metadata in <file> at each sign-in (written by the test once
// the practice exists), and the assertion is encrypted to the encryption certificate it publishes (signed, then
// encrypted: samlify's default AES-256-CBC with RSA-OAEP key transport).
// Prints "listening <port>" when ready. Serves:
//   GET  /metadata          its IdP metadata (entity ID http://127.0.0.1:<port>/metadata)
//   GET  /sso?SAMLRequest=  the HTTP-Redirect AuthnRequest, parsed by samlify: shows a login form
//   POST /login             login=<email>[&npi=][&username=]: answers with an HTTP-POST form to the SP's ACS,
//                           carrying a Response whose assertion samlify signs (RSA-SHA256, exclusive c14n)
import http from 'node:http';
import fs from 'node:fs';
import * as samlify from 'samlify';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (args.length < 5) {
  console.error('usage: idp.mjs <port> <sp_entity_id> <sp_acs_url> <cert.pem> <key.pem> [--exit-with-stdin]');
  process.exit(2);
}
const [portArg, spEntityId, acsUrl, certPath, keyPath] = args;
const spMetadataPath = process.argv.find((a) => a.startsWith('--sp-metadata='))?.slice('--sp-metadata='.length);

// Signpost validates the XML itself; samlify's optional schema validation is not what is under test.
samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') });

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(portArg) || 0, '127.0.0.1', resolve));
const port = server.address().port;
const base = `http://127.0.0.1:${port}`;

// A real provider's assertion: bearer confirmation, conditions, an AuthnStatement and attributes.
const template = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}" InResponseTo="{InResponseTo}"><saml:Issuer>{Issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="{StatusCode}"/></samlp:Status><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}"><saml:Issuer>{Issuer}</saml:Issuer><saml:Subject><saml:NameID Format="{NameIDFormat}">{NameID}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{NotOnOrAfter}" Recipient="{Recipient}" InResponseTo="{InResponseTo}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{IssueInstant}" NotOnOrAfter="{NotOnOrAfter}"><saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{IssueInstant}" SessionIndex="{SessionIndex}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>{Email}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="npi"><saml:AttributeValue>{Npi}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="username"><saml:AttributeValue>{Username}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>';

const idp = samlify.IdentityProvider({
  entityID: `${base}/metadata`,
  signingCert: fs.readFileSync(certPath, 'utf8'),
  privateKey: fs.readFileSync(keyPath, 'utf8'),
  wantAuthnRequestsSigned: false,
  nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
  singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: `${base}/sso` }],
  loginResponseTemplate: { context: template, attributes: [] },
  isAssertionEncrypted: Boolean(spMetadataPath),
});
const configuredSp = samlify.ServiceProvider({
  entityID: spEntityId,
  wantAssertionsSigned: true,
  assertionConsumerService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: acsUrl }],
});

const currentSp = () => (spMetadataPath ? samlify.ServiceProvider({ metadata: fs.readFileSync(spMetadataPath, 'utf8') }) : configuredSp);
const escape = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const pending = new Map();

server.on('request', async (req, res) => {
  const url = new URL(req.url, base);
  try {
    if (req.method === 'GET' && url.pathname === '/metadata') {
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
      res.end(idp.getMetadata());
      return;
    }
    if (req.method === 'GET' && url.pathname === '/sso') {
      const query = Object.fromEntries(url.searchParams);
      const sp = currentSp();
      const parsed = await idp.parseLoginRequest(sp, 'redirect', { query, octetString: '' });
      const ticket = Math.random().toString(36).slice(2);
      pending.set(ticket, { parsed, sp });
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>Test IdP</title><form action="/login" method="post"><input type="hidden" name="ticket" value="${ticket}"><label>Email <input name="login"></label><button>Sign in</button></form>`);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/login') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const { parsed, sp } = pending.get(form.get('ticket')) ?? {};
      pending.delete(form.get('ticket'));
      if (!parsed) {
        res.writeHead(400).end('unknown ticket');
        return;
      }
      const email = form.get('login') || '';
      const requestId = parsed.extract.request.id;
      const response = await idp.createLoginResponse(sp, parsed, 'post', { email }, (context) => {
        const id = idp.entitySetting.generateID();
        const now = new Date();
        const later = new Date(now.getTime() + 5 * 60 * 1000);
        return {
          id,
          context: samlify.default.SamlLib.replaceTagsByValue(context, {
            ID: id,
            AssertionID: idp.entitySetting.generateID(),
            IssueInstant: now.toISOString(),
            NotOnOrAfter: later.toISOString(),
            Destination: acsUrl,
            Recipient: acsUrl,
            Audience: spEntityId,
            Issuer: `${base}/metadata`,
            InResponseTo: requestId,
            StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
            NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
            NameID: email,
            SessionIndex: '_' + id,
            Email: email,
            Npi: form.get('npi') || '',
            Username: form.get('username') || '',
          }),
        };
      });
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>Signing in</title><body onload="document.forms[0].submit()"><form action="${escape(response.entityEndpoint)}" method="post"><input type="hidden" name="SAMLResponse" value="${escape(response.context)}"><noscript><button>Continue</button></noscript></form></body>`);
      return;
    }
    res.writeHead(404).end();
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error && error.stack || error));
  }
});

console.log(`listening ${port}`);
if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
