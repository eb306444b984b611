// The registry client against small servers of our own that act out what a real registry will not do on
// demand: a blob CDN that answers 401 naming a token service of its own, a token service that redirects a
// refresh-token POST elsewhere, and a body trickled a byte at a time. (Found by review; each once leaked a
// credential or hung.)
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseImageReference, type ImageRef } from '../../src/reference/imageReference';
import { RegistryClient } from '../../src/registry/client';
import type { Credentials } from '../../src/registry/dockerConfig';
import { RegistryError } from '../../src/registry/errors';
import { DEFAULT_REGISTRY_SETTINGS } from '../../src/registry/settings';

const servers: http.Server[] = [];
async function listen(handler: http.RequestListener): Promise<number> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return (server.address() as AddressInfo).port;
}
const readBody = (req: http.IncomingMessage) => new Promise<string>((done) => {
  let text = '';
  req.on('data', (c: Buffer) => (text += c.toString()));
  req.on('end', () => done(text));
});

function reference(text: string): ImageRef {
  const parsed = parseImageReference(text);
  assert.ok(parsed.ok);
  return parsed.ref;
}

async function failure(call: Promise<unknown>): Promise<RegistryError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof RegistryError, String(error));
    return error;
  }
  assert.fail('expected a RegistryError');
}

function client(host: string, credentials: Credentials | undefined, timeoutMs = 30_000): RegistryClient {
  return new RegistryClient({
    settings: { ...DEFAULT_REGISTRY_SETTINGS, retries: 0, timeoutMs, hosts: { [host]: { http: true } } },
    credentials: { get: async (h) => (h === host ? credentials : undefined) },
    retryBaseMs: 1,
  });
}

describe('registry client: redirects and slow bodies that must not leak or hang', () => {
  after(() => servers.forEach((s) => s.close()));

  it('never answers a redirect target’s 401 with the registry’s credentials', async () => {
    const seenByOther: string[] = [];
    let registryPort = 0;
    const otherPort = await listen(async (req, res) => {
      seenByOther.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
      await readBody(req);
      if (req.url?.startsWith('/blob')) res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${otherPort}/steal",service="cdn"` }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"x"}');
    });
    registryPort = await listen(async (req, res) => {
      await readBody(req);
      if (req.url?.startsWith('/token')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"good","expires_in":300}');
      if (req.headers.authorization !== 'Bearer good') {
        return void res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${registryPort}/token",service="reg"` }).end();
      }
      res.writeHead(307, { location: `http://127.0.0.1:${otherPort}/blob/abc` }).end();
    });
    const host = `127.0.0.1:${registryPort}`;
    const c = client(host, { kind: 'basic', username: 'alice', password: 's3cret' });
    const error = await failure(c.blob(reference(`${host}/team/app:1`), `sha256:${'a'.repeat(64)}`));
    assert.equal(error.kind, 'badResponse');
    assert.match(error.message, new RegExp(`redirected blob sha256:a+ to 127\\.0\\.0\\.1:${otherPort}, which refused it \\(401\\)`));
    // The other host got the redirected GET, without Authorization, and was never asked for a token.
    assert.deepEqual(seenByOther, ['GET /blob/abc -']);
    await c.close();
  });

  it('does not follow a token service’s redirect of a refresh-token POST to another host', async () => {
    const seenByOther: string[] = [];
    let registryPort = 0;
    const otherPort = await listen(async (req, res) => {
      seenByOther.push(`${req.method} ${req.url} ${await readBody(req)}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"x"}');
    });
    registryPort = await listen(async (req, res) => {
      await readBody(req);
      if (req.url?.startsWith('/token')) return void res.writeHead(307, { location: `http://127.0.0.1:${otherPort}/collect` }).end();
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${registryPort}/token",service="reg"` }).end();
    });
    const host = `127.0.0.1:${registryPort}`;
    const c = client(host, { kind: 'identityToken', token: 'REFRESH-TOKEN-SECRET' });
    const error = await failure(c.resolve(reference(`${host}/team/app:1`)));
    assert.equal(error.kind, 'redirect');
    assert.match(error.message, /with credentials in the request; not followed/);
    assert.doesNotMatch(error.message, /REFRESH-TOKEN-SECRET/);
    assert.deepEqual(seenByOther, []);
    await c.close();
  });

  it('gives up on a body trickled a byte at a time once the timeout has passed', async () => {
    const port = await listen((req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      const timer = setInterval(() => res.write(' '), 200);
      req.socket.on('close', () => clearInterval(timer));
    });
    const host = `127.0.0.1:${port}`;
    const c = client(host, undefined, 1_000);
    const started = Date.now();
    const error = await failure(c.manifest(reference(`${host}/a/b@sha256:${'b'.repeat(64)}`)));
    assert.equal(error.kind, 'timeout');
    assert.match(error.message, /arrived too slowly/);
    // Gaps of 200 ms never trip the idle timeout: only the rate check ends it, soon after 1 s.
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
    await c.close();
  });
});
