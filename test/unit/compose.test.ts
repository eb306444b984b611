import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCompose } from '../../src/compose/parseCompose';
import { parseEnvFile } from '../../src/compose/envFile';
import { interpolate } from '../../src/compose/interpolate';
import type { BuildFile, ImageUse, Range } from '../../src/model/buildFile';
import { formatMessage } from '../../src/model/messages';

// Expected values are written by hand from the Compose specification (interpolation, build, extends,
// merge) and compose-go's dotenv rules; columns were counted on the lines quoted beside them.

const at = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

function summarize(use: ImageUse): string {
  const pin = use.pin.pinnable ? `pin "${use.pin.text}" @${at(use.pin.range)}` : `not ${use.pin.reason.kind}${'variable' in use.pin.reason ? `(${use.pin.reason.variable})` : ''}`;
  return `${use.kind} "${use.text}" @${at(use.range)} → ${use.resolved ?? '?'} | ${pin}`;
}

describe('Compose interpolation', () => {
  const env: Record<string, string> = { SET: 'value', EMPTY: '', TAG: '1.4', NESTED: 'TAG' };
  const lookup = (name: string) => env[name];
  const cases: [text: string, value: string, extra?: { unset?: string[]; error?: string }][] = [
    ['plain text', 'plain text'],
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['a${SET}b$SET.c', 'avaluebvalue.c'],
    ['${UNSET}', '', { unset: ['UNSET'] }],
    ['$UNSET', '', { unset: ['UNSET'] }],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${UNSET-fallback}', 'fallback'],
    ['${SET:-fallback}', 'value'],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${UNSET:-${TAG}}', '1.4'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['node:${TAG:-22}-slim', 'node:1.4-slim'],
    ['$$SET', '$SET'],
    ['$${SET}', '${SET}'],
    ['cost: 5$', 'cost: 5$'],
    ['$1', '$1'],
    ['${SET:?must be set}', 'value'],
    ['${UNSET:?must be set}', '', { error: 'UNSET: must be set' }],
    ['${EMPTY:?}', '', { error: 'required variable EMPTY is missing a value' }],
    ['${EMPTY?}', ''],
    ['${UNSET?oops}', '', { error: 'UNSET: oops' }],
    ['${SET', '${SET', { error: 'Invalid template: "${SET" is never closed.' }],
    ['${}', '', { error: 'Invalid template: "${}".' }],
  ];
  for (const [text, value, extra] of cases) {
    it(`${JSON.stringify(text)} → ${JSON.stringify(value)}`, () => {
      const result = interpolate(text, lookup);
      assert.equal(result.value, value);
      assert.deepEqual(result.unset, extra?.unset ?? []);
      assert.equal(result.error?.message, extra?.error);
    });
  }
  it('never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => typeof interpolate(text, lookup).value === 'string'), { numRuns: 2000 });
  });
});

describe('.env files', () => {
  it('reads values the way compose-go does', () => {
    const text = [
      '# comment',
      'TAG=1.4.2',
      'export REGISTRY=ghcr.io/acme',
      "SINGLE='kept ${TAG} as is'",
      'DOUBLE="line\\nbreak ${TAG}"',
      'INLINE=value # a comment',
      'HASH=a#b',
      'SPACED =  padded  ',
      'IMAGE=${REGISTRY}/api:${TAG}',
      'MULTI="first',
      'second"',
      'EMPTY=',
      '1BAD=x',
    ].join('\n');
    const { values, problems } = parseEnvFile(text);
    assert.deepEqual(Object.fromEntries(values), {
      TAG: '1.4.2',
      REGISTRY: 'ghcr.io/acme',
      SINGLE: 'kept ${TAG} as is',
      DOUBLE: 'line\nbreak 1.4.2',
      INLINE: 'value',
      HASH: 'a#b',
      SPACED: 'padded',
      IMAGE: 'ghcr.io/acme/api:1.4.2',
      MULTI: 'first\nsecond',
      EMPTY: '',
    });
    assert.deepEqual(problems, [{ line: 12, message: 'Invalid variable name "1BAD".' }]);
  });
});

describe('Compose model', () => {
  const compose = [
    '# compose.yaml', //                                  0
    'name: shop',
    'services:',
    '  web:',
    '    image: nginx:1.27-alpine', //                     4: image at 11..28
    '    ports: ["8080:80"]',
    '  db:',
    '    image: "postgres:16"', //                         7: quoted, value at 12..23
    '  cache:',
    '    image: ${REDIS_IMAGE:-redis:7.4}', //             9: 11..36 (25 characters)
    '  api:',
    '    image: ghcr.io/acme/api:${TAG}', //              11: 11..34 (23 characters), the build's output
    '    build:',
    '      context: ./api',
    '      dockerfile: Dockerfile.prod',
    '      args:',
    '        GO_VERSION: "1.23"', //                      16: value at 21..25
    '        BASE_IMAGE: golang:1.23-alpine', //          17: 20..38
    '      additional_contexts:',
    '        certs: docker-image://alpine:3.20', //       19: value at 15, image at 30..41
    '        tools: ./tools',
    '  worker:',
    '    build: ./worker',
    '    profiles: [jobs]',
    '  queue:',
    '    image: rabbitmq:${MISSING}', //                  25: 11..30
    '',
  ].join('\n');
  const files: Record<string, string> = { '/p/compose.yaml': compose, '/p/.env': 'TAG=1.4.2\n' };
  const readFile = (path: string) => files[path];

  it('lists services and the images they pull, with states and exact ranges', () => {
    const file = parseCompose('/p/compose.yaml', compose, { readFile });
    assert.deepEqual(file.units.map((u) => u.name), ['web', 'db', 'cache', 'api', 'worker', 'queue']);
    assert.deepEqual(file.uses.map(summarize), [
      'compose-image "nginx:1.27-alpine" @4:11-4:28 → nginx:1.27-alpine | pin "nginx:1.27-alpine" @4:11-4:28',
      'compose-image "postgres:16" @7:12-7:23 → postgres:16 | pin "postgres:16" @7:12-7:23',
      'compose-image "${REDIS_IMAGE:-redis:7.4}" @9:11-9:36 → redis:7.4 | not interpolated(REDIS_IMAGE)',
      'compose-image "ghcr.io/acme/api:${TAG}" @11:11-11:34 → ghcr.io/acme/api:1.4.2 | not buildOutput',
      'compose-context "alpine:3.20" @19:30-19:41 → alpine:3.20 | pin "alpine:3.20" @19:30-19:41',
      'compose-image "rabbitmq:${MISSING}" @25:11-25:30 → ? | not unresolved(MISSING)',
    ]);
    assert.deepEqual(file.uses.map((u) => u.unit), [0, 1, 2, 3, 3, 5]);
    assert.deepEqual(file.diagnostics, []);
  });

  it('links builds to their Dockerfiles with args and contexts, and where each value is written', () => {
    const file = parseCompose('/p/compose.yaml', compose, { readFile });
    const [api, worker] = file.builds ?? [];
    assert.equal(api?.unit, 3);
    assert.equal(api?.dockerfile, '/p/api/Dockerfile.prod');
    assert.deepEqual(api?.args, {
      GO_VERSION: { value: '1.23', site: { file: '/p/compose.yaml', range: { start: { line: 16, character: 21 }, end: { line: 16, character: 25 } }, text: '1.23' } },
      BASE_IMAGE: { value: 'golang:1.23-alpine', site: { file: '/p/compose.yaml', range: { start: { line: 17, character: 20 }, end: { line: 17, character: 38 } }, text: 'golang:1.23-alpine' } },
    });
    assert.deepEqual(api?.contexts, {
      certs: { kind: 'image', value: 'alpine:3.20', site: { file: '/p/compose.yaml', range: { start: { line: 19, character: 30 }, end: { line: 19, character: 41 } }, text: 'alpine:3.20' } },
      tools: { kind: 'local', value: './tools' },
    });
    assert.equal(worker?.unit, 4);
    assert.equal(worker?.dockerfile, '/p/worker/Dockerfile');
    assert.ok(file.dependencies?.includes('/p/.env'));
    assert.ok(file.dependencies?.includes('/p/compose.override.yaml'));
  });

  it('takes values from the environment setting before .env', () => {
    const file = parseCompose('/p/compose.yaml', compose, { readFile, environment: { TAG: '2.0', MISSING: '4.0' } });
    assert.equal(file.uses[3]?.resolved, 'ghcr.io/acme/api:2.0');
    assert.equal(file.uses[5]?.resolved, 'rabbitmq:4.0');
  });

  it('merges the override file: a build added there turns the base file image into the output', () => {
    const base = 'services:\n  app:\n    image: node:22\n  db:\n    image: postgres:16\n';
    const override = 'services:\n  app:\n    build: .\n';
    const files2: Record<string, string> = { '/p/compose.yaml': base, '/p/compose.override.yaml': override };
    const read = (p: string) => files2[p];
    const baseFile = parseCompose('/p/compose.yaml', base, { readFile: read });
    assert.deepEqual(baseFile.uses.map(summarize), [
      'compose-image "node:22" @2:11-2:18 → node:22 | not buildOutput',
      'compose-image "postgres:16" @4:11-4:22 → postgres:16 | pin "postgres:16" @4:11-4:22',
    ]);
    const overrideFile = parseCompose('/p/compose.override.yaml', override, { readFile: read });
    assert.deepEqual(overrideFile.units.map((u) => u.name), ['app']);
    assert.deepEqual(overrideFile.uses, []);
    assert.equal(overrideFile.builds?.[0]?.dockerfile, '/p/Dockerfile');
  });

  it('follows extends in the same file and in another, and reports cycles', () => {
    const text = [
      'services:',
      '  base:',
      '    build:',
      '      context: .',
      '      args: [BASE=python:3.12-slim]', // 4: list form; the item at 13, its value after "BASE=" at 18..34
      '  app:',
      '    extends: base',
      '    image: acme/app:dev', //            7: 11..23
      '  remote:',
      '    extends: { file: common/compose.yaml, service: shared }',
      '  a:',
      '    extends: b',
      '  b:',
      '    extends: a',
      '    image: busybox:1.36',
    ].join('\n');
    const common = 'services:\n  shared:\n    image: redis:7.4\n';
    const read = (p: string) => ({ '/p/common/compose.yaml': common })[p];
    const file = parseCompose('/p/compose.yaml', text, { readFile: read });
    assert.deepEqual(file.units.map((u) => u.name), ['base', 'app', 'remote', 'a', 'b']);
    // busybox is written once, under b; a extends b, so it is listed for both services.
    assert.deepEqual(file.uses.map((u) => `${u.unit} ${summarize(u)}`), [
      '1 compose-image "acme/app:dev" @7:11-7:23 → acme/app:dev | not buildOutput',
      '3 compose-image "busybox:1.36" @14:11-14:23 → busybox:1.36 | pin "busybox:1.36" @14:11-14:23',
      '4 compose-image "busybox:1.36" @14:11-14:23 → busybox:1.36 | pin "busybox:1.36" @14:11-14:23',
    ]);
    // remote's image is written in common/compose.yaml: that file lists it, not this one
    assert.deepEqual(file.builds?.map((b) => [b.unit, b.args.BASE?.value, b.args.BASE?.site && at(b.args.BASE.site.range)]), [
      [0, 'python:3.12-slim', '4:18-4:34'],
      [1, 'python:3.12-slim', '4:18-4:34'],
    ]);
    assert.deepEqual(file.diagnostics.map((d) => [d.code, at(d.range)]).sort(), [
      ['compose-extends-cycle', '11:13-11:14'],
      ['compose-extends-cycle', '13:13-13:14'],
    ]);
    assert.ok(file.dependencies?.includes('/p/common/compose.yaml'));
  });

  it('expands YAML merge keys and aliases, as Compose files use them for shared settings', () => {
    const text = [
      'x-build: &build', //                          0
      '  build:',
      '    context: .',
      '    args:',
      '      BASE: node:22-slim', //                   4: value at 12..24
      'x-image: &image redis:7.4', //                 5: the anchored scalar at 16..25
      'services:',
      '  web:',
      '    <<: *build',
      '    image: acme/web:dev',
      '  cache:',
      '    image: *image',
      '  tools:',
      '    <<: [*build]',
      '    build:', //                                 own build wins over the merged one
      '      context: tools',
    ].join('\n');
    const file = parseCompose('/p/compose.yaml', text);
    assert.deepEqual(file.uses.map(summarize), [
      'compose-image "acme/web:dev" @9:11-9:23 → acme/web:dev | not buildOutput',
      // the alias's value is written at the anchor: that is where a pin goes
      'compose-image "redis:7.4" @5:16-5:25 → redis:7.4 | pin "redis:7.4" @5:16-5:25',
    ]);
    assert.deepEqual(file.builds?.map((b) => [file.units[b.unit]?.name, b.dockerfile, b.args.BASE?.value, b.args.BASE?.site && at(b.args.BASE.site.range)]), [
      ['web', '/p/Dockerfile', 'node:22-slim', '4:12-4:24'],
      ['tools', '/p/tools/Dockerfile', undefined, undefined],
    ]);
  });

  it('keeps scalars as written: 1.20 is the text "1.20", not the number 1.2', () => {
    const text = ['services:', '  app:', '    build:', '      context: .', '      args:', '        GO_VERSION: 1.20', '        DEBUG: true', '        EMPTY:', '    image: app:1.10'].join('\n');
    const file = parseCompose('/p/compose.yaml', text);
    assert.deepEqual(Object.fromEntries(Object.entries(file.builds![0]!.args).map(([k, v]) => [k, v.value])), { GO_VERSION: '1.20', DEBUG: 'true' });
    assert.equal(file.uses[0]?.resolved, 'app:1.10');
  });

  it('lists included files and service profiles', () => {
    const text = ['include:', '  - infra/db.yaml', '  - path: [monitoring/compose.yaml, monitoring/extra.yaml]', 'services:', '  jobs:', '    image: busybox:1.36', '    profiles: [batch, nightly]'].join('\n');
    const file = parseCompose('/p/compose.yaml', text);
    assert.deepEqual(file.includes, ['/p/infra/db.yaml', '/p/monitoring/compose.yaml', '/p/monitoring/extra.yaml']);
    assert.deepEqual(file.units.map((u) => [u.name, u.profiles]), [['jobs', ['batch', 'nightly']]]);
  });

  it('reports a key said twice', () => {
    const file = parseCompose('/p/compose.yaml', 'services:\n  web:\n    image: a:1\n    image: b:2\n');
    assert.deepEqual(file.diagnostics.map((d) => [d.code, at(d.range)]), [['yaml-syntax', '3:4-3:9']]);
  });

  it('keeps what a broken file says, with a diagnostic', () => {
    const text = 'services:\n  web:\n    image: nginx:1.27\n  db: [unclosed\n';
    const file = parseCompose('/p/compose.yaml', text);
    assert.deepEqual(file.uses.map((u) => u.resolved), ['nginx:1.27']);
    assert.ok(file.diagnostics.some((d) => d.code === 'yaml-syntax'), JSON.stringify(file.diagnostics));
  });

  it('reports an unclosed quote once, as the YAML error, not also as an invalid image reference', () => {
    // The quote never closes: the scalar runs on over the next lines ("nginx:1.27 db: image: postgres").
    // compose-go stops at the YAML error (loader/loader.go ParseYAML: yaml.Unmarshal fails, nothing is
    // validated after it), so that error is the only one a user should see.
    const text = 'services:\n  web:\n    image: "nginx:1.27\n  db:\n    image: postgres\n';
    const file = parseCompose('/p/compose.yaml', text);
    assert.deepEqual(file.diagnostics.map((d) => [d.code, formatMessage(d.message)]), [['yaml-syntax', 'YAML error: Missing closing "quote']]);
    // The value is still not an image: not pinnable, and said why in the tree.
    assert.deepEqual(file.uses.map((u) => [u.resolved, u.pin.pinnable ? 'pinnable' : u.pin.reason.kind]), [['nginx:1.27 db: image: postgres', 'invalid']]);
    // A reference that is wrong in a well-formed file is still reported.
    const spaced = parseCompose('/p/compose.yaml', 'services:\n  web:\n    image: "nginx 1.27"\n');
    assert.deepEqual(spaced.diagnostics.map((d) => [d.code, formatMessage(d.message)]), [['invalid-reference', 'An image reference cannot contain white space.']]);
  });

  it('survives hostile YAML: multiplying merge keys, deep nesting, deep interpolation', () => {
    const levels = ['x-l0: &l0 {image: a}'];
    for (let n = 1; n <= 6; n++) levels.push(`x-l${n}: &l${n} {<<: [${Array(8).fill(`*l${n - 1}`).join(', ')}]}`);
    const bomb = [...levels, 'services:', '  web: {<<: *l6}'].join('\n');
    assert.equal(parseCompose('/p/compose.yaml', bomb).uses[0]?.resolved, 'a');
    const deep = parseCompose('/p/compose.yaml', 'services:\n  web:\n    image: ' + '['.repeat(5000));
    assert.ok(deep.diagnostics.length > 0);
    const nested = parseCompose('/p/compose.yaml', 'services:\n  web:\n    image: ' + '${A:-'.repeat(5000) + 'x' + '}'.repeat(5000));
    assert.ok(Array.isArray(nested.uses));
  });

  it('removes a field with !reset or null, and resolves extends paths from the file that writes them', () => {
    const base = 'services:\n  shared:\n    build:\n      context: ./app\n';
    const text = ['services:', '  app:', '    extends: { file: sub/base.yml, service: shared }', '    build:', '      args: { A: "1" }', '  plain:', '    extends: app', '    build: !reset null', '    image: nginx:1.27'].join('\n');
    const file = parseCompose('/w/compose.yaml', text, { readFile: (p) => (p === '/w/sub/base.yml' ? base : undefined) });
    // context ./app is written in sub/base.yml: it is /w/sub/app
    assert.deepEqual(file.builds?.map((b) => [file.units[b.unit]?.name, b.dockerfile, b.args.A?.value]), [['app', '/w/sub/app/Dockerfile', '1']]);
    // plain resets the build it extends: its image is a base again
    assert.equal(file.uses.find((u) => u.resolved === 'nginx:1.27')?.pin.pinnable, true);
  });

  it('never throws on arbitrary or mutated input', () => {
    const check = (text: string): boolean => {
      const file: BuildFile = parseCompose('/p/compose.yaml', text, { readFile });
      return Array.isArray(file.uses);
    };
    fc.assert(fc.property(fc.string({ maxLength: 200 }), check), { numRuns: 500 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: compose.length }), fc.integer({ min: 0, max: 20 }), fc.string({ maxLength: 8 }), (at, cut, insert) => check(compose.slice(0, at) + insert + compose.slice(at + cut))),
      { numRuns: 1000 },
    );
  });
});
