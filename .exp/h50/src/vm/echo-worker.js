/**
 * A minimal guest program for tests of the worker plumbing: for each ring of doorbell 0 it reads
 * the u32 at guest address 64, writes it plus one at address 68 and rings doorbell 1; a value of
 * 0xffffffff ends it.
 */
import { workerData } from 'node:worker_threads';
import { Doorbells } from './doorbell.js';
import { GuestMemory } from './guest-memory.js';
const { ram, bells } = workerData;
const mem = GuestMemory.attach(ram);
const doorbells = new Doorbells(bells);
let seen = 0;
for (;;) {
    seen = doorbells.wait(0, seen, 5000);
    const v = mem.load32(64) >>> 0;
    if (v === 0xffffffff)
        break;
    mem.store32(68, (v + 1) | 0);
    doorbells.ring(1);
}
//# sourceMappingURL=echo-worker.js.map