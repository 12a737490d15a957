// How every process reaches Temporal: address, TLS (mTLS with a client pair) and the Temporal
// Cloud API key from the config, for the worker's NativeConnection and the API's and CLI's
// Connection alike. When a connection fails, a plain TLS handshake to the same address finds out
// why (wrong CA, no client certificate, TLS expected) so the process stops with one useful line;
// the SDKs themselves only say "transport error" or "failed to connect before the deadline".
import { connect as tlsConnect, type ConnectionOptions as TlsOptions } from 'node:tls';
import { ConfigError, type Config, type TemporalTls } from '../../lib/config.ts';

export class TemporalUnreachable extends Error {
  override name = 'TemporalUnreachable';
}

export interface TemporalConnectionOptions {
  address: string;
  tls?: TemporalTls;
  apiKey?: string;
}

export function requireTemporalAddress(config: Config): string {
  if (!config.temporal.address) {
    throw new ConfigError('TEMPORAL_ADDRESS: required for this command (run `refinery dev` for a local Temporal server)');
  }
  return config.temporal.address;
}

/** What Connection.connect / NativeConnection.connect need; an API key alone turns TLS on (with the system's CAs). */
export function temporalConnectionOptions(config: Config): TemporalConnectionOptions {
  const address = requireTemporalAddress(config);
  return { address, ...(config.temporal.tls ? { tls: config.temporal.tls } : {}), ...(config.temporal.apiKey ? { apiKey: config.temporal.apiKey } : {}) };
}

function split(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}

type Probe = { ok: true } | { ok: false; code: string; message: string };

/** A TLS handshake to the frontend with the configured material, then a short wait for an alert. */
function probeTls(address: string, tls: TemporalTls, timeoutMs = 3000): Promise<Probe> {
  const { host, port } = split(address);
  const options: TlsOptions = {
    host,
    port,
    ALPNProtocols: ['h2'],
    ca: tls.serverRootCACertificate,
    cert: tls.clientCertPair?.crt,
    key: tls.clientCertPair?.key,
    servername: tls.serverNameOverride ?? (/^[\d.:]+$/.test(host) ? undefined : host),
  };
  return new Promise((resolve) => {
    const socket = tlsConnect(options);
    const done = (p: Probe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(p);
    };
    const timer = setTimeout(() => done({ ok: false, code: 'ETIMEDOUT', message: `no TLS answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, code: e.code ?? 'TLS', message: e.message }));
    // With TLS 1.3 the server judges the client certificate after the handshake: send the HTTP/2
    // preface and wait for its SETTINGS frame (accepted) or an alert (refused).
    socket.once('secureConnect', () => socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
    socket.once('data', () => done({ ok: true }));
  });
}

/** Does the server at address speak TLS at all? (A plaintext client to a TLS server only sees a closed pipe.) */
async function speaksTls(address: string): Promise<boolean> {
  const probe = await probeTls(address, {}, 2000).catch(() => undefined);
  if (!probe) return false;
  return probe.ok || !/ECONNRESET|EPIPE|ETIMEDOUT|ECONNREFUSED|WRONG_VERSION_NUMBER|packet length too long/i.test(`${probe.code} ${probe.message}`);
}

/** Turns a failed connect into one line naming the setting to fix. */
export async function explainConnectFailure(config: Config, error: unknown): Promise<TemporalUnreachable> {
  const { address, tls, apiKey } = temporalConnectionOptions(config);
  const raw = (error as Error).message.split('\n')[0];
  const line = (text: string) => new TemporalUnreachable(text);
  if (/unauthenticated|unauthorized|permission denied|PermissionDenied/i.test(raw)) {
    return line(`${apiKey ? 'TEMPORAL_API_KEY' : 'TEMPORAL_TLS_CERT'}: ${address} refused these credentials (${raw})`);
  }
  if (!tls && !apiKey) {
    if (/ECONNREFUSED|Connection refused|ConnectError/i.test(raw) && !/Certificate/i.test(raw))
      return line(`TEMPORAL_ADDRESS: cannot connect to ${address} (${raw})`);
    if (await speaksTls(address)) {
      return line(`TEMPORAL_ADDRESS: ${address} requires TLS; set TEMPORAL_TLS_CA (and TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY for mTLS) or TEMPORAL_API_KEY`);
    }
    return line(`TEMPORAL_ADDRESS: cannot connect to ${address} (${raw})`);
  }
  const probe = await probeTls(address, tls ?? {});
  if (probe.ok) return line(`TEMPORAL_ADDRESS: TLS to ${address} works but the connection failed (${raw})`);
  const why = `${probe.code} ${probe.message}`;
  if (/CERTIFICATE_REQUIRED/i.test(why)) {
    return line(`TEMPORAL_TLS_CERT: ${address} requires a client certificate; set TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY`);
  }
  if (/UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN/i.test(why)) {
    return line(`TEMPORAL_TLS_CERT: ${address} refused this client certificate (not signed by a CA the server trusts)`);
  }
  if (/ALTNAME|hostname|IP: .* is not in the cert/i.test(why)) {
    return line(
      `TEMPORAL_TLS_SERVER_NAME: the certificate of ${address} is not for this name (${probe.message}); set TEMPORAL_TLS_SERVER_NAME to a name it carries`,
    );
  }
  if (/UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY|SELF_SIGNED|CERT_SIGNATURE|unknown issuer/i.test(why)) {
    return line(
      `TEMPORAL_TLS_CA: the certificate of ${address} is not signed by ${tls?.serverRootCACertificate ? 'the CA in TEMPORAL_TLS_CA' : 'a CA this system trusts; set TEMPORAL_TLS_CA'} (${probe.code})`,
    );
  }
  if (/ECONNREFUSED/i.test(why)) return line(`TEMPORAL_ADDRESS: cannot connect to ${address} (connection refused)`);
  if (/WRONG_VERSION_NUMBER|packet length too long|ECONNRESET|EPIPE/i.test(why)) {
    return line(`TEMPORAL_TLS_CA: ${address} does not speak TLS; unset TEMPORAL_TLS_* and TEMPORAL_API_KEY for a plaintext server`);
  }
  return line(`TEMPORAL_ADDRESS: cannot connect to ${address} over TLS (${probe.code}: ${probe.message})`);
}
