/**
 * Starting guest and backend code in worker threads.
 *
 * `startWorker(moduleUrl, data)` runs a module of ours in a new thread with `data` as its
 * `workerData` (SharedArrayBuffers in `data` are shared, not copied). Compiled code (dist/, `.js`)
 * starts directly; under tsx (tests run from sources) the module is a `.ts` file that Node cannot
 * load by itself in a worker, so a one-line bootstrap registers the tsx loader first.
 *
 * `siblingModule(import.meta.url, 'guest-main')` names a module next to the caller with the
 * caller's own extension, so the same call works from sources and from dist/.
 */
import { Worker } from 'node:worker_threads';
export function siblingModule(callerUrl, baseName) {
    const ext = callerUrl.endsWith('.ts') ? '.ts' : '.js';
    return new URL(`./${baseName}${ext}`, callerUrl);
}
/** Starts `moduleUrl` in a worker with `data`; objects in `transfer` (message ports) move to the worker. */
export function startWorker(moduleUrl, data, transfer = []) {
    const transferList = [...transfer];
    if (!moduleUrl.pathname.endsWith('.ts'))
        return new Worker(moduleUrl, { workerData: data, transferList });
    const loader = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); }).catch((e) => { setImmediate(() => { throw e; }); });`;
    return new Worker(code, { eval: true, workerData: data, transferList });
}
/** How long `terminateIfStuck` lets a worker that was told to stop leave on its own. */
export const WORKER_STOP_GRACE_MS = 2000;
/**
 * Terminates `worker` only if it has not left `graceMs` after it was told to stop (its stop flag
 * set and its wait kicked). Terminating an I/O worker at once could land inside a koffi call of
 * its start-up, where the throw aborts the whole process.
 */
export function terminateIfStuck(worker, graceMs = WORKER_STOP_GRACE_MS) {
    const timer = setTimeout(() => void worker.terminate(), graceMs);
    worker.once('exit', () => clearTimeout(timer));
}
//# sourceMappingURL=worker.js.map