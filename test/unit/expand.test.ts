import * as assert from 'node:assert/strict';
import { expandWord } from '../../src/dockerfile/expand';
import type { Expansion, Lookup, Variable, VariableState } from '../../src/dockerfile/expand';
import { parseDockerfile } from '../../src/dockerfile/parseDockerfile';
import { formatMessage } from '../../src/model/messages';

// A specification of Dockerfile variable expansion, derived from BuildKit's shell lexer
// (moby/buildkit frontend/dockerfile/shell/lex.go: processStopOn, processSingleQuote,
// processDoubleQuote, processDollar, processName, convertShellPatternToRegex, trimPrefix, trimSuffix)
// and its tests (frontend/dockerfile/shell/envVarTest, lex_test.go). FROM expands its image with
// `shell.NewLex(escapeToken)` and no other option (dockerfile2llb/convert.go, buildDispatchStates);
// a variable BuildKit does not have expands to nothing, and so does our value ("parts that could not be
// resolved are empty"), which is why BuildKit's results are compared with `value` as they are.

const ERROR = null;

function variable(name: string, value: string, state: VariableState = 'value'): Variable {
  return { name, state, value, origin: 'arg' };
}

/** Variables with values, as BuildKit's env; a name not listed is not declared. */
function env(values: Record<string, string>, others: Record<string, VariableState> = {}): Lookup {
  return (name) => {
    if (Object.hasOwn(values, name)) return variable(name, values[name]!);
    if (Object.hasOwn(others, name)) return variable(name, '', others[name]);
    return undefined;
  };
}

function expand(raw: string, lookup: Lookup = env({}), escape = '\\'): Expansion {
  return expandWord(raw, lookup, escape);
}

function problems(e: Expansion): string[] {
  return e.problems.map((p) => formatMessage(p.message));
}

/** The value, or ERROR when BuildKit would fail the build. */
function outcome(e: Expansion): string | null {
  return e.problems.length > 0 ? ERROR : e.value;
}

// frontend/dockerfile/shell/envVarTest, every row for all platforms ("A") and Unix ("U"), with the
// environment TestShellParser4EnvVars gives it.
const envVarTestEnv = env({ PWD: '/home', SHELL: 'bash', KOREAN: '한국어', NULL: '' });
const envVarTest: [source: string, expected: string | null][] = [
  ['hello', 'hello'],
  ["he'll'o", 'hello'],
  ["he'llo", ERROR],
  ["he\\'llo", "he'llo"],
  ["he\\\\'llo", ERROR],
  ['abc\\tdef', 'abctdef'],
  ['"abc\\tdef"', 'abc\\tdef'],
  ['"abc\\\\tdef"', 'abc\\tdef'],
  ["'abc\\tdef'", 'abc\\tdef'],
  ['hello\\', 'hello'],
  ['hello\\\\', 'hello\\'],
  ['"hello', ERROR],
  ['"hello\\"', ERROR],
  ['"hel\'lo"', "hel'lo"],
  ["'hello", ERROR],
  ["'hello\\'", 'hello\\'],
  ["'hello\\there'", 'hello\\there'],
  ["'hello\\\\there'", 'hello\\\\there'],
  ['"\'\'"', "''"],
  ['$.', '$.'],
  ['he$1x', 'hex'],
  ['he$.x', 'he$.x'],
  ['he$pwd.', 'he.'],
  ['he$PWD', 'he/home'],
  ['he\\$PWD', 'he$PWD'],
  ['he\\\\$PWD', 'he\\/home'],
  ['"he\\$PWD"', 'he$PWD'],
  ['"he\\\\$PWD"', 'he\\/home'],
  ['\\${}', '${}'],
  ['\\${}aaa', '${}aaa'],
  ['he\\${}', 'he${}'],
  ['he\\${}xx', 'he${}xx'],
  ['${}', ERROR],
  ['${}aaa', ERROR],
  ['he${}', ERROR],
  ['he${}xx', ERROR],
  ['he${hi}', 'he'],
  ['he${hi}xx', 'hexx'],
  ['he${PWD}', 'he/home'],
  ['he${.}', ERROR],
  ['he${XXX:-000}xx', 'he000xx'],
  ['he${PWD:-000}xx', 'he/homexx'],
  ['he${XXX:-$PWD}xx', 'he/homexx'],
  ['he${XXX:-${PWD:-yyy}}xx', 'he/homexx'],
  ['he${XXX:-${YYY:-yyy}}xx', 'heyyyxx'],
  ['he${XXX:YYY}', ERROR],
  ['he${XXX?}', ERROR],
  ['he${XXX:?}', ERROR],
  ['he${PWD?}', 'he/home'],
  ['he${PWD:?}', 'he/home'],
  ['he${NULL?}', 'he'],
  ['he${NULL:?}', ERROR],
  ['he${XXX:+${PWD}}xx', 'hexx'],
  ['he${PWD:+${XXX}}xx', 'hexx'],
  ['he${PWD:+${SHELL}}xx', 'hebashxx'],
  ['he${XXX:+000}xx', 'hexx'],
  ['he${PWD:+000}xx', 'he000xx'],
  ["'he${XX}'", 'he${XX}'],
  ['"he${PWD}"', 'he/home'],
  ['"he\'$PWD\'"', "he'/home'"],
  ['"$PWD"', '/home'],
  ["'$PWD'", '$PWD'],
  ["'\\$PWD'", '\\$PWD'],
  ['\'"hello"\'', '"hello"'],
  ['he\\$PWD', 'he$PWD'],
  ['"he\\$PWD"', 'he$PWD'],
  ["'he\\$PWD'", 'he\\$PWD'],
  ['he${PWD', ERROR],
  ['he${PWD:=000}xx', ERROR],
  ['he${PWD:+${PWD}:}xx', 'he/home:xx'],
  ['he${XXX:-\\$PWD:}xx', 'he$PWD:xx'],
  ['he${XXX:-\\${PWD}z}xx', 'he${PWDz}xx'],
  ['안녕하세요', '안녕하세요'],
  ["안'녕'하세요", '안녕하세요'],
  ["안'녕하세요", ERROR],
  ["안녕\\'하세요", "안녕'하세요"],
  ["안\\\\'녕하세요", ERROR],
  ['안녕\\t하세요', '안녕t하세요'],
  ['"안녕\\t하세요"', '안녕\\t하세요'],
  ["'안녕\\t하세요", ERROR],
  ['안녕하세요\\', '안녕하세요'],
  ['안녕하세요\\\\', '안녕하세요\\'],
  ['"안녕하세요', ERROR],
  ['"안녕하세요\\"', ERROR],
  ['"안녕\'하세요"', "안녕'하세요"],
  ["'안녕하세요", ERROR],
  ["'안녕하세요\\'", '안녕하세요\\'],
  ['안녕$1x', '안녕x'],
  ['안녕$.x', '안녕$.x'],
  ['안녕$pwd.', '안녕.'],
  ['안녕$PWD', '안녕/home'],
  ['안녕\\$PWD', '안녕$PWD'],
  ['안녕\\\\$PWD', '안녕\\/home'],
  ['안녕\\${}', '안녕${}'],
  ['안녕\\${}xx', '안녕${}xx'],
  ['안녕${}', ERROR],
  ['안녕${}xx', ERROR],
  ['안녕${hi}', '안녕'],
  ['안녕${hi}xx', '안녕xx'],
  ['안녕${PWD}', '안녕/home'],
  ['안녕${.}', ERROR],
  ['안녕${XXX:-000}xx', '안녕000xx'],
  ['안녕${PWD:-000}xx', '안녕/homexx'],
  ['안녕${XXX:-$PWD}xx', '안녕/homexx'],
  ['안녕${XXX:-${PWD:-yyy}}xx', '안녕/homexx'],
  ['안녕${XXX:-${YYY:-yyy}}xx', '안녕yyyxx'],
  ['안녕${XXX:YYY}', ERROR],
  ['안녕${XXX:+${PWD}}xx', '안녕xx'],
  ['안녕${PWD:+${XXX}}xx', '안녕xx'],
  ['안녕${PWD:+${SHELL}}xx', '안녕bashxx'],
  ['안녕${XXX:+000}xx', '안녕xx'],
  ['안녕${PWD:+000}xx', '안녕000xx'],
  ["'안녕${XX}'", '안녕${XX}'],
  ['"안녕${PWD}"', '안녕/home'],
  ['"안녕\'$PWD\'"', "안녕'/home'"],
  ['\'"안녕"\'', '"안녕"'],
  ['안녕\\$PWD', '안녕$PWD'],
  ['"안녕\\$PWD"', '안녕$PWD'],
  ["'안녕\\$PWD'", '안녕\\$PWD'],
  ['안녕${PWD', ERROR],
  ['안녕${PWD:=000}xx', ERROR],
  ['안녕${PWD:+${PWD}:}xx', '안녕/home:xx'],
  ['안녕${XXX:-\\$PWD:}xx', '안녕$PWD:xx'],
  ['안녕${XXX:-\\${PWD}z}xx', '안녕${PWDz}xx'],
  ['$KOREAN', '한국어'],
  ['안녕$KOREAN', '안녕한국어'],
  ['${{aaa}', ERROR],
  ['${aaa}}', '}'],
  ['${aaa', ERROR],
  ['${{aaa:-bbb}', ERROR],
  ['${aaa:-bbb}}', 'bbb}'],
  ['${aaa:-bbb', ERROR],
  ['${aaa:-bbb}', 'bbb'],
  ['${aaa:-${bbb:-ccc}}', 'ccc'],
  ['${aaa:-bbb ${foo}', ERROR],
  ['${aaa:-bbb {foo}', 'bbb {foo'],
  ['${:}', ERROR],
  ['${:-bbb}', ERROR],
  ['${:+bbb}', ERROR],
  ['$1', ''],
  ['${1}', ''],
  ['${1:+bbb}', ''],
  ['${1:-bbb}', 'bbb'],
  ['$2', ''],
  ['${2}', ''],
  ['${2:+bbb}', ''],
  ['${2:-bbb}', 'bbb'],
  ['$3', ''],
  ['${3}', ''],
  ['${3:+bbb}', ''],
  ['${3:-bbb}', 'bbb'],
  ['$4', ''],
  ['${4}', ''],
  ['${4:+bbb}', ''],
  ['${4:-bbb}', 'bbb'],
  ['$5', ''],
  ['${5}', ''],
  ['${5:+bbb}', ''],
  ['${5:-bbb}', 'bbb'],
  ['$6', ''],
  ['${6}', ''],
  ['${6:+bbb}', ''],
  ['${6:-bbb}', 'bbb'],
  ['$7', ''],
  ['${7}', ''],
  ['${7:+bbb}', ''],
  ['${7:-bbb}', 'bbb'],
  ['$8', ''],
  ['${8}', ''],
  ['${8:+bbb}', ''],
  ['${8:-bbb}', 'bbb'],
  ['$9', ''],
  ['${9}', ''],
  ['${9:+bbb}', ''],
  ['${9:-bbb}', 'bbb'],
  ['$999', ''],
  ['${999}', ''],
  ['${999:+bbb}', ''],
  ['${999:-bbb}', 'bbb'],
  ['$999aaa', 'aaa'],
  ['${999}aaa', 'aaa'],
  ['${999:+bbb}aaa', 'aaa'],
  ['${999:-bbb}aaa', 'bbbaaa'],
  ['$001', ''],
  ['${001}', ''],
  ['${001:+bbb}', ''],
  ['${001:-bbb}', 'bbb'],
  ['$001aaa', 'aaa'],
  ['${001}aaa', 'aaa'],
  ['${001:+bbb}aaa', 'aaa'],
  ['${001:-bbb}aaa', 'bbbaaa'],
  ['$@', ''],
  ['${@}', ''],
  ['${@:+bbb}', ''],
  ['${@:-bbb}', 'bbb'],
  ['$@@@', '@@'],
  ['$@aaa', 'aaa'],
  ['${@}aaa', 'aaa'],
  ['${@:+bbb}aaa', 'aaa'],
  ['${@:-bbb}aaa', 'bbbaaa'],
  ['$*', ''],
  ['${*}', ''],
  ['${*:+bbb}', ''],
  ['${*:-bbb}', 'bbb'],
  ['$#', ''],
  ['${#}', ''],
  ['${#:+bbb}', ''],
  ['${#:-bbb}', 'bbb'],
  ['$?', ''],
  ['${?}', ''],
  ['${?:+bbb}', ''],
  ['${?:-bbb}', 'bbb'],
  ['$-', ''],
  ['${-}', ''],
  ['${-:+bbb}', ''],
  ['${-:-bbb}', 'bbb'],
  ['$$', ''],
  ['${$}', ''],
  ['${$:+bbb}', ''],
  ['${$:-bbb}', 'bbb'],
  ['$!', ''],
  ['${!}', ''],
  ['${!:+bbb}', ''],
  ['${!:-bbb}', 'bbb'],
  ['$0', ''],
  ['${0}', ''],
  ['${0:+bbb}', ''],
  ['${0:-bbb}', 'bbb'],
];

describe('variable expansion (unit): BuildKit envVarTest', () => {
  for (const [source, expected] of envVarTest) {
    it(`${source} → ${expected === ERROR ? 'error' : JSON.stringify(expected)}`, () => {
      assert.equal(outcome(expand(source, envVarTestEnv)), expected);
    });
  }
});

// frontend/dockerfile/shell/lex_test.go, TestProcessWithMatches: every case, with the variables each
// names (BuildKit's matched and unmatched together are our `names`).
const withMatches: [input: string, variables: Record<string, string>, expected: string | null, names: string[]][] = [
  ['x', { DUMMY: 'dummy' }, 'x', []],
  ['x ${UNUSED}', { DUMMY: 'dummy' }, 'x ', ['UNUSED']],
  ['x ${FOO}', { FOO: 'y' }, 'x y', ['FOO']],
  ['${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx  ccc', ['FOO', 'BAR', 'BAZ']],
  ['${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx bbb ccc', ['FOO', 'BAR', 'BAZ']],
  ['${FOO:-}', { FOO: 'xxx', BAR: '' }, 'xxx', ['FOO']],
  ['${FOO:-}', {}, '', ['FOO']],
  ['${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa bbb ', ['FOO', 'BAR', 'BAZ']],
  ['${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa  ', ['FOO', 'BAR', 'BAZ']],
  ['${FOO?aaa}', { FOO: 'xxx', BAR: '' }, 'xxx', ['FOO']],
  ['${BAR?bbb}', { FOO: 'xxx', BAR: '' }, '', ['BAR']],
  ['${BAZ?ccc}', { FOO: 'xxx', BAR: '' }, ERROR, ['BAZ']],
  ['${FOO:?aaa}', { FOO: 'xxx', BAR: '' }, 'xxx', ['FOO']],
  ['${BAR:?bbb}', { FOO: 'xxx', BAR: '' }, ERROR, ['BAR']],
  ['${BAZ:?ccc}', { FOO: 'xxx', BAR: '' }, ERROR, ['BAZ']],
  ['${BAZ:?}', { FOO: 'xxx', BAR: '' }, ERROR, ['BAZ']],
  ['${FOO=aaa}', { FOO: 'xxx', BAR: '' }, ERROR, []],
  ['${FOO=:aaa}', { FOO: 'xxx', BAR: '' }, ERROR, []],
  ['${FOO=}', {}, ERROR, []],
  ['${FOO#()[]{\\}^$.\\*\\?|\\\\}', { FOO: '()[]{}^$.*?|\\x' }, 'x', ['FOO']],
  ['${FOO%%\\**}', { FOO: 'xx**' }, 'xx', ['FOO']],
  ['${FOO#*x*y}', { FOO: 'xxyy' }, 'y', ['FOO']],
  ['${FOO#*}', { FOO: 'xxyy' }, 'xxyy', ['FOO']],
  ['${FOO#$BAR}', { FOO: 'xxyy', BAR: 'x' }, 'xyy', ['BAR', 'FOO']],
  ['${FOO#$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy', ['BAR', 'FOO']],
  ['${FOO#}', { FOO: 'xxyy' }, 'xxyy', ['FOO']],
  ['${FOO##*x}', { FOO: 'xxyy' }, 'yy', ['FOO']],
  ['${FOO##}', { FOO: 'xxyy' }, 'xxyy', ['FOO']],
  ['${FOO#?\\?}', { FOO: '???y' }, '?y', ['FOO']],
  ['${ABC:-.}${FOO%x}${ABC:-.}', { FOO: 'xxyy' }, '.xxyy.', ['ABC', 'FOO']],
  ['${FOO%%\\**\\*}', { FOO: 'a***yy*' }, 'a', ['FOO']],
  ['${FOO%}', { FOO: 'xxyy' }, 'xxyy', ['FOO']],
  ['${FOO%%$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy', ['BAR', 'FOO']],
  ['${FOO:#}', {}, ERROR, []],
  ['${FOO:##}', {}, ERROR, []],
  ['${FOO:%}', {}, ERROR, []],
  ['${FOO:%%}', {}, ERROR, []],
  ['${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}', { FOO: '/foo*/*/*.txt', NEEDLE: '\\*/' }, '/foo.*/*.txt - /foo..*.txt', ['NEEDLE', 'FOO']],
  ['${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}', { FOO: '/tmp/tmp/bar.txt', NEEDLE: '/tmp' }, '/tmp/bar.txt - /bar.txt', ['NEEDLE', 'FOO']],
  ['${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}', { FOO: '/a/foo/b/c.txt', NEEDLE: '/?/', REPLACEMENT: '/' }, '/foo/b/c.txt - /foo/c.txt', ['NEEDLE', 'REPLACEMENT', 'FOO']],
  ['${FOO/$NEEDLE/$REPLACEMENT}', { FOO: 'http://google.de', NEEDLE: 'http://', REPLACEMENT: 'https://' }, 'https://google.de', ['NEEDLE', 'REPLACEMENT', 'FOO']],
  ['${FOO//\\//\\/}', { FOO: '/tmp/foo.txt' }, '\\/tmp\\/foo.txt', ['FOO']],
  ['${FOO/$BAR/ww}', { FOO: 'xxyy', BAR: '' }, 'wwxxyy', ['BAR', 'FOO']],
  ['${FOO//ww}', { FOO: 'xxyy' }, ERROR, []],
  ['${FOO//}', { FOO: 'xxyy' }, ERROR, []],
  ['${FOO///}', { FOO: 'xxyy' }, 'xxyy', ['FOO']],
  ['${FOO///}', {}, '', ['FOO']],
];

describe('variable expansion (unit): BuildKit TestProcessWithMatches', () => {
  for (const [input, variables, expected, names] of withMatches) {
    it(`${input} with ${JSON.stringify(variables)} → ${expected === ERROR ? 'error' : JSON.stringify(expected)}`, () => {
      const e = expand(input, env(variables));
      assert.equal(outcome(e), expected);
      assert.deepEqual([...e.names].sort(), [...names].sort());
    });
  }

  it('platform filename convention (TestProcessWithMatchesPlatform): an empty variant adds nothing', () => {
    const release = 'something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz';
    const values = { VERSION: 'v1.2.3', TARGETOS: 'linux', TARGETARCH: 'arm' };
    assert.equal(expand(release, env({ ...values, TARGETVARIANT: 'v7' })).value, 'something-v1.2.3.linux-arm-v7.tar.gz');
    assert.equal(expand(release, env({ ...values, TARGETARCH: 'arm64', TARGETVARIANT: '' })).value, 'something-v1.2.3.linux-arm64.tar.gz');
    assert.equal(expand(release, env({ ...values, TARGETARCH: 'arm64' })).value, 'something-v1.2.3.linux-arm64.tar.gz');
  });
});

describe('variable expansion (unit): what goes wrong, in words', () => {
  // The messages are ours; which inputs fail is BuildKit's (lex.go).
  const table: [source: string, variables: Record<string, string>, messages: string[]][] = [
    ['"alpine:3.20', {}, ['Unterminated quote: "alpine:3.20']],
    ['alpine:"3.20', {}, ['Unterminated quote: "3.20']],
    ["alpine:'3.20", {}, ["Unterminated quote: '3.20"]],
    ['alpine:${TAG', {}, ['Unterminated variable reference "${TAG".']],
    ['alpine:${TAG:-3.20', {}, ['Unterminated variable reference "${TAG:-3.20".']],
    ['alpine:${TAG/a/b', {}, ['Unterminated variable reference "${TAG/a/b".']],
    ['alpine:${', {}, ['Unterminated variable reference "${".']],
    ['alpine:${}', {}, ['Unsupported substitution "${}".']],
    ['${:-alpine}:3.20', {}, ['Unsupported substitution "${:-alpine}".']],
    ['${IMG:=alpine}', {}, ['Unsupported substitution "${IMG:=alpine}".']],
    ['${IMG=alpine}', {}, ['Unsupported substitution "${IMG=alpine}".']],
    ['${IMG:#alpine}', {}, ['Unsupported substitution "${IMG:#alpine}".']],
    ['${IMG:', {}, ['Unsupported substitution "${IMG:".']],
    // bash reads these; BuildKit does not ("missing '/' in ${}").
    ['${IMG/alpine}', { IMG: 'alpine' }, ['Unsupported substitution "${IMG/alpine}".']],
    ['${IMG//alpine}', { IMG: 'alpine' }, ['Unsupported substitution "${IMG//alpine}".']],
    // Only `*`, `?` and `\` may be escaped in a pattern ("invalid escape"), whether the variable is set or not.
    ['${IMG#\\a}', { IMG: 'alpine' }, ['Unsupported substitution "${IMG#\\a}".']],
    ['${IMG%\\a}:3.20', {}, ['Unsupported substitution "${IMG%\\a}".']],
    ['${IMG/\\a/b}', { IMG: 'alpine' }, ['Unsupported substitution "${IMG/\\a/b}".']],
    // TestShellParserMandatoryEnvVars: the word after `?` is the message, expanded.
    ['${VAR:?message here$ARG}', { VAR: '', ARG: 'x' }, ['Variable VAR is required: message herex']],
    ['${VAR?message here$ARG}', { ARG: 'x' }, ['Variable VAR is required: message herex']],
    ['${VAR:?}', { VAR: '' }, ['Variable VAR is required: not set']],
    ['${VAR?}', {}, ['Variable VAR is required: not set']],
  ];
  for (const [source, variables, messages] of table) {
    it(`${source} → ${messages.join(' / ')}`, () => {
      assert.deepEqual(problems(expand(source, env(variables))), messages);
    });
  }

  it('places each problem on the text it is about', () => {
    const at = (raw: string) => expand(raw).problems.map((p) => `${p.start}-${p.end}`);
    assert.deepEqual(at('alpine:${TAG'), ['7-12']);
    assert.deepEqual(at('a${}b'), ['1-4']);
    assert.deepEqual(at('a${X:=1}b'), ['1-8']);
    assert.deepEqual(at('a${X:?}b'), ['1-7']);
    assert.deepEqual(at('a${X#\\q}b'), ['1-8']);
    assert.deepEqual(at("a'bc"), ['1-4']);
    assert.deepEqual(at('a"bc'), ['1-4']);
  });

  it('reads on after a problem: the rest of the word still counts', () => {
    const e = expand('${}alpine${X:=1}:3.20');
    assert.equal(e.value, 'alpine:3.20');
    assert.equal(e.problems.length, 2);
    assert.equal(expand('${X?}alpine').value, 'alpine');
    assert.equal(expand('alpine${X#\\a}:3.20', env({ X: 'a' })).value, 'alpine:3.20');
    assert.equal(expand('alpine${X/\\a/b}:3.20', env({ X: 'a' })).value, 'alpine:3.20');
  });
});

describe('variable expansion (unit): ARG without a default, platform ARGs, undeclared names', () => {
  // dockerfile2llb/convert.go: an ARG without a default or build argument is never added to the
  // environment (buildMetaArgs, dispatchArg), so it is unset, not empty; the platform ARGs are always
  // set (defaultArgs), TARGETVARIANT often to "". A name no ARG declares is unset too.
  const lookup = env({ IMG: 'alpine:3.20', EMPTY: '' }, { NOVALUE: 'noValue', TARGETARCH: 'platform', TARGETVARIANT: 'platform' });
  const table: [source: string, value: string, unresolved?: string][] = [
    ['${NOVALUE-alpine:3.20}', 'alpine:3.20'],
    ['${NOVALUE:-alpine:3.20}', 'alpine:3.20'],
    ['${NOVALUE+busybox}alpine', 'alpine'],
    ['${NOVALUE:+busybox}alpine', 'alpine'],
    ['$NOVALUE', '', 'NOVALUE noValue'],
    ['${NOVALUE}', '', 'NOVALUE noValue'],
    ['${NOVALUE#*/}', '', 'NOVALUE noValue'],
    ['${NOVALUE/a/b}', '', 'NOVALUE noValue'],
    ['${EMPTY-alpine}', ''],
    ['${EMPTY:-alpine}', 'alpine'],
    ['${EMPTY+busybox}', 'busybox'],
    ['${EMPTY:+busybox}', ''],
    ['${EMPTY?}', ''],
    ['${UNDECLARED-alpine}', 'alpine'],
    ['${UNDECLARED+busybox}', ''],
    ['$UNDECLARED', '', 'UNDECLARED undeclared'],
    ['${UNDECLARED%:*}', '', 'UNDECLARED undeclared'],
    ['${UNDECLARED//a/b}', '', 'UNDECLARED undeclared'],
    ['alpine-$TARGETARCH', 'alpine-', 'TARGETARCH platform'],
    ['${TARGETARCH-amd64}', '', 'TARGETARCH platform'],
    ['${TARGETARCH:-amd64}', '', 'TARGETARCH platform'],
    ['${TARGETARCH?}', '', 'TARGETARCH platform'],
    ['${TARGETARCH:?}', '', 'TARGETARCH platform'],
    ['${TARGETARCH#arm}', '', 'TARGETARCH platform'],
    // Set, so `+` gives its word; whether it is empty is not known, so `:+` is not.
    ['alpine${TARGETVARIANT+-v}', 'alpine-v'],
    ['alpine${TARGETVARIANT:+-v}', 'alpine', 'TARGETVARIANT platform'],
    // Special parameters (`$@`, `$$`…) and positional ones (`$1`) are never set in a Dockerfile.
    ['alpine$1', 'alpine', '1 undeclared'],
    ['alpine$$', 'alpine', '$ undeclared'],
    ['${@:-alpine}', 'alpine'],
  ];
  for (const [source, value, unresolved] of table) {
    it(`${source} → ${JSON.stringify(value)}${unresolved ? `, ${unresolved}` : ''}`, () => {
      const e = expand(source, lookup);
      assert.equal(e.value, value);
      assert.equal(e.unresolved && `${e.unresolved.name} ${e.unresolved.cause}`, unresolved);
      assert.deepEqual(e.problems, []);
    });
  }

  it('`:?` refuses an empty value, `?` only an unset one; the error is the unresolved cause, with its message', () => {
    assert.deepEqual(expand('${EMPTY:?give a base}', lookup).unresolved, { name: 'EMPTY', cause: 'error', detail: 'give a base' });
    assert.deepEqual(expand('${EMPTY?give a base}', lookup).unresolved, undefined);
    assert.deepEqual(expand('${NOVALUE?give a base}', lookup).unresolved, { name: 'NOVALUE', cause: 'error', detail: 'give a base' });
    assert.deepEqual(expand('${NOVALUE:?}', lookup).unresolved, { name: 'NOVALUE', cause: 'error', detail: '' });
    assert.deepEqual(problems(expand('${NOVALUE:?}', lookup)), ['Variable NOVALUE is required: not set']);
    assert.equal(expand('${IMG:?}', lookup).value, 'alpine:3.20');
    assert.equal(expand('${IMG?}', lookup).value, 'alpine:3.20');
  });

  it('the first variable without a value is the one reported', () => {
    assert.equal(expand('${A}:${B}', lookup).unresolved?.name, 'A');
    assert.equal(expand('${NOVALUE}:${TARGETARCH}', lookup).unresolved?.cause, 'noValue');
    assert.equal(expand('${TARGETARCH}:${NOVALUE}', lookup).unresolved?.cause, 'platform');
  });

  it('a word that is not used does not make the value unknown', () => {
    // BuildKit expands the word either way (and fails on its errors), but uses it only when it applies.
    const unresolved = (source: string) => {
      const e = expand(source, lookup);
      return e.unresolved && `${e.unresolved.name} ${e.unresolved.cause}`;
    };
    assert.equal(unresolved('${IMG:-$UNDECLARED}'), undefined);
    assert.equal(unresolved('${IMG-$NOVALUE}'), undefined);
    assert.equal(unresolved('${EMPTY:-$UNDECLARED}'), 'UNDECLARED undeclared');
    assert.equal(unresolved('${IMG:+$UNDECLARED}'), 'UNDECLARED undeclared');
    assert.equal(unresolved('${EMPTY:+$UNDECLARED}'), undefined);
    assert.equal(unresolved('${NOVALUE+$UNDECLARED}'), undefined);
    assert.equal(unresolved('${IMG?$UNDECLARED}'), undefined);
    assert.equal(unresolved('${NOVALUE?$UNDECLARED}'), 'NOVALUE error');
    assert.equal(unresolved('${TARGETARCH:-$UNDECLARED}'), 'TARGETARCH platform');
    assert.equal(unresolved('${TARGETARCH-$UNDECLARED}'), 'TARGETARCH platform');
    assert.equal(unresolved('$NOVALUE${IMG:-$UNDECLARED}'), 'NOVALUE noValue');
    assert.deepEqual(expand('${IMG:-$UNDECLARED}', lookup).names, ['UNDECLARED', 'IMG']);
    assert.deepEqual(problems(expand('${IMG:-${X:=1}}', lookup)), ['Unsupported substitution "${X:=1}".']);
  });
});

describe('variable expansion (unit): pattern operators on image references', () => {
  // lex.go: `#`/`%` remove the shortest matching prefix/suffix, `##`/`%%` the longest (trimPrefix,
  // trimSuffix); `/` replaces the first match, `//` every one; patterns from convertShellPatternToRegex.
  const lookup = env({
    IMG: 'docker.io/library/node:22-alpine',
    V: '1.22.3',
    BRACKETS: '[ab]c',
    AC: 'ac',
    STAR: '*x',
    LINES: 'a\nb',
    PATH: '/a}b/c',
    WHALE: '🐳x',
    EMOJI: '👽🚀🖖',
  });
  const table: [source: string, value: string][] = [
    ['${IMG#*/}', 'library/node:22-alpine'],
    ['${IMG##*/}', 'node:22-alpine'],
    ['${IMG%/*}', 'docker.io/library'],
    ['${IMG%%/*}', 'docker.io'],
    ['${IMG%:*}', 'docker.io/library/node'],
    ['${IMG%-*}', 'docker.io/library/node:22'],
    ['${IMG#docker.io/}', 'library/node:22-alpine'],
    ['${IMG#ghcr.io/}', 'docker.io/library/node:22-alpine'],
    ['${IMG%alpine}', 'docker.io/library/node:22-'],
    ['golang:${V%.*}', 'golang:1.22'],
    ['golang:${V%%.*}', 'golang:1'],
    ['${V#?}', '.22.3'],
    ['${V#??}', '22.3'],
    ['${V%?}', '1.22.'],
    ['${V#*.}', '22.3'],
    ['${V##*.}', '3'],
    ['${V/./-}', '1-22.3'],
    ['${V//./-}', '1-22-3'],
    ['${V/2*/x}', '1.x'],
    ['${V//2/}', '1..3'],
    ['${V/9/x}', '1.22.3'],
    ['${V///x}', 'x1x.x2x2x.x3x'],
    // `#` after `/` is a character, not an anchor as in bash.
    ['${V/#1/x}', '1.22.3'],
    // No bracket expressions: `[` and `]` are characters.
    ['${BRACKETS#[ab]}', 'c'],
    ['${AC#[ab]}', 'ac'],
    // `\` escapes a wildcard, whatever the escape directive; quotes do not (they are removed first).
    ['${STAR#\\*}', 'x'],
    ['${STAR#*}', '*x'],
    ["${STAR##'*'}", ''],
    // `\}` and `\/` are `}` and `/`; a `/` pattern runs to the next `/`, past any `}`.
    ['${PATH#\\/a\\}}', 'b/c'],
    ['${PATH/a}b/x}', '/x/c'],
    // The replacement keeps its escapes.
    ['${V/./\\.}', '1\\.22.3'],
    // Go's `.` does not match a newline.
    ['${LINES##*}', '\nb'],
    ['${LINES%%?b}', 'a\nb'],
    // Wildcards match characters, not UTF-16 units, from either end (Go's regexp reads runes).
    ['${WHALE#?}', 'x'],
    ['${WHALE%?}', '🐳'],
    ['${EMOJI%🖖}', '👽🚀'],
    ['${EMOJI#*🚀}', '🖖'],
    ['${EMOJI/?🚀/x}', 'x🖖'],
    // Inside double quotes in a pattern, an escape before an ordinary character is kept twice (processDoubleQuote
    // writes it, then the character it did not escape): `"\a"` is the pattern `\\a`, a backslash then `a`.
    ['${BACKSLASH#"\\a"}', 'b'],
  ];
  const withBackslash: Lookup = (name) => (name === 'BACKSLASH' ? variable(name, '\\ab') : lookup(name));
  for (const [source, value] of table) {
    it(`${source} → ${JSON.stringify(value)}`, () => {
      const e = expand(source, withBackslash);
      assert.deepEqual(problems(e), []);
      assert.equal(e.value, value);
    });
  }

  it('a pattern may not end in a lone escape, from either end (TestConvertShellPatternToRegex, reversePattern)', () => {
    const lookup = env({ X: 'a\\', P: 'a\\' });
    assert.deepEqual(problems(expand('${X#$P}', lookup)), ['Unsupported substitution "${X#$P}".']);
    assert.deepEqual(problems(expand('${X%$P}', lookup)), ['Unsupported substitution "${X%$P}".']);
    // An escaped escape is a backslash, whichever end it is matched from.
    assert.equal(expand('${X%\\\\}', lookup).value, 'a');
    assert.equal(expand('${X%%a\\\\}', lookup).value, '');
  });

  it('with the escape directive set to a backtick, `\\` still escapes in a pattern, and ` escapes in the word', () => {
    assert.equal(expand('${STAR#\\*}', lookup, '`').value, 'x');
    assert.equal(expand('`$IMG', lookup, '`').value, '$IMG');
    assert.equal(expand('a\\b', lookup, '`').value, 'a\\b');
    assert.equal(expand('"a`"b"', lookup, '`').value, 'a"b');
    // A backtick in a pattern is a character, and the `*` after it a wildcard (here matching nothing).
    assert.equal(expand('${STAR#`*}', env({ STAR: '`*x' }), '`').value, '*x');
  });
});

describe('variable expansion (unit): where each part of the value is written', () => {
  const lookup = env({ IMG: 'alpine:3.20', EMPTY: '' });
  const pieces = (raw: string) =>
    expand(raw, lookup).pieces.map((p) => {
      switch (p.kind) {
        case 'literal':
          return `${p.text}@${p.start}-${p.end}`;
        case 'variable':
          return `$${p.variable.name}`;
        case 'computed':
          return `${p.name}→${p.text}`;
      }
    });
  const table: [raw: string, pieces: string[]][] = [
    ['node:22', ['node:22@0-7']],
    ['node:"22"', ['node:@0-5', '22@6-8']],
    ["node:'22'", ['node:@0-5', '22@6-8']],
    ['node\\:22', ['node@0-4', ':22@5-8']],
    ['"a\\"b"', ['a@1-2', '"b@3-5']],
    ['$IMG', ['$IMG']],
    ['${IMG}-x', ['$IMG', '-x@6-8']],
    ['"$IMG"', ['$IMG']],
    ['$EMPTY', []],
    ['${EMPTY}alpine', ['alpine@8-14']],
    ['${UNSET:-alpine:3.20}', ['alpine:3.20@9-20']],
    ['${IMG:+busybox}:1', ['busybox@7-14', ':1@15-17']],
    ['${IMG%:*}', ['IMG→alpine']],
    ['${IMG#alpine:3.20}', []],
    ['${IMG/3.20/edge}', ['IMG→alpine:edge']],
    ['${IMG/alpine:3.20/}', []],
    ['a$', ['a$@0-2']],
    ['a$.b', ['a$.b@0-4']],
    ['\\$IMG', ['$IMG@1-5']],
    ["'$IMG'", ['$IMG@1-5']],
  ];
  for (const [raw, expected] of table) {
    it(`${raw} → ${expected.join(' ') || 'nothing'}`, () => {
      assert.deepEqual(pieces(raw), expected);
    });
  }

  it('lists every name the word refers to, once, used or not', () => {
    assert.deepEqual(expand('${IMG}${IMG:-$OTHER}${A#$B}', lookup).names, ['IMG', 'OTHER', 'B', 'A']);
    assert.deepEqual(expand('${ünï}$名前', lookup).names, ['ünï', '名前']);
  });
});

describe('variable expansion (unit): what a Dockerfile reads as the image', () => {
  // The same rules, end to end through the Dockerfile parser: the image a FROM names, where its digest
  // would go, and the errors BuildKit would stop the build with.
  const read = (text: string) => {
    const file = parseDockerfile('Dockerfile', text);
    const use = file.uses[0]!;
    return {
      image: use.resolved,
      pin: use.pin.pinnable ? `${use.pin.text} @${use.pin.range.start.line}:${use.pin.range.start.character}-${use.pin.range.end.character}` : `not ${use.pin.reason.kind}`,
      errors: file.diagnostics.map((d) => formatMessage(d.message)),
    };
  };

  it('an ARG without a default takes the `-` default, which is where the digest goes', () => {
    // `FROM ${BASE-` is 12 characters: the default alpine:3.20 is at 12..23.
    assert.deepEqual(read('ARG BASE\nFROM ${BASE-alpine:3.20}\n'), { image: 'alpine:3.20', pin: 'alpine:3.20 @1:12-23', errors: [] });
    assert.deepEqual(read('ARG BASE=golang:1.23\nFROM ${BASE-alpine:3.20}\n'), { image: 'golang:1.23', pin: 'golang:1.23 @0:9-20', errors: [] });
  });

  it('a version trimmed by a pattern is read, but its digest has no place of its own', () => {
    assert.deepEqual(read('ARG GO_VERSION=1.22.3\nFROM golang:${GO_VERSION%.*}-alpine\n'), { image: 'golang:1.22-alpine', pin: 'not partialArg', errors: [] });
  });

  it('a single-quoted reference is not expanded', () => {
    // Docker's own words for it: "repository name (${IMAGE}) must be lowercase".
    assert.deepEqual(read("ARG IMAGE=alpine\nFROM '${IMAGE}'\n"), { image: '${IMAGE}', pin: 'not invalid', errors: ['The repository name must be lowercase: "${IMAGE}".'] });
    assert.deepEqual(read("ARG image=alpine\nFROM '${image}'\n").errors, ['Invalid repository name "${image}".']);
  });

  it('double quotes and escapes are removed, `$` inside double quotes expanded', () => {
    assert.deepEqual(read('ARG TAG=3.20\nFROM "alpine:$TAG"\n').image, 'alpine:3.20');
    assert.deepEqual(read('FROM alp\\ine\n').image, 'alpine');
  });

  it('an unterminated quote is an error, as it is for BuildKit', () => {
    assert.deepEqual(read('FROM "alpine:3.20\n').errors, ['Unterminated quote: "alpine:3.20']);
  });
});
