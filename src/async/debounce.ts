// Runs work once a burst of calls is over, per key (a file's path) or for the whole of something (`void`).

import type { Disposable } from './emitter';

export interface Debounced<K = void> extends Disposable {
  /** Asks for `run(key)` after the delay; a run already asked for stays one run. */
  (key: K): void;
  /** Forgets the run asked for this key. */
  cancel(key: K): void;
  /** Runs at once every run asked for. */
  flush(): void;
}

export interface DebounceOptions {
  /**
   * `true` (the default): each call starts the delay again, so the run comes once calls pause (typing).
   * `false`: the first call of a burst sets the time, so a steady stream of calls still runs every delay (lookups).
   */
  readonly restart?: boolean;
}

export function debounce<K = void>(run: (key: K) => void, delayMs: number, { restart = true }: DebounceOptions = {}): Debounced<K> {
  const timers = new Map<K, ReturnType<typeof setTimeout>>();
  const fire = (key: K): void => {
    timers.delete(key);
    run(key);
  };
  const cancel = (key: K): void => {
    clearTimeout(timers.get(key));
    timers.delete(key);
  };
  const debounced = (key: K): void => {
    if (timers.has(key)) {
      if (!restart) return;
      clearTimeout(timers.get(key));
    }
    timers.set(key, setTimeout(() => fire(key), delayMs));
  };
  return Object.assign(debounced, {
    cancel,
    flush: (): void => {
      for (const key of [...timers.keys()]) {
        cancel(key);
        run(key);
      }
    },
    dispose: (): void => {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  });
}
