/**
 * The virtqueue between two threads, for benchmarks: a driver in a worker posts 64-byte transmit
 * buffers, the device in the calling thread takes each (copying the 64 bytes out of guest RAM) and
 * returns it. `batch` chains are published per avail.idx store and per used.idx store; each side
 * sleeps on its doorbell (Atomics.wait) only after re-enabling notifications and finding nothing,
 * so kicks and interrupts are the real notification counts of the protocol, with or without
 * RING_EVENT_IDX. The ring code is the same DriverQueue/DeviceQueue the lab NICs use.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import { once } from 'node:events';
import { Doorbells } from '../../vm/doorbell.js';
import { GuestAllocator, GuestMemory } from '../../vm/guest-memory.js';
import { siblingModule, startWorker } from '../../vm/worker.js';
import { Chain, DeviceQueue, DriverQueue, allocateVirtqueue, type VirtqueueAddresses } from './virtqueue.js';

export interface RingBenchOptions {
  readonly batch: number;
  readonly eventIdx: boolean;
  readonly packets: number;
  readonly queueSize?: number;
  readonly frameBytes?: number;
}

export interface RingBenchResult {
  readonly mpps: number;
  readonly kicks: number;
  readonly interrupts: number;
  readonly notificationsPerPacket: number;
}

interface WorkerInit {
  readonly ram: SharedArrayBuffer;
  readonly bells: SharedArrayBuffer;
  readonly addrs: VirtqueueAddresses;
  readonly bufs: number;
  readonly opts: RingBenchOptions;
  readonly result: SharedArrayBuffer;
}

const KICK = 0;
const IRQ = 1;
const START = 2;

/** Runs one measurement; the driver thread is started and stopped inside. */
export async function runRingBench(opts: RingBenchOptions): Promise<RingBenchResult> {
  const size = opts.queueSize ?? 256;
  const frame = opts.frameBytes ?? 64;
  const mem = new GuestMemory(1 << 22);
  const alloc = new GuestAllocator(mem);
  const addrs = allocateVirtqueue(alloc, size);
  const bufs = alloc.alloc(size * frame, 64);
  const bells = new Doorbells(4);
  const result = new SharedArrayBuffer(16);
  const features = { eventIdx: opts.eventIdx, indirect: false };
  // The driver initialises the rings; do it here before either side starts.
  const layout = new DriverQueue(mem, addrs, features);
  void layout;
  const dev = new DeviceQueue(mem, addrs, features);
  const w = startWorker(siblingModule(import.meta.url, 'ring-bench'), { ram: mem.sab, bells: bells.sab, addrs, bufs, opts, result } satisfies WorkerInit);
  const exited = once(w, 'exit');
  // Wait for the worker to be ready, then start.
  while (bells.read(START) === 0) await new Promise((r) => setTimeout(r, 1));
  const chain = new Chain(size);
  const scratch = new Uint8Array(2048);
  const batch = opts.batch;
  let done = 0;
  dev.enableNotify();
  const t0 = performance.now();
  bells.ring(START);
  while (done < opts.packets) {
    let k = 0;
    while (k < batch && dev.pop(chain, 'read') === 'chain') {
      mem.copyOut(chain.addr[0]!, chain.len[0]!, scratch, 0);
      dev.pushUsed(chain.head, 0);
      k++;
    }
    if (k > 0) {
      done += k;
      if (dev.publishUsed()) bells.ring(IRQ);
      continue;
    }
    const seen = bells.read(KICK);
    if (!dev.enableNotify()) bells.wait(KICK, seen, 50);
    dev.disableNotify();
  }
  const seconds = (performance.now() - t0) / 1000;
  await exited;
  const kicks = new Int32Array(result)[0]!;
  return { mpps: opts.packets / seconds / 1e6, kicks, interrupts: dev.interrupts, notificationsPerPacket: (kicks + dev.interrupts) / opts.packets };
}

function driverThread(init: WorkerInit): void {
  const mem = GuestMemory.attach(init.ram);
  const bells = new Doorbells(init.bells);
  const { opts, addrs } = init;
  const frame = opts.frameBytes ?? 64;
  const q = new DriverQueue(mem, addrs, { eventIdx: opts.eventIdx, indirect: false });
  // DriverQueue's constructor zeroes the rings: the device side was built over the same zeroed state.
  for (let i = 0; i < addrs.size * frame; i++) mem.bytes[init.bufs + i] = i & 0xff;
  q.disableInterrupts();
  bells.ring(START);
  let go = bells.read(START);
  while (go === 1) go = bells.wait(START, 1, 1000);
  let sent = 0;
  let slot = 0;
  while (sent < opts.packets) {
    while (q.pollUsed()) { /* the buffer is free again */ }
    let k = 0;
    while (k < opts.batch && sent < opts.packets && q.numFree > 0) {
      q.begin();
      q.add(init.bufs + slot * frame, frame, false);
      q.commit(slot);
      slot = (slot + 1) & (addrs.size - 1);
      k++;
      sent++;
    }
    if (k > 0) {
      if (q.publish()) bells.ring(KICK);
      continue;
    }
    const seen = bells.read(IRQ);
    if (!q.enableInterrupts()) bells.wait(IRQ, seen, 50);
    q.disableInterrupts();
  }
  new Int32Array(init.result)[0] = q.kicks;
}

if (!isMainThread && (workerData as Partial<WorkerInit> | null)?.addrs !== undefined) driverThread(workerData as WorkerInit);
