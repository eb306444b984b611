// The owner activation builds the extension under (src/async/owner.ts), without VS Code: parts that register
// themselves in a registry of our own (as VS Code's registerCommand, createTreeView, onDid… do in VS Code's) and
// an event of the core. A failure part way through leaves nothing registered; disposal is newest first, once.
import * as assert from 'node:assert/strict';
import { Emitter } from '../../src/async/emitter';
import { buildOwned, Owner } from '../../src/async/owner';

describe('the owner of the extension\'s parts (unit)', () => {
  /** What is registered now, in order, and a part that registers `name` until disposed. */
  const registry = () => {
    const registered: string[] = [];
    const disposed: string[] = [];
    const part = (name: string) => {
      registered.push(name);
      return { dispose: () => (registered.splice(registered.indexOf(name), 1), disposed.push(name)) };
    };
    return { registered, disposed, part };
  };

  it('a part that fails during the build: everything made before it is disposed, newest first, and the error goes on', () => {
    const { registered, disposed, part } = registry();
    const changes = new Emitter<string>();
    const heard: string[] = [];
    const failure = new Error('the tree view could not be created');
    assert.throws(
      () =>
        buildOwned((owner) => {
          owner.own(part('indexer'));
          owner.own(part('resolver'));
          owner.on(changes.event, (path) => heard.push(path));
          owner.own(part('commands'));
          throw failure;
        }),
      (error) => error === failure,
    );
    assert.deepEqual(registered, []);
    assert.deepEqual(disposed, ['commands', 'resolver', 'indexer']);
    changes.fire('/w/Dockerfile');
    assert.deepEqual(heard, [], 'the subscription made before the failure is gone');
  });

  it('a build that succeeds keeps everything until its owner is disposed, then disposes each part once', () => {
    const { registered, disposed, part } = registry();
    const changes = new Emitter<string>();
    const heard: string[] = [];
    const { owner, built } = buildOwned((owner) => {
      owner.own(part('indexer'));
      owner.on(changes.event, (path) => heard.push(path));
      return owner.own(part('tree'));
    });
    changes.fire('/w/a/Dockerfile');
    assert.deepEqual([registered, heard], [['indexer', 'tree'], ['/w/a/Dockerfile']]);
    built.dispose();
    owner.dispose();
    owner.dispose();
    changes.fire('/w/b/Dockerfile');
    assert.deepEqual([registered, heard], [[], ['/w/a/Dockerfile']]);
    // The tree disposed by hand first is disposed again by its owner: VS Code's disposables allow it; ours too.
    assert.deepEqual(disposed, ['tree', 'tree', 'indexer']);
  });

  it('a part whose dispose throws does not keep the others registered; its error is thrown after', () => {
    const { registered, part } = registry();
    const owner = new Owner();
    owner.own(part('first'));
    owner.own({ dispose: () => assert.fail('a broken dispose') });
    owner.own(part('last'));
    assert.throws(() => owner.dispose(), /a broken dispose/);
    assert.deepEqual(registered, []);
  });

  it('a part made after its owner was disposed is disposed at once', () => {
    const { registered, part } = registry();
    const owner = new Owner();
    owner.dispose();
    owner.own(part('late'));
    assert.deepEqual(registered, []);
  });
});
