// Registry credentials kept in VS Code's secret storage, for people without the Docker CLI.
// They are looked up before Docker's config, so a user can override what Docker would send.

import * as vscode from 'vscode';
import type { Credentials } from '../../registry/dockerConfig';
import type { CredentialStore } from '../../registry/credentials';

const KEY_PREFIX = 'imageProvenance.registry:';
/** The hosts that have stored credentials (secret storage cannot list its keys). */
const HOSTS_KEY = 'imageProvenance.registryHosts';

export class SecretCredentialStore implements CredentialStore {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {}

  async get(host: string): Promise<Credentials | undefined> {
    const stored = await this.secrets.get(KEY_PREFIX + host);
    if (!stored) return undefined;
    try {
      const { username, password } = JSON.parse(stored) as Record<string, unknown>;
      if (typeof username === 'string' && typeof password === 'string') return { kind: 'basic', username, password };
    } catch {
      // Written by this class only; unreadable means someone else wrote the key: ignore it.
    }
    return undefined;
  }

  async set(host: string, username: string, password: string): Promise<void> {
    await this.secrets.store(KEY_PREFIX + host, JSON.stringify({ username, password }));
    await this.state.update(HOSTS_KEY, [...new Set([...this.hosts(), host])].sort());
  }

  async delete(host: string): Promise<void> {
    await this.secrets.delete(KEY_PREFIX + host);
    await this.state.update(
      HOSTS_KEY,
      this.hosts().filter((h) => h !== host),
    );
  }

  hosts(): string[] {
    return this.state.get<string[]>(HOSTS_KEY, []);
  }
}
