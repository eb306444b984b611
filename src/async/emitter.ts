// Events of the core, as plain listeners: the VS Code edge subscribes with them as with its own events (a
// subscription is a disposable), and the command-line tool and the unit tests without any VS Code.

/** What a subscription returns: VS Code's disposables have this shape, so the edge can keep it with its own. */
export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    // A function of its own per subscription: the same listener subscribed twice is called twice, and
    // each subscription ends on its own.
    const entry = (value: T): void => listener(value);
    this.listeners.add(entry);
    return { dispose: () => void this.listeners.delete(entry) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
