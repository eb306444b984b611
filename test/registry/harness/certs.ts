// Certificates made with the openssl CLI, as an operator would: a test CA and a server certificate it
// signed for 127.0.0.1 and localhost (for registries and token servers over TLS), and a token-signing
// key with a self-signed certificate (distribution's `auth.token.rootcertbundle`; the JWT's `x5c`
// carries the certificate, and distribution checks it against the bundle).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir, removeTempDir } from './tempDir';

const run = promisify(execFile);

export interface TestCertificates {
  readonly dir: string;
  /** The CA's certificate (PEM): what a client must trust to reach the TLS servers. */
  readonly caCertPath: string;
  readonly caCertPem: string;
  /** Server certificate (subjectAltName IP:127.0.0.1, DNS:localhost, plus `serverAltNames`) signed by the CA, and its key. */
  readonly serverCertPath: string;
  readonly serverKeyPath: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  /** EC P-256 key that signs tokens (ES256) and its self-signed certificate (the registry's root bundle). */
  readonly signingKeyPath: string;
  readonly signingCertPath: string;
  readonly signingKeyPem: string;
  readonly signingCertPem: string;
  close(): Promise<void>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(dir: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('openssl is not installed: apt-get install openssl (or run scripts/setup.sh)');
    throw new Error(`openssl ${args[0] ?? ''} failed: ${e.stderr ?? e.message}`);
  }
}

export interface TestCertificateOptions {
  /** More subjectAltName entries for the server certificate, in openssl's syntax: `IP:192.0.2.2`, `DNS:registry.test`. */
  serverAltNames?: string[];
}

export async function makeTestCertificates(options: TestCertificateOptions = {}): Promise<TestCertificates> {
  const dir = await makeTempDir('certs');
  try {
    const days = ['-days', '2'];
    await openssl(dir, ['req', '-x509', '-new', ...EC, '-keyout', 'ca.key', '-out', 'ca.crt', ...days, '-subj', '/CN=Image Provenance Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await openssl(dir, ['req', '-new', ...EC, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    await writeFile(
      join(dir, 'server.ext'),
      [`subjectAltName=${['IP:127.0.0.1', 'DNS:localhost', ...(options.serverAltNames ?? [])].join(',')}`, 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', ''].join('\n'),
    );
    const serial = `0x${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
    await openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', serial, '-out', 'server.crt', ...days, '-extfile', 'server.ext']);
    await openssl(dir, ['req', '-x509', '-new', ...EC, '-keyout', 'token.key', '-out', 'token.crt', ...days, '-subj', '/CN=Image Provenance Test Token Signer']);
    const read = (name: string): Promise<string> => readFile(join(dir, name), 'utf8');
    const [caCertPem, serverCertPem, serverKeyPem, signingKeyPem, signingCertPem] = await Promise.all(['ca.crt', 'server.crt', 'server.key', 'token.key', 'token.crt'].map(read)) as [string, string, string, string, string];
    return {
      dir,
      caCertPath: join(dir, 'ca.crt'),
      caCertPem,
      serverCertPath: join(dir, 'server.crt'),
      serverKeyPath: join(dir, 'server.key'),
      serverCertPem,
      serverKeyPem,
      signingKeyPath: join(dir, 'token.key'),
      signingCertPath: join(dir, 'token.crt'),
      signingKeyPem,
      signingCertPem,
      close: () => removeTempDir(dir),
    };
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
}
