// Bake's date and time functions on timestamps they are given: formatdate and timeadd (go-cty
// stdlib/datetime.go), unixtimestampparse and formattimestamp (buildx bake/hclparser/stdlib.go). Only
// timestamp() reads the clock; these are pure, so they are evaluated.
//
// A time is the instant in whole seconds since the Unix epoch, the nanoseconds within that second, and
// the UTC offset it was written with: Go keeps that offset (a FixedZone), and prints the result in it.

import { HclFunctionError, makeObject, type Value } from './values';

interface Time {
  readonly seconds: number;
  readonly nanos: number;
  /** Seconds east of UTC. */
  readonly offset: number;
}

const SECONDS_PER_DAY = 86_400;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function fail(message: string): never {
  throw new HclFunctionError(message);
}

// ---- the proleptic Gregorian calendar, in days since 1970-01-01 (H. Hinnant's civil algorithms) ----

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysIn(month: number, year: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** The calendar fields of a time, in its own offset. */
function fields(t: Time) {
  const local = t.seconds + t.offset;
  const days = Math.floor(local / SECONDS_PER_DAY);
  const secondOfDay = local - days * SECONDS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  return {
    days,
    year,
    month,
    day,
    hour: Math.floor(secondOfDay / 3600),
    minute: Math.floor((secondOfDay % 3600) / 60),
    second: secondOfDay % 60,
    weekday: (((days + 4) % 7) + 7) % 7, // 1970-01-01 was a Thursday
    yearDay: days - daysFromCivil(year, 1, 1) + 1,
  };
}

// ---- RFC 3339 ----

const pad = (n: number, width: number): string => (n < 0 ? `-${String(-n).padStart(width, '0')}` : String(n).padStart(width, '0'));

/**
 * go-cty's strict RFC 3339 parse (datetime_rfc3339.go `parseRFC3339`): `YYYY-MM-DDThh:mm:ss`, an
 * optional fraction, then `Z` or `±hh:mm`; every field in range, day within its month.
 */
export function parseTimestamp(text: string): Time {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/.exec(text);
  const invalid = (): never => fail(`not a valid RFC3339 timestamp: ${JSON.stringify(text)} is not of the form "2006-01-02T15:04:05Z07:00"`);
  if (!m) return invalid();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return invalid();
  // Go's time.Parse checks the day against the month last, with this message (cty passes it on).
  if (day > daysIn(month, year)) fail('not a valid RFC3339 timestamp: day out of range');
  const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
  const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
  if (offsetHours > 23 || offsetMinutes > 59) return invalid();
  const offset = (m[9] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  const nanos = m[7] === undefined ? 0 : Number(m[7].slice(0, 9).padEnd(9, '0'));
  const seconds = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offset;
  return { seconds, nanos, offset };
}

function formatOffset(offset: number, colon: boolean): string {
  const abs = Math.abs(offset);
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600), 2)}${colon ? ':' : ''}${pad(Math.floor((abs % 3600) / 60), 2)}`;
}

/** Go's time.RFC3339 layout: whole seconds, `Z` for a zero offset. */
function formatRfc3339(t: Time): string {
  const f = fields(t);
  const zone = t.offset === 0 ? 'Z' : formatOffset(t.offset, true);
  return `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}T${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}${zone}`;
}

// ---- formatdate ----

const isLetter = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);

/** The format split as go-cty's `splitDateFormat` does: quoted literals, runs of one letter, other text. */
function dateFormatTokens(format: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    let end = i + 1;
    if (c === "'") {
      if (format[i + 1] === "'") end = i + 2;
      else {
        end = format.length;
        for (let j = i + 1; j < format.length; j++) {
          if (format[j] !== "'") continue;
          if (format[j + 1] === "'") {
            j++;
            continue;
          }
          end = j + 1;
          break;
        }
      }
    } else if (isLetter(c)) {
      while (format[end] === c) end++;
    } else {
      while (end < format.length && format[end] !== "'" && !isLetter(format[end])) end++;
    }
    tokens.push(format.slice(i, end));
    i = end;
  }
  return tokens;
}

/** go-cty's formatdate: `YYYY-MM-DD'T'hh:mm:ssZ` and the other verbs of its documentation. */
export function formatDate(format: string, timestamp: string): string {
  const t = parseTimestamp(timestamp);
  const f = fields(t);
  let out = '';
  const verb = (token: string, what: string): never => fail(`invalid date format verb ${JSON.stringify(token)}${what}`);
  const choose = (token: string, options: Record<number, () => string>, what: string): string => options[token.length]?.() ?? verb(token, what);
  for (const token of dateFormatTokens(format)) {
    const c = token[0]!;
    if (c === "'") {
      if (token.length === 1 || !token.endsWith("'")) fail("unterminated literal '");
      out += token.length === 2 ? "'" : token.slice(1, -1).replace(/''/g, "'");
      continue;
    }
    if (!isLetter(c)) {
      out += token;
      continue;
    }
    const hour12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
    switch (c) {
      case 'Y':
        out += choose(token, { 2: () => pad(f.year % 100, 2), 4: () => pad(f.year, 4) }, ': year must either be "YY" or "YYYY"');
        break;
      case 'M':
        out += choose(token, { 1: () => String(f.month), 2: () => pad(f.month, 2), 3: () => MONTHS[f.month - 1]!.slice(0, 3), 4: () => MONTHS[f.month - 1]! }, ': month must be "M", "MM", "MMM", or "MMMM"');
        break;
      case 'D':
        out += choose(token, { 1: () => String(f.day), 2: () => pad(f.day, 2) }, ': day of month must either be "D" or "DD"');
        break;
      case 'E':
        out += choose(token, { 3: () => WEEKDAYS[f.weekday]!.slice(0, 3), 4: () => WEEKDAYS[f.weekday]! }, ': day of week must either be "EEE" or "EEEE"');
        break;
      case 'h':
        out += choose(token, { 1: () => String(f.hour), 2: () => pad(f.hour, 2) }, ': 24-hour must either be "h" or "hh"');
        break;
      case 'H':
        out += choose(token, { 1: () => String(hour12), 2: () => pad(hour12, 2) }, ': 12-hour must either be "H" or "HH"');
        break;
      case 'A':
      case 'a': {
        const marker = f.hour < 12 ? 'AM' : 'PM';
        out += choose(token, { 2: () => (c === 'A' ? marker : marker.toLowerCase()) }, `: must be "${c}${c}"`);
        break;
      }
      case 'm':
        out += choose(token, { 1: () => String(f.minute), 2: () => pad(f.minute, 2) }, ': minute must either be "m" or "mm"');
        break;
      case 's':
        out += choose(token, { 1: () => String(f.second), 2: () => pad(f.second, 2) }, ': second must either be "s" or "ss"');
        break;
      case 'Z':
        out += choose(
          token,
          {
            1: () => (t.offset === 0 ? 'Z' : formatOffset(t.offset, true)),
            3: () => (t.offset === 0 ? 'UTC' : formatOffset(t.offset, false)),
            4: () => formatOffset(t.offset, false),
            5: () => formatOffset(t.offset, true),
          },
          ': timezone must be Z, ZZZZ, or ZZZZZ',
        );
        break;
      default:
        verb(token, '');
    }
  }
  return out;
}

// ---- timeadd ----

const NANOSECOND_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  '\u00b5s': 1_000n, // µ (micro sign)
  '\u03bcs': 1_000n, // μ (Greek mu)
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_DURATION = 1n << 63n;

/** Go's time.ParseDuration (`1h30m`, `-1.5h`, `300ms`), in nanoseconds. */
export function parseDuration(text: string): bigint {
  const invalid = (): never => fail(`time: invalid duration ${JSON.stringify(text)}`);
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') invalid();
  let total = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    const [whole = '', fraction] = [m[1], m[2]];
    if (whole === '' && (fraction === undefined || fraction === '')) invalid();
    rest = rest.slice(m[0].length);
    const unitLength = /^[^.\d]*/.exec(rest)![0].length;
    if (unitLength === 0) fail(`time: missing unit in duration ${JSON.stringify(text)}`);
    const unitName = rest.slice(0, unitLength);
    rest = rest.slice(unitLength);
    const unit = NANOSECOND_UNITS[unitName];
    if (unit === undefined) fail(`time: unknown unit ${JSON.stringify(unitName)} in duration ${JSON.stringify(text)}`);
    let value = BigInt(whole || '0');
    if (value > MAX_DURATION / unit) invalid();
    value *= unit;
    if (fraction) {
      // As Go does it: the fraction's digits as an integer, scaled in floating point.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / 10 ** fraction.length)));
      if (value > MAX_DURATION) invalid();
    }
    total += value;
    if (total > MAX_DURATION) invalid();
  }
  if (!negative && total > MAX_DURATION - 1n) invalid();
  return negative ? -total : total;
}

/** go-cty's timeadd: the timestamp moved by a Go duration, printed in RFC 3339 in its own offset. */
export function timeAdd(timestamp: string, duration: string): string {
  const t = parseTimestamp(timestamp);
  const nanos = BigInt(t.seconds) * 1_000_000_000n + BigInt(t.nanos) + parseDuration(duration);
  const seconds = nanos / 1_000_000_000n - (nanos % 1_000_000_000n < 0n ? 1n : 0n);
  return formatRfc3339({ seconds: Number(seconds), nanos: 0, offset: t.offset });
}

// ---- buildx's own: unixtimestampparse, formattimestamp ----

/** buildx `unixTimestampValue`: a whole number of seconds (an int64), as a UTC time. */
function unixTime(value: number): Time {
  if (!Number.isInteger(value) || !Number.isSafeInteger(value)) fail('unix timestamp must be an integer');
  return { seconds: value, nanos: 0, offset: 0 };
}

/** buildx `unixtimestampparse`: the parts of a Unix timestamp, in UTC. */
export function unixTimestampParse(value: number): Value {
  const t = unixTime(value);
  const f = fields(t);
  // Go's ISOWeek: the week (Monday first) of that week's Thursday, whose year is the ISO year.
  const thursday = fields({ seconds: (f.days + (f.weekday === 0 ? -3 : 4 - f.weekday)) * SECONDS_PER_DAY, nanos: 0, offset: 0 });
  return makeObject([
    ['year', f.year],
    ['year_day', f.yearDay],
    ['day', f.day],
    ['month', f.month],
    ['month_name', MONTHS[f.month - 1]!],
    ['weekday', f.weekday],
    ['weekday_name', WEEKDAYS[f.weekday]!],
    ['hour', f.hour],
    ['minute', f.minute],
    ['second', f.second],
    ['rfc3339', formatRfc3339(t)],
    ['iso_year', thursday.year],
    ['iso_week', Math.floor((thursday.yearDay - 1) / 7) + 1],
  ]);
}

/** buildx `formattimestamp`: formatdate on an RFC 3339 string or a Unix timestamp; "X" gives Unix seconds. */
export function formatTimestamp(format: string, time: Value): string {
  if (typeof time === 'string') {
    if (format !== 'X') return formatDate(format, time);
    let t: Time;
    try {
      t = parseTimestamp(time);
    } catch {
      return fail('timestamp string must be RFC3339');
    }
    return String(t.seconds);
  }
  if (typeof time === 'number') {
    const t = unixTime(time);
    return format === 'X' ? String(t.seconds) : formatDate(format, formatRfc3339(t));
  }
  return fail('must be a string timestamp or a unix timestamp number');
}
