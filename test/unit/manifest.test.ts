import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { attestationEntries, attestedDigest } from '../../src/attest/storage';
import {
  formatPlatform,
  MANIFEST_MEDIA_TYPES,
  ManifestFormatError,
  parseManifest,
  platformEntries,
  sha256Digest,
  verifyDigest,
  type Descriptor,
  type ParsedIndex,
  type ParsedManifest,
  type Platform,
} from '../../src/registry/manifest';

// Fixtures are written by hand after OCI image-spec image-index.md / manifest.md, Docker's manifest v2
// schema 2 spec and BuildKit's docs/attestations/attestation-storage.md. Digests in them are sha256 of
// short labels, so each fixture is self-consistent and readable.

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

/** sha256 of a label: a well-formed digest to put in fixtures. */
const d = (label: string): string => `sha256:${createHash('sha256').update(label).digest('hex')}`;
const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value, null, 2));
const parse = (value: unknown, contentType?: string): ParsedManifest => parseManifest(bytes(value), contentType);
const parseIndex = (value: unknown, contentType?: string): ParsedIndex => {
  const parsed = parse(value, contentType);
  assert.equal(parsed.kind, 'index');
  return parsed as ParsedIndex;
};

const AMD64 = d('linux/amd64 image');
const ARM64 = d('linux/arm64 image');

/** `docker buildx build --platform linux/amd64,linux/arm64 --provenance=mode=max --sbom=true --push`. */
const buildkitIndex = {
  schemaVersion: 2,
  mediaType: OCI_INDEX,
  manifests: [
    { mediaType: OCI_MANIFEST, digest: AMD64, size: 1609, platform: { architecture: 'amd64', os: 'linux' } },
    { mediaType: OCI_MANIFEST, digest: ARM64, size: 1609, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
    {
      mediaType: OCI_MANIFEST,
      digest: d('attestation for amd64'),
      size: 839,
      annotations: { 'vnd.docker.reference.digest': AMD64, 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    },
    {
      mediaType: OCI_MANIFEST,
      digest: d('attestation for arm64'),
      size: 839,
      annotations: { 'vnd.docker.reference.digest': ARM64, 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    },
  ],
};

/** An old multi-arch library image: a Docker manifest list, Windows entries with os.version. */
const dockerManifestList = {
  schemaVersion: 2,
  mediaType: DOCKER_LIST,
  manifests: [
    { mediaType: DOCKER_MANIFEST, size: 529, digest: d('amd64'), platform: { architecture: 'amd64', os: 'linux' } },
    { mediaType: DOCKER_MANIFEST, size: 529, digest: d('arm v7'), platform: { architecture: 'arm', os: 'linux', variant: 'v7' } },
    { mediaType: DOCKER_MANIFEST, size: 529, digest: d('arm64 v8'), platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
    { mediaType: DOCKER_MANIFEST, size: 1125, digest: d('windows'), platform: { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.5820', 'os.features': ['win32k'] } },
  ],
};

/** The OCI empty descriptor's blob is `{}`; its sha256 is fixed by the image-spec (manifest.md, "Guidance for an Empty Descriptor"). */
const EMPTY_JSON_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

/** An attestation stored as an OCI artifact that points at its image through `subject`. */
const artifactManifest = {
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  artifactType: 'application/vnd.docker.attestation.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: EMPTY_JSON_DIGEST, size: 2, data: 'e30=' },
  layers: [
    { mediaType: 'application/vnd.in-toto+json', digest: d('provenance statement'), size: 5321, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v1' } },
    { mediaType: 'application/vnd.in-toto+json', digest: d('spdx statement'), size: 91234, annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } },
  ],
  subject: { mediaType: OCI_MANIFEST, digest: AMD64, size: 1609 },
  annotations: { 'org.opencontainers.image.created': '2025-06-01T10:00:00Z' },
};

const dockerImageManifest = {
  schemaVersion: 2,
  mediaType: DOCKER_MANIFEST,
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1472, digest: d('config') },
  layers: [
    { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 3623807, digest: d('layer 1') },
    { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 32, digest: d('layer 2') },
  ],
};

/** What distribution stored for images pushed by Docker before 1.10. */
const schema1Manifest = {
  schemaVersion: 1,
  name: 'library/hello-world',
  tag: 'latest',
  architecture: 'amd64',
  fsLayers: [{ blobSum: d('layer') }],
  history: [{ v1Compatibility: '{"id":"abc"}' }],
  signatures: [{ header: { alg: 'ES256' }, signature: 'x', protected: 'y' }],
};

describe('unit: manifest media types', () => {
  it('asks for all four types, the OCI index first', () => {
    assert.deepEqual(MANIFEST_MEDIA_TYPES, [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST]);
    assert.ok(Object.isFrozen(MANIFEST_MEDIA_TYPES));
  });
});

describe('unit: parseManifest, real shapes', () => {
  it('reads a BuildKit multi-platform index with attestation manifests', () => {
    const index = parseIndex(buildkitIndex, OCI_INDEX);
    assert.equal(index.mediaType, OCI_INDEX);
    assert.equal(index.manifests.length, 4);
    assert.deepEqual(index.manifests[1], { mediaType: OCI_MANIFEST, digest: ARM64, size: 1609, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    assert.deepEqual(
      platformEntries(index).map((e) => [formatPlatform(e.platform!), e.digest]),
      [
        ['linux/amd64', AMD64],
        ['linux/arm64/v8', ARM64],
      ],
    );
    const attestations = attestationEntries(index);
    assert.deepEqual(
      attestations.map((e) => [e.digest, attestedDigest(e)]),
      [
        [d('attestation for amd64'), AMD64],
        [d('attestation for arm64'), ARM64],
      ],
    );
  });

  it('reads a Docker manifest list, Windows os.version included', () => {
    const index = parseIndex(dockerManifestList, DOCKER_LIST);
    assert.equal(index.mediaType, DOCKER_LIST);
    assert.deepEqual(
      platformEntries(index).map((e) => formatPlatform(e.platform!)),
      ['linux/amd64', 'linux/arm/v7', 'linux/arm64/v8', 'windows(10.0.17763.5820)/amd64'],
    );
    assert.deepEqual(index.manifests[3]?.platform, { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763.5820' });
    assert.deepEqual(attestationEntries(index), []);
  });

  it('reads an OCI artifact manifest with subject and artifactType', () => {
    assert.equal(sha256Digest(bytes('{}')), EMPTY_JSON_DIGEST);
    const parsed = parse(artifactManifest, OCI_MANIFEST);
    assert.deepEqual(parsed, {
      kind: 'image',
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: EMPTY_JSON_DIGEST, size: 2 },
      layers: [
        { mediaType: 'application/vnd.in-toto+json', digest: d('provenance statement'), size: 5321, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v1' } },
        { mediaType: 'application/vnd.in-toto+json', digest: d('spdx statement'), size: 91234, annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } },
      ],
      subject: { mediaType: OCI_MANIFEST, digest: AMD64, size: 1609 },
      artifactType: 'application/vnd.docker.attestation.manifest.v1+json',
      annotations: { 'org.opencontainers.image.created': '2025-06-01T10:00:00Z' },
    });
  });

  it('reads a Docker image manifest', () => {
    const parsed = parse(dockerImageManifest, DOCKER_MANIFEST);
    assert.equal(parsed.kind, 'image');
    if (parsed.kind !== 'image') return;
    assert.equal(parsed.mediaType, DOCKER_MANIFEST);
    assert.equal(parsed.config.digest, d('config'));
    assert.deepEqual(
      parsed.layers.map((l) => l.size),
      [3623807, 32],
    );
    assert.equal(parsed.subject, undefined);
    assert.ok(!('annotations' in parsed) && !('artifactType' in parsed));
  });

  for (const [name, contentType, body] of [
    ['prettyjws header', SCHEMA1_SIGNED, schema1Manifest],
    ['v1+json header', 'application/vnd.docker.distribution.manifest.v1+json', schema1Manifest],
    ['generic header', 'application/json', schema1Manifest],
    ['no header', undefined, schema1Manifest],
    ['schema 1 named in the body', undefined, { ...schema1Manifest, schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v1+json' }],
  ] as const) {
    it(`refuses a schema 1 manifest (${name}) and says so`, () => {
      assert.throws(() => parse(body, contentType), (e: unknown) => e instanceof ManifestFormatError && e.name === 'ManifestFormatError' && /schema 1 is not supported/.test(e.message));
    });
  }
});

describe('unit: parseManifest, which media type', () => {
  const index = { schemaVersion: 2, manifests: [] };
  const image = { schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('c'), size: 2 }, layers: [] };
  // [name, body, Content-Type, expected media type, or a pattern for the error]
  const cases: [string, object, string | undefined, string | RegExp][] = [
    ['body and header agree', { ...index, mediaType: OCI_INDEX }, OCI_INDEX, OCI_INDEX],
    ['body wins over a generic header', { ...index, mediaType: DOCKER_LIST }, 'application/json', DOCKER_LIST],
    ['body wins over another of the four', { ...index, mediaType: OCI_INDEX }, OCI_MANIFEST, OCI_INDEX],
    ['header parameters and case ignored', image, 'Application/VND.OCI.image.manifest.v1+json; charset=utf-8', OCI_MANIFEST],
    ['header alone (Docker v2 without mediaType)', image, DOCKER_MANIFEST, DOCKER_MANIFEST],
    ['no header, no mediaType: an index by its shape (OCI 1.0)', index, undefined, OCI_INDEX],
    ['no header, no mediaType: a manifest by its shape', image, undefined, OCI_MANIFEST],
    ['empty header counts as none', image, '', OCI_MANIFEST],
    ['no header, both shapes', { ...image, manifests: [] }, undefined, /do not tell an index from an image manifest/],
    ['no header, neither shape', { schemaVersion: 2 }, undefined, /do not tell an index from an image manifest/],
    ['generic header, no mediaType', image, 'application/json', /media type "application\/json" is not one of the four/],
    ['unknown in body and header', { ...image, mediaType: 'application/vnd.oci.artifact.manifest.v1+json' }, 'application/vnd.oci.artifact.manifest.v1+json', /"application\/vnd\.oci\.artifact\.manifest\.v1\+json"/],
    ['unknown body beats a known header', { ...image, mediaType: 'application/vnd.example+json' }, OCI_MANIFEST, /"application\/vnd\.example\+json"/],
    ['mediaType not a string', { ...image, mediaType: 7 }, OCI_MANIFEST, /mediaType is a number/],
  ];
  for (const [name, body, contentType, expected] of cases) {
    it(name, () => {
      if (typeof expected === 'string') assert.equal(parse(body, contentType).mediaType, expected);
      else assert.throws(() => parse(body, contentType), (e: unknown) => e instanceof ManifestFormatError && expected.test(e.message));
    });
  }
});

describe('unit: parseManifest, malformed', () => {
  const desc = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ mediaType: OCI_MANIFEST, digest: d('x'), size: 10, ...over });
  const indexWith = (entry: unknown): object => ({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry] });
  const imageWith = (over: Record<string, unknown>): object => ({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: desc(), layers: [desc()], ...over });
  // [name, body (an object is JSON-encoded), pattern the message must match]
  const cases: [string, unknown, RegExp][] = [
    ['empty body', '', /is empty/],
    ['truncated JSON', '{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manif', /not valid JSON/],
    ['trailing garbage', '{"schemaVersion": 2} x', /not valid JSON/],
    ['an array', [], /not a JSON object \(found an array\)/],
    ['null', 'null', /not a JSON object \(found null\)/],
    ['a string', '"manifest"', /not a JSON object \(found a string\)/],
    ['schemaVersion missing', { mediaType: OCI_INDEX, manifests: [] }, /no schemaVersion/],
    ['schemaVersion 3', { schemaVersion: 3, mediaType: OCI_INDEX, manifests: [] }, /schemaVersion is 3, not 2/],
    ['schemaVersion as a string', { schemaVersion: '2', mediaType: OCI_INDEX, manifests: [] }, /schemaVersion is "2", not 2/],
    ['index without manifests', { schemaVersion: 2, mediaType: OCI_INDEX }, /has no manifests/],
    ['index with manifests null', { schemaVersion: 2, mediaType: OCI_INDEX, manifests: null }, /has no manifests/],
    ['manifests not an array', { schemaVersion: 2, mediaType: OCI_INDEX, manifests: {} }, /manifests is an object, not an array/],
    ['an index shaped as a manifest', imageWith({ mediaType: OCI_INDEX }), /has no manifests/],
    ['manifest without config', imageWith({ config: undefined }), /has no config/],
    ['manifest without layers', imageWith({ layers: undefined }), /has no layers/],
    ['config a string', imageWith({ config: d('c') }), /config is a string, not an object/],
    ['layers an object', imageWith({ layers: desc() }), /layers is an object, not an array/],
    ['entry not an object', indexWith('sha256:abc'), /manifests\[0\] is a string/],
    ['entry without digest', indexWith(desc({ digest: undefined })), /no manifests\[0\]\.digest/],
    ['entry without mediaType', indexWith(desc({ mediaType: undefined })), /no manifests\[0\]\.mediaType/],
    ['entry without size', indexWith(desc({ size: undefined })), /no manifests\[0\]\.size/],
    ['digest without algorithm', indexWith(desc({ digest: createHash('sha256').update('x').digest('hex') })), /manifests\[0\]\.digest .* is not a digest/],
    ['digest with short hex', indexWith(desc({ digest: 'sha256:abc' })), /is not a digest/],
    ['digest in uppercase hex', indexWith(desc({ digest: d('x').toUpperCase().replace('SHA256', 'sha256') })), /is not a digest/],
    ['digest with a path', indexWith(desc({ digest: 'sha256:../../etc/passwd' })), /is not a digest/],
    ['digest a number', indexWith(desc({ digest: 42 })), /digest is a number, not a string/],
    ['negative size', indexWith(desc({ size: -1 })), /manifests\[0\]\.size is -1, not a size in bytes/],
    ['fractional size', indexWith(desc({ size: 1.5 })), /size is 1\.5,/],
    ['size as a string', indexWith(desc({ size: '10' })), /size is a string/],
    ['size beyond 2^53', indexWith(desc({ size: 2 ** 53 })), /not a size/],
    ['platform without os', indexWith(desc({ platform: { architecture: 'amd64' } })), /no manifests\[0\]\.platform\.os/],
    ['platform not an object', indexWith(desc({ platform: 'linux/amd64' })), /platform is a string/],
    ['variant a number', indexWith(desc({ platform: { os: 'linux', architecture: 'arm', variant: 7 } })), /platform\.variant is a number/],
    ['annotation value not a string', indexWith(desc({ annotations: { 'vnd.docker.reference.type': 1 } })), /annotations\["vnd\.docker\.reference\.type"\] is a number/],
    ['annotations an array', imageWith({ annotations: [] }), /annotations is an array/],
    ['subject malformed', imageWith({ subject: desc({ size: -5 }) }), /subject\.size/],
    ['artifactType not a string', imageWith({ artifactType: {} }), /artifactType is an object/],
    ['layer digest malformed', imageWith({ layers: [desc(), desc({ digest: 'sha256:' })] }), /layers\[1\]\.digest/],
  ];
  for (const [name, body, pattern] of cases) {
    it(name, () => {
      assert.throws(() => parse(body, OCI_INDEX), (e: unknown) => e instanceof ManifestFormatError && pattern.test(e.message));
    });
  }

  it('refuses bytes that are not UTF-8', () => {
    assert.throws(() => parseManifest(new Uint8Array([0x7b, 0xff, 0x7d]), OCI_INDEX), /not UTF-8/);
  });

  it('never echoes more than a short piece of the body', () => {
    const long = 'x'.repeat(5000);
    const bodies: [unknown, string][] = [
      [`{"schemaVersion": 2, "mediaType": "${long}`, 'application/json'],
      [{ schemaVersion: 2, mediaType: `application/${long}`, manifests: [] }, 'application/json'],
      [{ schemaVersion: 2, manifests: [] }, `application/${long}`],
      [{ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [desc({ digest: `sha256:${long}` })] }, OCI_INDEX],
      [{ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [desc({ annotations: { [long]: 1 } })] }, OCI_INDEX],
    ];
    for (const [body, contentType] of bodies) {
      assert.throws(
        () => parse(body, contentType),
        (e: unknown) => e instanceof ManifestFormatError && !e.message.includes('x'.repeat(100)) && e.message.length < 400,
      );
    }
  });

  it('does not quote invalid JSON (V8 would)', () => {
    assert.throws(() => parse('{"schemaVersion": 2, "token-like-text" oops}', OCI_INDEX), (e: unknown) => e instanceof ManifestFormatError && !e.message.includes('token-like-text'));
  });
});

describe('unit: parseManifest, tolerated', () => {
  it('treats null optional fields as absent, as Go decoders write them', () => {
    const parsed = parse({ schemaVersion: 2, mediaType: OCI_INDEX, annotations: null, subject: null, manifests: [{ mediaType: OCI_MANIFEST, digest: AMD64, size: 1, platform: null, annotations: null }] });
    assert.deepEqual(parsed, { kind: 'index', mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: AMD64, size: 1 }] });
  });

  it('accepts an empty index, an empty layer list and unknown fields', () => {
    assert.deepEqual(parse({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [], extra: { x: 1 } }), { kind: 'index', mediaType: OCI_INDEX, manifests: [] });
    const image = parse({ ...dockerImageManifest, layers: [] });
    assert.ok(image.kind === 'image' && image.layers.length === 0);
  });

  it('accepts a layer digest of an algorithm it cannot verify, by the OCI grammar', () => {
    const digest = `blake3:${'a'.repeat(64)}`;
    const image = parse({ ...dockerImageManifest, layers: [{ mediaType: 'application/octet-stream', digest, size: 3 }] });
    assert.ok(image.kind === 'image' && image.layers[0]?.digest === digest);
    assert.equal(verifyDigest(bytes('abc'), digest), false);
  });

  it('keeps a "__proto__" annotation as an annotation', () => {
    const parsed = parse('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"annotations":{"__proto__":"x","a":"b"}}');
    assert.ok(parsed.kind === 'index');
    assert.equal(Object.getPrototypeOf(parsed.annotations), Object.prototype);
    assert.deepEqual(Object.entries(parsed.annotations ?? {}), [
      ['__proto__', 'x'],
      ['a', 'b'],
    ]);
  });

  it('reads a body with a byte-order mark', () => {
    const raw = bytes(buildkitIndex);
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...raw]);
    assert.equal(parseManifest(withBom, OCI_INDEX).kind, 'index');
  });
});

describe('unit: platform and attestation entries', () => {
  const entry = (label: string, platform?: Platform, annotations?: Record<string, string>, artifactType?: string): Descriptor => ({
    mediaType: OCI_MANIFEST,
    digest: d(label),
    size: 100,
    ...(platform && { platform }),
    ...(annotations && { annotations }),
    ...(artifactType && { artifactType }),
  });
  const unknown: Platform = { os: 'unknown', architecture: 'unknown' };
  const index: ParsedIndex = {
    kind: 'index',
    mediaType: OCI_INDEX,
    manifests: [
      entry('amd64', { os: 'linux', architecture: 'amd64' }),
      entry('attestation', unknown, { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': d('amd64') }),
      entry('legacy attestation', unknown, { 'vnd.docker.reference.type': 'attestation-manifest', 'com.docker.reference.digest': d('amd64') }),
      entry('other reference type', { os: 'linux', architecture: 'amd64' }, { 'vnd.docker.reference.type': 'signature' }),
      entry('bare unknown/unknown', unknown),
      entry('no platform'),
      entry('oci artifact attestation', undefined, undefined, 'application/vnd.docker.attestation.manifest.v1+json'),
      entry('other artifact', { os: 'linux', architecture: 'amd64' }, undefined, 'application/vnd.example.sig'),
      entry('unknown os only', { os: 'unknown', architecture: 'amd64' }),
      entry('s390x', { os: 'linux', architecture: 's390x' }),
    ],
  };

  it('platforms: real images only', () => {
    assert.deepEqual(
      platformEntries(index).map((e) => e.digest),
      [d('amd64'), d('unknown os only'), d('s390x')],
    );
  });

  it('attestations: both BuildKit forms, never another reference type', () => {
    assert.deepEqual(
      attestationEntries(index).map((e) => [e.digest, attestedDigest(e)]),
      [
        [d('attestation'), d('amd64')],
        [d('legacy attestation'), d('amd64')],
        [d('oci artifact attestation'), undefined],
      ],
    );
  });

  it('no entry is both', () => {
    const platforms = new Set(platformEntries(index));
    for (const a of attestationEntries(index)) assert.ok(!platforms.has(a));
  });
});

describe('unit: formatPlatform', () => {
  const cases: [Platform, string][] = [
    [{ os: 'linux', architecture: 'amd64' }, 'linux/amd64'],
    [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, 'linux/arm64/v8'],
    [{ os: 'linux', architecture: 'arm', variant: 'v6' }, 'linux/arm/v6'],
    [{ os: 'linux', architecture: 'amd64', variant: '' }, 'linux/amd64'],
    [{ os: 'windows', architecture: 'amd64', osVersion: '10.0.20348.2340' }, 'windows(10.0.20348.2340)/amd64'],
    [{ os: 'windows', architecture: 'amd64', osVersion: '' }, 'windows/amd64'],
    [{ os: 'unknown', architecture: 'unknown' }, 'unknown/unknown'],
    [{ os: '', architecture: 'amd64' }, 'unknown'],
  ];
  for (const [platform, expected] of cases) it(expected, () => assert.equal(formatPlatform(platform), expected));
});

describe('unit: digests', () => {
  // FIPS 180-2 / NIST test vectors.
  const EMPTY_SHA256 = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  const ABC_SHA256 = 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  const ABC_SHA384 = 'sha384:cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7';
  const ABC_SHA512 = 'sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';
  const abc = bytes('abc');

  it('sha256Digest', () => {
    assert.equal(sha256Digest(new Uint8Array()), EMPTY_SHA256);
    assert.equal(sha256Digest(abc), ABC_SHA256);
  });

  const cases: [name: string, input: Uint8Array, digest: string, expected: boolean][] = [
    ['sha256 of ""', new Uint8Array(), EMPTY_SHA256, true],
    ['sha256 of "abc"', abc, ABC_SHA256, true],
    ['sha384 of "abc"', abc, ABC_SHA384, true],
    ['sha512 of "abc"', abc, ABC_SHA512, true],
    ['other bytes', bytes('abd'), ABC_SHA256, false],
    ['one hex digit off', abc, ABC_SHA256.replace(/d$/, 'e'), false],
    ['uppercase hex', abc, `sha256:${ABC_SHA256.slice(7).toUpperCase()}`, false],
    ['uppercase algorithm', abc, ABC_SHA256.replace('sha256', 'SHA256'), false],
    ['sha256 label on a sha512 hash', abc, `sha256:${ABC_SHA512.slice(7)}`, false],
    ['truncated hex', abc, ABC_SHA256.slice(0, 40), false],
    ['trailing newline', abc, `${ABC_SHA256}\n`, false],
    ['no algorithm', abc, ABC_SHA256.slice(7), false],
    ['unsupported algorithm md5', abc, 'md5:900150983cd24fb0d6963f7d28e17f72', false],
    ['empty digest', abc, '', false],
    ['path traversal', abc, 'sha256:../../etc/passwd', false],
  ];
  for (const [name, input, digest, expected] of cases) it(`verifyDigest: ${name}`, () => assert.equal(verifyDigest(input, digest), expected));
});
