import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { bearerChallenge, parseWwwAuthenticate, type Challenge } from '../../src/registry/authChallenge';

// Expected values are written by hand from RFC 9110 §11.6.1 (challenge, auth-param, token68,
// quoted-string), its examples and those of RFC 7617 (Basic), RFC 6750 (Bearer) and RFC 7616
// (Digest), and from headers as real registries send them.

function ch(scheme: string, params: Record<string, string> = {}, token68?: string): Challenge {
  return token68 === undefined ? { scheme, params } : { scheme, params, token68 };
}

type Case = [title: string, input: string | readonly string[], expected: Challenge[]];

const registries: Case[] = [
  [
    'Docker Hub',
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"',
    [ch('bearer', { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/node:pull' })],
  ],
  [
    'Docker Hub, insufficient_scope error',
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull",error="insufficient_scope"',
    [
      ch('bearer', {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/node:pull',
        error: 'insufficient_scope',
      }),
    ],
  ],
  [
    'GHCR',
    'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:owner/repo:pull"',
    [ch('bearer', { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:owner/repo:pull' })],
  ],
  [
    'Quay',
    'Bearer realm="https://quay.io/v2/auth",service="quay.io",scope="repository:coreos/etcd:pull"',
    [ch('bearer', { realm: 'https://quay.io/v2/auth', service: 'quay.io', scope: 'repository:coreos/etcd:pull' })],
  ],
  [
    'GCR',
    'Bearer realm="https://gcr.io/v2/token",service="gcr.io",scope="repository:google-containers/pause:pull"',
    [ch('bearer', { realm: 'https://gcr.io/v2/token', service: 'gcr.io', scope: 'repository:google-containers/pause:pull' })],
  ],
  [
    'Artifact Registry',
    'Bearer realm="https://us-docker.pkg.dev/v2/token",service="us-docker.pkg.dev",scope="repository:my-project/repo/image:pull"',
    [
      ch('bearer', {
        realm: 'https://us-docker.pkg.dev/v2/token',
        service: 'us-docker.pkg.dev',
        scope: 'repository:my-project/repo/image:pull',
      }),
    ],
  ],
  [
    'Amazon ECR (Basic)',
    'Basic realm="https://123.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"',
    [ch('basic', { realm: 'https://123.dkr.ecr.us-east-1.amazonaws.com/', service: 'ecr.amazonaws.com' })],
  ],
  [
    'Harbor',
    'Bearer realm="https://harbor.example.com/service/token",service="harbor-registry",scope="repository:library/nginx:pull"',
    [
      ch('bearer', {
        realm: 'https://harbor.example.com/service/token',
        service: 'harbor-registry',
        scope: 'repository:library/nginx:pull',
      }),
    ],
  ],
  ['distribution with htpasswd', 'Basic realm="Registry Realm"', [ch('basic', { realm: 'Registry Realm' })]],
  [
    'distribution with token auth, catalog scope and a space in service',
    'Bearer realm="https://auth.example.com/token",service="Docker registry",scope="registry:catalog:*"',
    [ch('bearer', { realm: 'https://auth.example.com/token', service: 'Docker registry', scope: 'registry:catalog:*' })],
  ],
  [
    'Azure Container Registry',
    'Bearer realm="https://myregistry.azurecr.io/oauth2/token",service="myregistry.azurecr.io"',
    [ch('bearer', { realm: 'https://myregistry.azurecr.io/oauth2/token', service: 'myregistry.azurecr.io' })],
  ],
];

const rfc: Case[] = [
  [
    'RFC 9110 §11.6.1 example: two challenges, unquoted and escaped values',
    'Basic realm="simple", Newauth realm="apps", type=1, title="Login to \\"apps\\""',
    [ch('basic', { realm: 'simple' }), ch('newauth', { realm: 'apps', type: '1', title: 'Login to "apps"' })],
  ],
  ['RFC 7617 Basic', 'Basic realm="WallyWorld"', [ch('basic', { realm: 'WallyWorld' })]],
  ['RFC 7617 Basic with charset', 'Basic realm="foo", charset="UTF-8"', [ch('basic', { realm: 'foo', charset: 'UTF-8' })]],
  [
    'RFC 6750 Bearer error',
    'Bearer realm="example", error="invalid_token", error_description="The access token expired"',
    [ch('bearer', { realm: 'example', error: 'invalid_token', error_description: 'The access token expired' })],
  ],
  [
    'RFC 7616 Digest: comma inside quotes, unquoted token, slashes in quotes',
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    [
      ch('digest', {
        realm: 'http-auth@example.org',
        qop: 'auth, auth-int',
        algorithm: 'SHA-256',
        nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
        opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
      }),
    ],
  ],
];

const structure: Case[] = [
  [
    'several challenges in one header',
    'Basic realm="x", Bearer realm="y",service="z"',
    [ch('basic', { realm: 'x' }), ch('bearer', { realm: 'y', service: 'z' })],
  ],
  [
    'several header values',
    ['Basic realm="x"', 'Bearer realm="y",service="z"'],
    [ch('basic', { realm: 'x' }), ch('bearer', { realm: 'y', service: 'z' })],
  ],
  [
    'several header values, one holding two challenges',
    ['Negotiate', 'Basic realm="a", Bearer realm="b"'],
    [ch('negotiate'), ch('basic', { realm: 'a' }), ch('bearer', { realm: 'b' })],
  ],
  ['no header values', [], []],
  [
    'several space-separated scopes, with a comma inside the quotes',
    'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a:pull repository:b:pull,push"',
    [
      ch('bearer', {
        realm: 'https://auth.example.com/token',
        service: 'registry.example.com',
        scope: 'repository:a:pull repository:b:pull,push',
      }),
    ],
  ],
  [
    'escaped quote and backslash',
    'Basic realm="say \\"hi\\" \\\\ bye"',
    [ch('basic', { realm: 'say "hi" \\ bye' })],
  ],
  ['backslash escaping an ordinary character', 'Basic realm="\\a\\b"', [ch('basic', { realm: 'ab' })]],
  ['empty quoted value', 'Basic realm=""', [ch('basic', { realm: '' })]],
  ['token68', 'Negotiate abc==', [ch('negotiate', {}, 'abc==')]],
  [
    'token68 with all its characters',
    'Negotiate YIIBhwYGKwYBBQUCoIIBezCC-._~+/AXegDTALBgkq=',
    [ch('negotiate', {}, 'YIIBhwYGKwYBBQUCoIIBezCC-._~+/AXegDTALBgkq=')],
  ],
  [
    'token68 followed by another challenge',
    'Negotiate abc==, Basic realm="x"',
    [ch('negotiate', {}, 'abc=='), ch('basic', { realm: 'x' })],
  ],
  ['bare schemes', 'Negotiate, NTLM', [ch('negotiate'), ch('ntlm')]],
  [
    'bare scheme after a challenge with params',
    'Bearer realm="x", Negotiate',
    [ch('bearer', { realm: 'x' }), ch('negotiate')],
  ],
];

const lenient: Case[] = [
  [
    'whitespace around everything, including BWS around "="',
    '  Bearer \t realm = "x" ,   service=\t"y"  ,scope =z   ',
    [ch('bearer', { realm: 'x', service: 'y', scope: 'z' })],
  ],
  [
    'a param with space before "=" right after a comma is not a new challenge',
    'Basic realm="x", charset = "UTF-8"',
    [ch('basic', { realm: 'x', charset: 'UTF-8' })],
  ],
  [
    'scheme and param names are case-insensitive, values keep their case',
    'BEARER Realm="HTTPS://Auth.Example.com/Token", SERVICE="Reg"',
    [ch('bearer', { realm: 'HTTPS://Auth.Example.com/Token', service: 'Reg' })],
  ],
  [
    'empty list elements',
    ', , Basic realm="x" , , Bearer realm="y",,service="z",',
    [ch('basic', { realm: 'x' }), ch('bearer', { realm: 'y', service: 'z' })],
  ],
  ['duplicate params: the first wins', 'Bearer realm="a", realm="b", REALM="c"', [ch('bearer', { realm: 'a' })]],
  [
    'unquoted values with "/" and ":"',
    'Bearer realm=https://auth.example.com/token,service=registry.example.com,scope=repository:library/node:pull',
    [
      ch('bearer', {
        realm: 'https://auth.example.com/token',
        service: 'registry.example.com',
        scope: 'repository:library/node:pull',
      }),
    ],
  ],
  [
    'an unquoted value runs to the next comma, trailing whitespace trimmed',
    'Basic realm=Registry Realm  , Bearer realm=y',
    [ch('basic', { realm: 'Registry Realm' }), ch('bearer', { realm: 'y' })],
  ],
  [
    'line folding whitespace',
    'Bearer realm="x",\r\n service="y"',
    [ch('bearer', { realm: 'x', service: 'y' })],
  ],
];

const garbage: Case[] = [
  ['empty string', '', []],
  ['only whitespace', ' \t ', []],
  ['only commas', ',,,', []],
  ['lone "="', '=', []],
  ['a param without a scheme', 'realm="x"', []],
  ['a quoted "scheme"', '"Bearer" realm="x"', []],
  // RFC-wise `realm=` is a valid token68: the only reading that fits the grammar.
  ['Bearer realm= (a token68)', 'Bearer realm=', [ch('bearer', {}, 'realm=')]],
  ['empty unquoted value after the first param is dropped', 'Bearer service="s", realm=', [ch('bearer', { service: 's' })]],
  ['`realm=` before a comma is a token68; the param after it has no scheme', 'Bearer realm=, service="s"', [ch('bearer', {}, 'realm=')]],
  ['unterminated quote', 'Bearer realm="https://x', [ch('bearer')]],
  ['unterminated quote ending in a backslash', 'Bearer realm="x\\', [ch('bearer')]],
  [
    'unterminated quote after a good challenge',
    'Basic realm="x", Bearer service="s", realm="y',
    [ch('basic', { realm: 'x' }), ch('bearer', { service: 's' })],
  ],
  [
    'quote closed by a later quote, then junk: the param is dropped',
    'Bearer realm="https://x, service="y"',
    [ch('bearer')],
  ],
  ['junk after a closing quote drops only that param', 'Bearer realm="x"junk, service="y"', [ch('bearer', { service: 'y' })]],
  ['junk before the first param', 'Bearer =x, realm="y"', [ch('bearer', { realm: 'y' })]],
  [
    'junk element between params',
    'Bearer realm="x", ="oops", "q", service="y"',
    [ch('bearer', { realm: 'x', service: 'y' })],
  ],
  ['no space after the scheme', 'Basic"x", Bearer realm="y"', [ch('bearer', { realm: 'y' })]],
  ['non-string header values are ignored', ['Basic realm="x"', 42 as unknown as string], [ch('basic', { realm: 'x' })]],
];

describe('parseWwwAuthenticate', () => {
  for (const [group, cases] of [
    ['registries', registries],
    ['RFC examples', rfc],
    ['structure', structure],
    ['leniency', lenient],
    ['malformed input', garbage],
  ] as const) {
    describe(group, () => {
      for (const [title, input, expected] of cases) {
        it(title, () => assert.deepEqual(parseWwwAuthenticate(input), expected));
      }
    });
  }

  it('keeps params named like Object.prototype members as own data', () => {
    const [challenge] = parseWwwAuthenticate('Custom __proto__="x", constructor="y", toString=z');
    assert.ok(challenge);
    assert.equal(Object.getPrototypeOf(challenge.params), Object.prototype);
    assert.deepEqual(
      challenge.params,
      Object.fromEntries([
        ['__proto__', 'x'],
        ['constructor', 'y'],
        ['tostring', 'z'],
      ]),
    );
    assert.ok(Object.hasOwn(challenge.params, '__proto__'));
  });

  it('does not treat an absent param as present through the prototype', () => {
    const [challenge] = parseWwwAuthenticate('Basic realm="x"');
    assert.ok(challenge);
    assert.equal(Object.hasOwn(challenge.params, 'constructor'), false);
  });

  it('parses very long and hostile headers (a quadratic parser would hit the test timeout)', () => {
    const many = Array.from({ length: 20000 }, (_, n) => `p${n}="${'v'.repeat(20)}"`).join(', ');
    const unterminated = 'Bearer ' + 'a="'.repeat(50000);
    const [challenge] = parseWwwAuthenticate(`Bearer ${many}`);
    parseWwwAuthenticate(unterminated);
    parseWwwAuthenticate(','.repeat(200000));
    parseWwwAuthenticate('x '.repeat(100000));
    assert.equal(Object.keys(challenge?.params ?? {}).length, 20000);
  });
});

describe('bearerChallenge', () => {
  const cases: [title: string, header: string | readonly string[], expected: ReturnType<typeof bearerChallenge>][] = [
    [
      'Docker Hub',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"',
      { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/node:pull' },
    ],
    [
      'several scopes',
      'Bearer realm="https://r/token",service="r",scope="repository:a:pull repository:b:pull,push"',
      { realm: 'https://r/token', service: 'r', scope: 'repository:a:pull repository:b:pull,push' },
    ],
    ['realm only: no service or scope keys', 'Bearer realm="https://r/token"', { realm: 'https://r/token' }],
    ['Basic only (ECR)', 'Basic realm="https://123.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"', undefined],
    ['Basic then Bearer', 'Basic realm="x", Bearer realm="y",service="z"', { realm: 'y', service: 'z' }],
    ['Bearer in a second header value', ['Basic realm="x"', 'Bearer realm="y"'], { realm: 'y' }],
    ['Bearer without a realm', 'Bearer service="z",scope="s"', undefined],
    ['Bearer with an empty realm', 'Bearer realm="",service="z"', undefined],
    ['the first Bearer with a realm is used', 'Bearer service="a", Bearer realm="b",service="c"', { realm: 'b', service: 'c' }],
    ['Bearer token68 has no realm', 'Bearer realm=', undefined],
    ['nothing', '', undefined],
  ];
  for (const [title, header, expected] of cases) {
    it(title, () => assert.deepEqual(bearerChallenge(parseWwwAuthenticate(header)), expected));
  }

  it('accepts hand-built challenges whose scheme is not lower-cased', () => {
    assert.deepEqual(bearerChallenge([{ scheme: 'Bearer', params: { realm: 'r' } }]), { realm: 'r' });
  });
});

describe('parseWwwAuthenticate properties', () => {
  const tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const token = fc.string({ unit: fc.constantFrom(...tchar), minLength: 1, maxLength: 8 });
  const ows = fc.constantFrom('', ' ', '  ', '\t', ' \t ');
  const sep = fc.constantFrom(',', ', ', ' ,', ' , ', ',\t', ', , ');

  it('never throws on arbitrary strings, and yields well-formed challenges', () => {
    const tricky = fc.string({ unit: fc.constantFrom('a', 'B', ' ', '\t', ',', '=', '"', '\\', '/', ':') });
    const text = fc.oneof(fc.string({ unit: 'binary' }), tricky);
    fc.assert(
      fc.property(fc.oneof(text, fc.array(text, { maxLength: 4 })), (input) => {
        for (const challenge of parseWwwAuthenticate(input)) {
          assert.match(challenge.scheme, /^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
          for (const [name, value] of Object.entries(challenge.params)) {
            assert.match(name, /^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
            assert.equal(typeof value, 'string');
          }
        }
        bearerChallenge(parseWwwAuthenticate(input));
      }),
      { numRuns: 2000 },
    );
  });

  /** A random challenge with unique param names and any quoted values, or a token68. */
  const challenge = fc.oneof(
    fc.record({
      scheme: token,
      params: fc.uniqueArray(fc.tuple(token, fc.string({ unit: 'binary', maxLength: 12 })), {
        maxLength: 5,
        selector: ([name]) => name.toLowerCase(),
      }),
    }),
    fc.record({
      scheme: token,
      token68: fc
        .tuple(
          fc.string({
            unit: fc.constantFrom(...'ABCxyz0189-._~+/'),
            minLength: 1,
            maxLength: 12,
          }),
          fc.nat({ max: 2 }),
        )
        .map(([body, pad]) => body + '='.repeat(pad)),
    }),
  );

  const quote = (value: string): string => `"${value.replace(/["\\]/g, (c) => '\\' + c)}"`;

  /** One challenge's header text (with random whitespace) and what it should parse to. */
  const formatted = fc.tuple(challenge, ows, ows, sep).map(([c, before, after, paramSep]): [string, Challenge] => {
    if ('token68' in c) return [`${c.scheme} ${c.token68}`, ch(c.scheme.toLowerCase(), {}, c.token68)];
    const expected = ch(c.scheme.toLowerCase(), Object.fromEntries(c.params.map(([n, v]) => [n.toLowerCase(), v])));
    const params = c.params.map(([n, v]) => `${n}${before}=${after}${quote(v)}`).join(paramSep);
    return [params ? `${c.scheme} ${params}` : c.scheme, expected];
  });

  it('parses back a formatted list of challenges', () => {
    fc.assert(
      fc.property(fc.array(formatted, { maxLength: 5 }), sep, (list, between) => {
        const text = list.map(([t]) => t).join(between);
        assert.deepEqual(
          parseWwwAuthenticate(text),
          list.map(([, c]) => c),
          text,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same challenges from several header values as from one joined by commas', () => {
    fc.assert(
      fc.property(fc.array(fc.array(formatted, { minLength: 1, maxLength: 3 }), { maxLength: 4 }), (headers) => {
        const values = headers.map((list) => list.map(([t]) => t).join(', '));
        const expected = headers.flatMap((list) => list.map(([, c]) => c));
        assert.deepEqual(parseWwwAuthenticate(values), expected);
        assert.deepEqual(parseWwwAuthenticate(values.join(', ')), expected);
      }),
    );
  });
});
