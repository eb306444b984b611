// One owner for everything the extension's activation makes: each part is owned as it is made, so a failure part
// way through disposes exactly what was made so far, and deactivation disposes the rest. Pure, like the rest of
// src/async: VS Code's disposables and events have the shapes used here.

import type { Disposable, Event } from './emitter';

export class Owner implements Disposable {
  private readonly parts: Disposable[] = [];
  private disposed = false;

  /** Owns `part` from now on; an owner already disposed disposes it at once. */
  own<T extends Disposable>(part: T): T {
    if (this.disposed) part.dispose();
    else this.parts.push(part);
    return part;
  }

  /** Subscribes `listener` to `event` for as long as the owner lives; the subscription, owned. */
  on<T>(event: Event<T>, listener: (value: T) => void): Disposable {
    return this.own(event(listener));
  }

  /** Disposes every part once, the newest first (it may use older ones); one that throws does not keep the rest. */
  dispose(): void {
    this.disposed = true;
    const failures: unknown[] = [];
    for (const part of this.parts.splice(0).reverse()) {
      try {
        part.dispose();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length) throw failures[0];
  }
}

/**
 * Builds under a new owner: whatever `build` owns is disposed if it throws, and its error goes on unchanged.
 * Returns the owner, to be disposed when what was built is done with, and what `build` returned.
 */
export function buildOwned<T>(build: (owner: Owner) => T): { owner: Owner; built: T } {
  const owner = new Owner();
  try {
    return { owner, built: build(owner) };
  } catch (error) {
    try {
      owner.dispose();
    } catch {
      // The build's own failure is the one to report.
    }
    throw error;
  }
}
