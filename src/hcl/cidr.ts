// Bake's CIDR functions (go-cty-funcs cidr/*.go over apparentlymart/go-cidr v1.0.1, the version buildx
// vendors): addresses as big integers, parsed and printed as Go's net package does.

import { HclFunctionError } from './values';

interface Network {
  /** The network address: the given address with its host bits cleared. */
  readonly address: bigint;
  readonly prefix: number;
  /** 32 or 128. */
  readonly bits: number;
}

function fail(message: string): never {
  throw new HclFunctionError(message);
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // Go's netip: decimal, 0 to 255, no leading zeros.
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIPv4(part);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) out.push(parseInt(part, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  // With "::" at least one group is left out; without it there are exactly eight.
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  // An embedded IPv4 address ends the address, so it cannot come before "::".
  if (halves.length === 2 && halves[0]!.includes('.')) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail].reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Go's net.ParseCIDR: `address/prefix`; the network keeps only the prefix bits. */
function parseCidr(text: string): Network {
  const invalid = (): never => fail(`invalid CIDR expression: invalid CIDR address: ${text}`);
  const slash = text.indexOf('/');
  if (slash < 0) return invalid();
  const addressText = text.slice(0, slash);
  const v4 = parseIPv4(addressText);
  const address = v4 ?? parseIPv6(addressText);
  const bits = v4 !== undefined ? 32 : 128;
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^\d{1,8}$/.test(prefixText) || Number(prefixText) > bits) return invalid();
  const prefix = Number(prefixText);
  return { address: address & mask(prefix, bits), prefix, bits };
}

function mask(prefix: number, bits: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** Go's net.IP.String: dotted IPv4; IPv6 in hex groups, the first longest run of two or more zero groups as "::". */
function formatAddress(address: bigint, bits: number): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((shift) => String((address >> shift) & 0xffn)).join('.');
  // An IPv4-mapped address prints as IPv4, as Go's does.
  if (address >> 32n === 0xffffn) return formatAddress(address & 0xffffffffn, 32);
  const groups = Array.from({ length: 8 }, (_, i) => Number((address >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function formatNetwork(n: Network): string {
  return `${formatAddress(n.address, n.bits)}/${n.prefix}`;
}

/** cidrhost: the host numbered `num` in the network; a negative number counts back from its last address. */
export function cidrHost(prefix: string, num: number): string {
  const n = parseCidr(prefix);
  const maxHost = (1n << BigInt(n.bits - n.prefix)) - 1n;
  const host = BigInt(num);
  const magnitude = host < 0n ? -host - 1n : host;
  if (magnitude > maxHost) fail(`prefix of ${n.prefix} does not accommodate a host numbered ${num}`);
  return formatAddress(n.address | (host < 0n ? maxHost - magnitude : host), n.bits);
}

/** cidrnetmask: the network's mask, written as an address. */
export function cidrNetmask(prefix: string): string {
  const n = parseCidr(prefix);
  return formatAddress(mask(n.prefix, n.bits), n.bits);
}

/** cidrsubnet: the subnet numbered `num` among those `newBits` longer than the network's prefix. */
export function cidrSubnet(prefix: string, newBits: number, num: number): string {
  const n = parseCidr(prefix);
  if (newBits > 32) fail('may not extend prefix by more than 32 bits');
  const length = n.prefix + newBits;
  if (newBits < 0 || length > n.bits) fail(`insufficient address space to extend prefix of ${n.prefix} by ${newBits}`);
  if (num < 0 || BigInt(num) > (1n << BigInt(newBits)) - 1n) fail(`prefix extension of ${newBits} does not accommodate a subnet numbered ${num}`);
  return formatNetwork({ address: n.address | (BigInt(num) << BigInt(n.bits - length)), prefix: length, bits: n.bits });
}

/** The last address of a network. */
function lastAddress(n: Network): bigint {
  return n.address | ((1n << BigInt(n.bits - n.prefix)) - 1n);
}

/**
 * cidrsubnets: consecutive subnets, each `newBits[i]` longer than the network's prefix, as go-cty-funcs
 * allocates them: from the subnet just before the network, each next one starts after the last, aligned.
 */
export function cidrSubnets(prefix: string, newBits: readonly number[]): string[] {
  const n = parseCidr(prefix);
  if (newBits.length === 0) return [];
  const modulo = 1n << BigInt(n.bits);
  const within = (length: number, address: bigint): Network => ({ address: address & mask(length, n.bits), prefix: length, bits: n.bits });
  let current: Network | undefined;
  return newBits.map((extension) => {
    if (extension < 1) fail('must extend prefix by at least one bit');
    if (extension > 32) fail('may not extend prefix by more than 32 bits');
    const length = n.prefix + extension;
    if (length > n.bits) fail(`would extend prefix to ${length} bits, which is too long for an ${n.bits === 32 ? 'IPv4' : 'IPv6'} address`);
    // go-cidr PreviousSubnet: the first search starts one address below the network (wrapping around).
    current ??= within(length, (n.address - 1n + modulo) % modulo);
    // go-cidr NextSubnet: the subnet of this length holding the current one's last address, then the one after it.
    const next = (lastAddress(within(length, lastAddress(current))) + 1n) % modulo;
    if (next === 0n || (next & mask(n.prefix, n.bits)) !== n.address) {
      fail(`not enough remaining address space for a subnet with a prefix of ${length} bits after ${formatNetwork(current)}`);
    }
    current = within(length, next);
    return formatNetwork(current);
  });
}
