// Plain-JavaScript entry of a lint worker: registers tsx in the worker, then loads the TypeScript
// worker. A plain file so that the same path works under tsx (server) and after `next build`.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
