// Starts a worker thread on a TypeScript module (workerData.entry): worker threads do not inherit the
// TypeScript loader of the thread that starts them, so it is registered here first.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
