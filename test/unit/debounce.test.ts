// Unit tier: the one debounce the editor's timers share. Node's mock timers move the clock, so nothing waits.
import * as assert from 'node:assert/strict';
import { mock } from 'node:test';
import { debounce } from '../../src/async/debounce';

describe('debounce', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('runs once calls pause, each call starting the delay again (typing)', () => {
    const runs: string[] = [];
    const settle = debounce((path: string) => runs.push(path), 100);
    settle('a');
    mock.timers.tick(60);
    settle('a');
    mock.timers.tick(60);
    assert.deepEqual(runs, [], 'the second call moved the run later');
    mock.timers.tick(40);
    assert.deepEqual(runs, ['a']);
  });

  it('runs every delay under a steady stream of calls when the first call sets the time (lookups)', () => {
    let runs = 0;
    const redraw = debounce(() => runs++, 100, { restart: false });
    for (let t = 0; t < 250; t += 10) {
      redraw();
      mock.timers.tick(10);
    }
    assert.equal(runs, 2);
  });

  it('keeps one run per key, cancels one key, flushes the others at once and runs nothing once disposed', () => {
    const runs: string[] = [];
    const update = debounce((key: string) => runs.push(key), 100);
    update('a');
    update('b');
    update('c');
    update('a');
    update.cancel('b');
    update.flush();
    assert.deepEqual(runs, ['a', 'c']);
    update('d');
    update.dispose();
    mock.timers.tick(1000);
    assert.deepEqual(runs, ['a', 'c'], 'a disposed debounce runs nothing');
  });
});
