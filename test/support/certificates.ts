// Throwaway certificates for the mTLS tests, made with openssl: a CA with a server certificate
// (SAN 127.0.0.1, ::1, localhost) and a client certificate, and a second, unrelated CA with a
// client certificate of its own (what a wrong CA or a foreign client looks like).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Certificates {
  dir: string;
  ca: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
  /** Signed by another CA: a server with `ca` refuses this client, and `otherCa` cannot verify the server. */
  otherCa: string;
  otherClient: { cert: string; key: string };
  read(which: 'ca' | 'client.cert' | 'client.key'): Buffer;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=refinery-test-${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
}

function issue(dir: string, ca: string, name: string, subject: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
  rmSync(join(dir, `${name}.csr`));
  rmSync(join(dir, `${name}.ext`));
}

export function makeCertificates(dir: string): Certificates {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const leaf = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n';
  makeCa(dir, 'ca');
  issue(dir, 'ca', 'server', '/CN=localhost', `${leaf}extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n`);
  issue(dir, 'ca', 'client', '/CN=refinery-client', `${leaf}extendedKeyUsage=clientAuth\n`);
  makeCa(dir, 'other-ca');
  issue(dir, 'other-ca', 'other-client', '/CN=refinery-stranger', `${leaf}extendedKeyUsage=clientAuth\n`);
  const path = (f: string) => join(dir, f);
  const certs: Certificates = {
    dir,
    ca: path('ca.pem'),
    server: { cert: path('server.pem'), key: path('server.key') },
    client: { cert: path('client.pem'), key: path('client.key') },
    otherCa: path('other-ca.pem'),
    otherClient: { cert: path('other-client.pem'), key: path('other-client.key') },
    read: (which) => readFileSync({ ca: certs.ca, 'client.cert': certs.client.cert, 'client.key': certs.client.key }[which]),
  };
  return certs;
}
