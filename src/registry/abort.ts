// Waiting on a caller's AbortSignal. Callers share one signal across many lookups (the Images view
// starts every image's lookup with the same one), so a listener per waiting call would pass Node's
// limit of ten per signal and print a MaxListenersExceededWarning for any workspace with a dozen
// images. Each signal gets one listener, which tells every wait registered on it.

interface Waits {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const waitsBySignal = new WeakMap<AbortSignal, Waits>();

/** Calls `callback` once when `signal` aborts; returns the function that stops waiting. */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let waits = waitsBySignal.get(signal);
  if (waits === undefined) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      waitsBySignal.delete(signal);
      for (const notify of callbacks) notify();
    };
    waits = { callbacks, listener };
    waitsBySignal.set(signal, waits);
    signal.addEventListener('abort', listener, { once: true });
  }
  const current = waits;
  current.callbacks.add(callback);
  return () => {
    current.callbacks.delete(callback);
    // The last wait gone: the signal keeps no listener of ours.
    if (current.callbacks.size === 0 && waitsBySignal.get(signal) === current) {
      waitsBySignal.delete(signal);
      signal.removeEventListener('abort', current.listener);
    }
  };
}

/** `promise`, or `cancelled()` as soon as `signal` aborts (the work itself goes on for others). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, cancelled: () => Error): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const stop = onAbort(signal, () => reject(cancelled()));
    promise.then(
      (value) => {
        stop();
        resolve(value);
      },
      (error: unknown) => {
        stop();
        reject(error);
      },
    );
  });
}
