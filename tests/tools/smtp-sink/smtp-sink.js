#!/usr/bin/env node
// A real SMTP server for Signpost's tests (nodemailer's smtp-server): listens on 127.0.0.1, accepts any
// message without authentication or TLS, and writes each one to a folder:
//   <name>.json  the SMTP envelope: {"from": "...", "to": ["...", ...], "receivedAt": "..."}
//   <name>.eml   the raw message exactly as received (written last, by rename: when it exists, both are complete)
//
// Usage: node smtp-sink.js <port> <folder> [--exit-with-stdin] [--delay-ms=<ms>]
//   port 0 lets the system choose; the first line printed is "listening <port>" once connections are accepted.
//   --exit-with-stdin stops the server when its standard input closes, so it dies with the test process.
//   --delay-ms=<ms> answers each message only after <ms> milliseconds: a slow (remote) relay.
//   --refuse=<address> answers RCPT TO <address> with 550 (no such mailbox), as a server refusing one message.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { SMTPServer } = require('smtp-server');

const [portArg, folder, ...flags] = process.argv.slice(2);
const port = Number(portArg);
const delayFlag = flags.find((f) => f.startsWith('--delay-ms='));
const delayMs = delayFlag ? Number(delayFlag.slice('--delay-ms='.length)) : 0;
const refuseFlag = flags.find((f) => f.startsWith('--refuse='));
const refused = refuseFlag ? refuseFlag.slice('--refuse='.length).toLowerCase() : null;
if (!Number.isInteger(port) || port < 0 || port > 65535 || !folder || !Number.isInteger(delayMs) || delayMs < 0) {
  console.error('usage: node smtp-sink.js <port> <folder> [--exit-with-stdin] [--delay-ms=<ms>] [--refuse=<address>]');
  process.exit(2);
}

fs.mkdirSync(folder, { recursive: true });
let received = 0;

const server = new SMTPServer({
  name: 'smtp-sink.test',
  banner: 'Signpost test SMTP sink',
  secure: false,
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  size: 25 * 1024 * 1024,
  onRcptTo(address, session, callback) {
    if (refused && address.address.toLowerCase() === refused) {
      const err = new Error('No such mailbox');
      err.responseCode = 550;
      return callback(err);
    }
    return callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('error', callback);
    stream.on('end', () => setTimeout(() => {
      const name = `${Date.now()}-${process.pid}-${String(++received).padStart(5, '0')}`;
      const envelope = {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        to: session.envelope.rcptTo.map((r) => r.address),
        receivedAt: new Date().toISOString(),
      };
      try {
        fs.writeFileSync(path.join(folder, `${name}.json`), JSON.stringify(envelope));
        fs.writeFileSync(path.join(folder, `${name}.eml.part`), Buffer.concat(chunks));
        fs.renameSync(path.join(folder, `${name}.eml.part`), path.join(folder, `${name}.eml`));
        callback();
      } catch (err) {
        callback(err);
      }
    }, delayMs));
  },
});

server.on('error', (err) => console.error(`smtp-sink: ${err.message}`));

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (flags.includes('--exit-with-stdin')) {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}

server.listen(port, '127.0.0.1', () => {
  console.log(`listening ${server.server.address().port}`);
});
