// Long synchronous work cut into slices, with a yield to the event loop between them: the extension host answers
// VS Code's requests (the Images view asking for its rows) between slices, not after all the work. A startup
// profile of the scale bench found a single batch of the workspace scan (64 Dockerfiles parsed, JIT still cold)
// holding the host for 51 ms while VS Code's request for the view's rows waited.

export class TimeSlice {
  private started: number;

  constructor(
    /** How long a slice may run before it should yield. */
    private readonly budgetMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly nextTurn: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
  ) {
    this.started = now();
  }

  /** Whether this slice has used its budget: time to `yield()`. */
  get spent(): boolean {
    return this.now() - this.started >= this.budgetMs;
  }

  /**
   * Lets the event loop run I/O and other callbacks (`setImmediate` comes after them), then starts a new slice.
   */
  async yield(): Promise<void> {
    await this.nextTurn();
    this.started = this.now();
  }
}
