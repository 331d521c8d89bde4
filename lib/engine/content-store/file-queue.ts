// Read-modify-write of one small file (an index.json) serialised by its absolute path across
// every instance in this process: the daemon and a build worker may each open the engine on the
// same root, and two unserialised updates would lose one another's change.
import path from 'node:path';

const queues = new Map<string, Promise<unknown>>();

/** Runs `update` after every earlier update queued for `file` in this process has settled. */
export function serialisedByFile<T>(file: string, update: () => Promise<T>): Promise<T> {
  return serialisedBy(path.resolve(file), update);
}

/** The same queue for any string key (name it so that it cannot collide with a path). */
export function serialisedBy<T>(key: string, update: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(update);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}
