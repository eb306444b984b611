// Bake's hash, UUID and RSA functions (go-cty-funcs crypto/*.go, uuid/uuid_v5.go, as buildx vendors
// them), and Go's strict base64 they share with base64decode. All pure: bcrypt (a random salt) and
// uuidv4 (random) are the ones left unevaluated, in functions.ts.

import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { HclFunctionError } from './values';

function fail(message: string): never {
  throw new HclFunctionError(message);
}

/** md5, sha1, sha256, sha512: the hash of the string's UTF-8 bytes, in lowercase hexadecimal. */
export function hexHash(algorithm: 'md5' | 'sha1' | 'sha256' | 'sha512', text: string): string {
  return createHash(algorithm).update(text, 'utf8').digest('hex');
}

/**
 * Go's base64.StdEncoding.DecodeString: the standard alphabet with its padding; only "\r" and "\n" are
 * skipped. (The browser's atob also takes unpadded text and other white space.)
 */
export function decodeBase64(text: string): Buffer | undefined {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

// ---- uuidv5 ----

/** The namespaces uuidv5() knows by name (RFC 4122 appendix C, as google/uuid defines them). */
const UUID_NAMESPACES = new Map([
  ['dns', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'],
  ['url', '6ba7b811-9dad-11d1-80b4-00c04fd430c8'],
  ['oid', '6ba7b812-9dad-11d1-80b4-00c04fd430c8'],
  ['x500', '6ba7b814-9dad-11d1-80b4-00c04fd430c8'],
]);

function hexBytes(hex: string): Buffer | undefined {
  return /^[0-9a-fA-F]{32}$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

/**
 * google/uuid's Parse, on the UTF-8 bytes: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, the same after
 * `urn:uuid:` or after any one character (`{…}`: only the middle 36 bytes are read), or 32 hex digits.
 * Returns the 16 bytes, or Parse's error text.
 */
function parseUuid(text: string): Buffer | string {
  let bytes = Buffer.from(text, 'utf8');
  switch (bytes.length) {
    case 32:
      return hexBytes(bytes.toString('latin1')) ?? 'invalid UUID format';
    case 36:
      break;
    case 36 + 9: {
      if (bytes.subarray(0, 9).toString('latin1').toLowerCase() !== 'urn:uuid:') return `invalid urn prefix: ${JSON.stringify(bytes.subarray(0, 9).toString('utf8'))}`;
      bytes = bytes.subarray(9);
      break;
    }
    case 36 + 2:
      bytes = bytes.subarray(1);
      break;
    default:
      return `invalid UUID length: ${bytes.length}`;
  }
  const body = bytes.subarray(0, 36).toString('latin1');
  if (body[8] !== '-' || body[13] !== '-' || body[18] !== '-' || body[23] !== '-') return 'invalid UUID format';
  return hexBytes(body.slice(0, 8) + body.slice(9, 13) + body.slice(14, 18) + body.slice(19, 23) + body.slice(24)) ?? 'invalid UUID format';
}

/** uuidv5: SHA-1 of the namespace's 16 bytes and the name, as version 5 of the RFC 4122 variant. */
export function uuidv5(namespace: string, name: string): string {
  const space = parseUuid(UUID_NAMESPACES.get(namespace) ?? namespace);
  if (typeof space === 'string') fail(`uuidv5() doesn't support namespace ${namespace} (${space})`);
  const bytes = createHash('sha1').update(space).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- rsadecrypt ----

/** Go's pem.Decode, for the first block whose body is valid base64: its headers and bytes. */
function decodePem(text: string): { headers: Map<string, string>; bytes: Buffer } | undefined {
  for (const m of text.matchAll(/-----BEGIN ([^\r\n]*?)-----\r?\n([\s\S]*?)-----END \1-----/g)) {
    const lines = m[2]!.split(/\r?\n/);
    const headers = new Map<string, string>();
    if (lines[0]?.includes(':')) {
      while (lines.length > 0 && lines[0] !== '') {
        const [key = '', ...value] = lines.shift()!.split(':');
        headers.set(key.trim(), value.join(':').trim());
      }
    }
    const bytes = decodeBase64(lines.join('').replace(/[ \t]/g, ''));
    if (bytes) return { headers, bytes };
  }
  return undefined;
}

/** Go's x509.ParsePKCS1PrivateKey, with its hints for the other key formats. */
function parsePkcs1(der: Buffer): KeyObject {
  const attempt = (type: 'pkcs1' | 'pkcs8' | 'sec1'): KeyObject | undefined => {
    try {
      return createPrivateKey({ key: der, format: 'der', type });
    } catch {
      return undefined;
    }
  };
  // First, since Node reads a PKCS #8 key as PKCS #1 too.
  if (attempt('pkcs8')) fail('x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)');
  const key = attempt('pkcs1');
  if (key) return key;
  if (attempt('sec1')) fail('x509: failed to parse private key (use ParseECPrivateKey instead for this key format)');
  return fail('x509: failed to parse private key');
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

const fromBase64Url = (text: string): bigint => BigInt(`0x${Buffer.from(text, 'base64url').toString('hex') || '0'}`);

/**
 * rsadecrypt: base64 ciphertext decrypted with a PEM (PKCS #1) RSA key, PKCS #1 v1.5 padding removed.
 * Done with big integers: Node refuses PKCS #1 v1.5 decryption (CVE-2023-46809), and a Bake file's
 * value is not a timing oracle.
 */
export function rsaDecrypt(ciphertext: string, privateKey: string): string {
  const encrypted = decodeBase64(ciphertext);
  if (!encrypted) fail(`failed to decode input ${JSON.stringify(ciphertext)}: cipher text must be base64-encoded`);
  const block = decodePem(privateKey);
  if (!block) fail('failed to parse key: no key found');
  if (block.headers.get('Proc-Type') === '4,ENCRYPTED') fail('failed to parse key: password protected keys are not supported. Please decrypt the key prior to use');
  const jwk = parsePkcs1(block.bytes).export({ format: 'jwk' });
  const n = fromBase64Url(jwk.n ?? '');
  const size = Math.ceil(n.toString(16).length / 2);
  const c = BigInt(`0x${encrypted.toString('hex') || '0'}`);
  const decryptionError = (): never => fail('crypto/rsa: decryption error');
  if (size < 11 || encrypted.length !== size || c >= n) decryptionError();
  const em = Buffer.from(modPow(c, fromBase64Url(jwk.d ?? ''), n).toString(16).padStart(size * 2, '0'), 'hex');
  // 0x00 0x02, at least eight non-zero padding bytes, 0x00, the message.
  const separator = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || separator < 10) decryptionError();
  return em.subarray(separator + 1).toString('utf8');
}
