// Unit tier: work cut into slices lets the event loop run between them (the extension host's scan and VS Code's
// requests). The clock is a counter each piece of work moves; the event loop is Node's own.
import * as assert from 'node:assert/strict';
import { TimeSlice } from '../../src/async/timeSlice';

describe('TimeSlice', () => {
  /** Runs `items` pieces of work of `costMs` each on a counter clock, yielding when the slice is spent. */
  async function sliced(items: number, costMs: number, budgetMs: number, onItem: (item: number) => void): Promise<number> {
    let clock = 0;
    const slice = new TimeSlice(budgetMs, () => clock);
    let yields = 0;
    for (let item = 0; item < items; item++) {
      clock += costMs;
      onItem(item);
      if (slice.spent) {
        await slice.yield();
        yields++;
      }
    }
    return yields;
  }

  it('lets a callback that was waiting run once a slice has used its budget, not after all the work', async () => {
    let ranAfterItem: number | undefined;
    let last = -1;
    setImmediate(() => (ranAfterItem = last)); // a request that arrived while the work runs
    const yields = await sliced(30, 2, 5, (item) => (last = item));
    assert.equal(ranAfterItem, 2, 'three pieces of 2 ms spend a 5 ms budget: the waiting callback runs then');
    assert.equal(yields, 10, 'a new slice starts after each yield');
  });

  it('does not yield while the budget lasts', async () => {
    let ran = false;
    setImmediate(() => (ran = true));
    const yields = await sliced(4, 1, 5, () => assert.equal(ran, false));
    assert.equal(yields, 0);
  });
});
