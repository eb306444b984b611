// The command-line tool's registry settings: the defaults, a proxy from the environment as the extension reads
// it, and registries on loopback addresses reached over plain HTTP, as Docker does. Pure: the environment is
// passed in.
//
// moby api/swagger.yaml, RegistryServiceConfig.InsecureRegistryCIDRs: "By default, local registries (::1/128
// and 127.0.0.0/8) are configured as insecure"; `localhost` resolves there.

import { isIP } from 'node:net';
import { DEFAULT_REGISTRY_SETTINGS, type RegistrySettings } from '../registry/settings';

export function cliRegistrySettings(registry: string, env: Readonly<Record<string, string | undefined>>): RegistrySettings {
  const proxy = env['HTTPS_PROXY'] ?? env['https_proxy'] ?? env['HTTP_PROXY'] ?? env['http_proxy'];
  const noProxy = env['NO_PROXY'] ?? env['no_proxy'];
  return {
    ...DEFAULT_REGISTRY_SETTINGS,
    hosts: isLoopbackRegistry(registry) ? { [registry]: { http: true } } : {},
    ...(proxy ? { proxy } : {}),
    ...(noProxy ? { noProxy } : {}),
  };
}

/** `localhost:5000`, `127.0.0.1:5000`, `[::1]:5000` (a registry name as in ImageRef.registry). */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && (host === '::1' || host === '0:0:0:0:0:0:0:1');
}
