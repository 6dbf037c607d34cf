/**
 * The OpenFlow switch app: ports numbered 1..N (in the order given), a pipeline (the slow path)
 * and a fast path of two caches in front of it.
 *
 * Per packet: the exact-match key and its hash come from one pass over the headers: for an
 * untagged IPv4 frame the raw header words with the unread bytes masked (`extractRawIpv4Hashed`),
 * for any other the packed 20-word ingress key (`extractIngressHashed`), and the exact-match
 * cache compares it unrolled; on a miss the full flow key is filled from the ingress key (read
 * then, if the raw key stood for it) for the megaflow cache, and on a miss there (an *upcall*) the pipeline
 * translates it, the resulting megaflow is installed (unless the flow tables changed during the
 * translation, as a learn action may do) and its program runs. A hit whose program is one
 * output goes straight to that port's link; other programs run through `runProgram`. The
 * commonest packet, untagged IPv4 hitting a single-output megaflow, is handled inside `push`'s
 * loop without its key ever being stored; the rest goes through `#process`. A hit is
 * counted on its megaflow only and credited to the flow entries and tables the translation went
 * through before anything reads or changes them (`#credit`), so flow statistics are the same
 * with or without the cache. When the pipeline generation moves, nothing is flushed: each cached
 * megaflow is revalidated on its first hit after the change (`#revalidate`, see cache.ts), so a
 * learned MAC or an unrelated flow mod does not send all traffic back up to the slow path.
 * The clock is read once per push.
 *
 * With `cache: false` every packet takes the slow path: that is the reference the differential
 * test compares the cached switch with. The switch implements `OpenFlowSwitchApi`, so the
 * OpenFlow channel and ovs-ofctl drive it the same way.
 */
import { App, type AppContext } from '../../engine/app.js';
import type { Link } from '../../engine/link.js';
import type { Packet } from '../../engine/packet.js';
import { NS_PER_S } from '../../engine/clock.js';
import { LEARN_MOVED, LEARN_NEW } from '../../bridges/mac-table.js';
import { EMC_OUT, EMC_ROW, ExactMatchCache, emcFirstSlot, emcSecondSlot, emcSlotHolds, emcSlotHoldsRaw, emcSlotLive, MF_BYTES, MF_PACKETS, MF_STRIDE, MF_USED, MF_VALID_AT, MegaflowCache, type MegaflowEntry } from './cache.js';
import { formatProgram, runProgram, type DatapathSink } from './datapath.js';
import { ofprotoTracer } from './trace.js';
import { INGRESS_WORD_COUNT, extractFlowKey, extractIngressHashed, extractRawIpv4Hashed, RAW_KEY_TAG, RAW_KEYS, rawKeyHash, rawKeyL4Words, rawKeyWord6, scatterIngress } from './flow-key.js';
import { LearnRef, Pipeline, Xlation, sameXlateRef, type FlowEntry } from './pipeline.js';
import { parseFlow, parseGroup } from './ofctl/parse.js';
import type { GroupDesc } from './wire/messages.js';
import {
  FLOW_WORDS, OFPBRC_BAD_PORT, OFPCML_NO_BUFFER, OFPET_BAD_REQUEST, OFPG_ALL, OFPGT_ALL, OFPP_CONTROLLER, OFPP_LOCAL, OFPP_MAX, emptyMatch,
  ofError, setMatchField, F,
  type Action, type AggregateStats, type FlowFilter, type FlowMod, type FlowRemovedEvent, type FlowStats, type GroupMod,
  type GroupStats, type Instruction, type Match, type OfError, type OpenFlowSwitchApi, type PacketInEvent, type PortDesc,
  type PortStats, type TableStats,
} from './types.js';

const OPENFLOW_DROPS = {
  runt: 'frame shorter than the 14-byte Ethernet header',
  'no-output': 'the pipeline decided no output (drop action, table miss, or nothing matched)',
  'same-port': 'NORMAL: the destination was learned on the ingress port',
  'port-unlinked': 'output to a port with no link',
  'no-such-port': 'output to a port number the switch does not have',
  'no-egress': 'NORMAL: nothing to flood to',
  'pool-empty': 'packet-out could not get a buffer',
} as const;

export interface OpenFlowSwitchConf {
  /** Port names in OpenFlow port number order: ports[0] is port 1. */
  readonly ports: readonly string[];
  /** Flows in ovs-ofctl add-flow syntax, installed at start. */
  readonly flows?: readonly string[];
  /** Groups in ovs-ofctl add-group syntax, installed at start before the flows (which may use them). */
  readonly groups?: readonly string[];
  readonly datapathId?: bigint;
  /** The bridge name shown by traces (defaults to the app name). */
  readonly bridge?: string;
  /** Active controller connection ("tcp:HOST:PORT") and passive listener ("ptcp:PORT"), for the OpenFlow channel. */
  readonly controller?: string;
  readonly listen?: string;
  /** Fast path on (default) or every packet through the pipeline. */
  readonly cache?: boolean;
  readonly megaflowCapacity?: number;
  readonly emcSlots?: number;
  readonly maxFlowsPerTable?: number;
  readonly classifier?: 'tuple' | 'linear';
}

export interface FastPathStats {
  readonly emcLookups: number;
  readonly emcHits: number;
  /** The share of `emcHits` the inline raw-key path in `push` took (untagged IPv4 to a single output). */
  readonly emcRawHits: number;
  readonly emcEntries: number;
  /** Inserts that evicted a live EMC slot (the EMC's overflow counter). */
  readonly emcReplacements: number;
  /** Inserts that found both of their slots live and left them (see ExactMatchCache.insert). */
  readonly emcReplacementsSkipped: number;
  readonly megaflowLookups: number;
  readonly megaflowHits: number;
  readonly megaflowEntries: number;
  readonly megaflowCapacity: number;
  readonly masks: number;
  readonly masksProbed: number;
  readonly upcalls: number;
  readonly evictions: number;
  readonly flushes: number;
  /** Stale megaflows translated again after a flow table change, and those it removed. */
  readonly revalidations: number;
  readonly revalidationRemovals: number;
  /** Upcalls whose result was not installed because a flow table changed meanwhile. */
  readonly installsSkipped: number;
}

/** A cached megaflow: its masked key, its hits since install, its last hit (engine ns) and its datapath actions. */
export interface DatapathFlow {
  readonly match: Match;
  readonly packets: number;
  readonly bytes: number;
  readonly usedNs: number | null;
  readonly actions: string;
}

const TWO_POW_32 = 4294967296;

/** Frame bytes one packet-in carries at most: 65535 less room for its header, fixed fields and match. */
export const MAX_PACKET_IN_DATA = 0xffff - 512;

export class OpenFlowSwitch extends App<typeof OPENFLOW_DROPS, OpenFlowSwitchConf> implements OpenFlowSwitchApi, DatapathSink {
  /**
   * A TAP's offloaded packets (a 64 KB TSO packet, a partial checksum) go through the tables and
   * out whole: VLAN pushes and pops leave the L3/L4 bytes where `csumStart` points, and set-field
   * on addresses patches a partial checksum's pseudo-header sum (datapath.ts). A packet-in
   * carries such a packet as it is, as a capture on a TSO device shows it.
   */
  override readonly offloadHandling = 'passes-on';
  readonly pipeline: Pipeline;
  readonly datapathId: bigint;
  readonly nTables = 255;
  readonly megaflows: MegaflowCache;
  readonly emc: ExactMatchCache;
  #cacheOn: boolean;
  /** The current packet's flow key; only the extractors write it, so words a packet cannot set stay zero. */
  readonly #key = new Uint32Array(FLOW_WORDS);
  /** The current packet's ingress key (what the exact-match cache compares unless the raw key stands for it). */
  readonly #ikey = new Int32Array(INGRESS_WORD_COUNT);
  /** The current packet's raw exact-match key, for untagged IPv4 (`extractRawIpv4Hashed`). */
  readonly #rawKey = new Int32Array(INGRESS_WORD_COUNT);
  readonly #xl = new Xlation();
  readonly #revalXl = new Xlation();
  readonly #revalKey = new Uint32Array(FLOW_WORDS);
  #portNames: string[] = [];
  #portNumbers: number[] = [];
  #outLinks: (Link | null)[] = [];
  #inLinks: Link[] = [];
  #inPorts = new Int32Array(0);
  #rxPackets = new Float64Array(0);
  #rxBytes = new Float64Array(0);
  /**
   * Transmit counters per port come from the port's output link, which counts what it takes
   * anyway (one count fewer per packet on the hit path); these hold what earlier links of the
   * port carried, added when a relink replaces one.
   */
  #txPacketsBefore = new Float64Array(0);
  #txBytesBefore = new Float64Array(0);
  #txRingDropsBefore = new Float64Array(0);
  #txDropped = new Float64Array(0);
  readonly #createdAt: number;
  readonly #packetIn = new Set<(ev: PacketInEvent) => void>();
  upcalls = 0;
  installsSkipped = 0;
  /** Cached megaflows checked again after a flow table change (each at most once per change). */
  revalidations = 0;
  cloneFailures = 0;
  rewritesSkipped = 0;
  /** Packet-ins raised with no subscriber listening (counted, then discarded). */
  packetInsUnheard = 0;
  packetIns = 0;
  /** Packet-ins whose frame was cut to fit one OpenFlow message (`MAX_PACKET_IN_DATA`). */
  packetInsTruncated = 0;
  /** The engine clock read once per push (a real clock read per packet costs as much as a cache hit). */
  #now = 0;
  /** Current packet's ingress port, for NORMAL (set before running a program). */
  #curInPort = 0;

  constructor(ctx: AppContext, conf: OpenFlowSwitchConf) {
    super(ctx, conf, OPENFLOW_DROPS);
    this.datapathId = conf.datapathId ?? 1n;
    this.#cacheOn = conf.cache ?? true;
    this.megaflows = new MegaflowCache(conf.megaflowCapacity ?? 65536, (e) => this.#credit(e));
    this.emc = new ExactMatchCache(this.megaflows, conf.emcSlots ?? 8192);
    this.#createdAt = ctx.engine.now();
    this.pipeline = new Pipeline({
      now: () => this.engine.now(),
      ports: () => this.#portNumbers,
      ...(conf.maxFlowsPerTable !== undefined ? { maxFlowsPerTable: conf.maxFlowsPerTable } : {}),
      ...(conf.classifier !== undefined ? { classifier: conf.classifier } : {}),
    });
    this.tickInterval = NS_PER_S;
    this.#setPorts(conf.ports ?? []);
    this.#installGroups(conf.groups ?? []);
    this.#installFlows(conf.flows ?? []);
  }

  override reconfig(conf: OpenFlowSwitchConf): void {
    this.conf = conf;
    this.#cacheOn = conf.cache ?? true;
    this.#setPorts(conf.ports ?? []);
    this.settleStats();
    this.pipeline.deleteFlows({ ...allSelector() });
    this.pipeline.groupMod({ command: 'delete', groupId: OFPG_ALL, type: OFPGT_ALL, buckets: [] });
    this.#installGroups(conf.groups ?? []);
    this.#installFlows(conf.flows ?? []);
  }

  #installGroups(groups: readonly string[]): void {
    groups.forEach((text, i) => {
      let parsed;
      try {
        parsed = parseGroup(text, { portByName: (n) => this.portNumber(n) });
      } catch (e) {
        throw new Error(`openflow switch ${this.name}: groups[${i}]: ${(e as Error).message}`);
      }
      const err = this.groupMod(parsed);
      if (err !== null) throw new Error(`openflow switch ${this.name}: groups[${i}]: ${err.message} (OpenFlow error type ${err.type} code ${err.code})`);
    });
  }

  #installFlows(flows: readonly string[]): void {
    flows.forEach((text, i) => {
      let parsed;
      try {
        parsed = parseFlow(text, { actions: 'required', portByName: (n) => this.portNumber(n) });
      } catch (e) {
        throw new Error(`openflow switch ${this.name}: flows[${i}]: ${(e as Error).message}`);
      }
      const err = this.addFlow(parsed);
      if (err !== null) throw new Error(`openflow switch ${this.name}: flows[${i}]: ${err.message} (OpenFlow error type ${err.type} code ${err.code})`);
    });
  }

  #setPorts(names: readonly string[]): void {
    const n = names.length;
    this.#portNames = [...names];
    this.#portNumbers = names.map((_, i) => i + 1);
    const grow = (a: Float64Array) => {
      const b = new Float64Array(n + 1);
      b.set(a.subarray(0, Math.min(a.length, n + 1)));
      return b;
    };
    this.#rxPackets = grow(this.#rxPackets);
    this.#rxBytes = grow(this.#rxBytes);
    this.#txPacketsBefore = grow(this.#txPacketsBefore);
    this.#txBytesBefore = grow(this.#txBytesBefore);
    this.#txRingDropsBefore = grow(this.#txRingDropsBefore);
    this.#txDropped = grow(this.#txDropped);
    this.relink();
    this.pipeline.invalidate();
  }

  /** The OpenFlow port number of a port name, or undefined. */
  portNumber(name: string): number | undefined {
    const i = this.#portNames.indexOf(name);
    return i < 0 ? undefined : i + 1;
  }

  /** The port name of an OpenFlow port number, or undefined. */
  portName(port: number): string | undefined {
    return this.#portNames[port - 1];
  }

  override ports(): readonly string[] {
    return this.#portNames;
  }

  override relink(): void {
    const outLinks = [null, ...this.#portNames.map((n) => this.output[n] ?? null)];
    for (let i = 1; i < outLinks.length; i++) {
      const old = this.#outLinks[i];
      if (old === null || old === undefined || old === outLinks[i]) continue;
      this.#txPacketsBefore[i]! += old.txPackets;
      this.#txBytesBefore[i]! += old.txBytes;
      this.#txRingDropsBefore[i]! += old.drops;
    }
    this.#outLinks = outLinks;
    const inLinks: Link[] = [];
    const inPorts: number[] = [];
    this.#portNames.forEach((n, i) => {
      const l = this.input[n];
      if (l !== undefined) {
        inLinks.push(l);
        inPorts.push(i + 1);
      }
    });
    this.#inLinks = inLinks;
    this.#inPorts = Int32Array.from(inPorts);
  }

  override tick(now: number): void {
    this.settleStats();
    this.pipeline.expire(now);
    this.pipeline.fdb.age(now, 300 * NS_PER_S);
  }

  override push(): void {
    this.#now = this.engine.now();
    const links = this.#inLinks;
    const ports = this.#inPorts;
    const emc = this.emc;
    const words = emc.words;
    const mask = emc.slots - 1;
    const stats = this.megaflows.stats;
    const cacheOn = this.#cacheOn;
    const now = this.#now;
    for (let k = 0; k < links.length; k++) {
      const l = links[k]!;
      if (l.empty()) continue;
      const port = ports[k]!;
      let packets = 0;
      let bytes = 0;
      const rawPort = port | RAW_KEY_TAG;
      while (!l.empty()) {
        const p = l.receive();
        const len = p.len;
        packets++;
        bytes += len;
        // The commonest packet is forwarded here, inside this loop: an untagged IPv4 frame whose
        // raw key hits an EMC slot of a valid megaflow with a single output. This is
        // `extractRawIpv4Hashed` and #process's probe written out, the key compared from locals
        // and never stored (a test ties the two; 1.09-1.28x on the cache-hit bench over calling
        // #process for every packet). A clean miss goes on past the cache with the key it has;
        // anything else, or any doubt, goes to #process, which starts over.
        const at = p.base + p.off;
        const m = p.pool.words;
        const i = at >> 2;
        if (RAW_KEYS && (at & 3) === 0 && len >= 40 && (m[i + 3]! & 0x00ff_ffff) === 0x0045_0008 && p.traceId === 0 && cacheOn) {
          const typeVer = m[i + 3]!;
          const fragTtlProto = m[i + 5]!;
          const l4 = rawKeyL4Words(fragTtlProto);
          const w8 = l4 === 0 ? m[i + 8]! & 0xffff : m[i + 8]!;
          const w9 = l4 === 2 ? m[i + 9]! & 0xffff : 0;
          const w7 = m[i + 7]!;
          const w0 = m[i]!;
          const w6 = rawKeyWord6(m, i);
          const tun = p.tunnelId | 0;
          const hash = rawKeyHash(w8, w7, w9, w0, w6, rawPort, tun, fragTtlProto);
          let s = emcFirstSlot(hash, mask);
          const w1 = m[i + 1]!;
          const w2 = m[i + 2]!;
          if (!emcSlotHoldsRaw(words, s, w8, w7, w9, w0, w2, rawPort, tun, w1, typeVer, fragTtlProto, w6)) {
            s = emcSecondSlot(hash, mask);
            if (!emcSlotHoldsRaw(words, s, w8, w7, w9, w0, w2, rawPort, tun, w1, typeVer, fragTtlProto, w6)) s = -1;
          }
          if (s < 0) {
            // A clean miss: the key is stored for the insert (in `extractRawIpv4Hashed`'s layout;
            // words 11 and 12 stay zero) and the packet goes on from there.
            const ek = this.#rawKey;
            ek[0] = w8;
            ek[1] = w7;
            ek[2] = w9;
            ek[3] = w0;
            ek[4] = w2;
            ek[5] = rawPort;
            ek[6] = tun;
            ek[7] = w1;
            ek[8] = typeVer;
            ek[9] = fragTtlProto;
            ek[10] = w6;
            emc.misses++;
            this.#pastExactMatch(p, port, ek, hash, true);
            continue;
          }
          const row = words[s + EMC_ROW]! * MF_STRIDE;
          const out = words[s + EMC_OUT]!;
          if (out > 0 && emcSlotLive(words, stats, s) && stats[row + MF_VALID_AT] === this.pipeline.generation) {
            const link = this.#outLinks[out];
            if (link !== null && link !== undefined) {
              emc.rawHits++;
              stats[row + MF_PACKETS]!++;
              stats[row + MF_BYTES]! += len;
              stats[row + MF_USED] = now;
              link.transmit(p);
              continue;
            }
          }
        }
        this.#process(p, port);
      }
      this.#rxPackets[port]! += packets;
      this.#rxBytes[port]! += bytes;
    }
  }

  /**
   * The fast path: one pass over the headers gives the key and its hash, the exact-match cache
   * compares ingress words with an early exit, and a hit reads the EMC slot and its megaflow's
   * stats row and nothing else; a hit whose program is a single output goes straight to that
   * port's link. Everything else falls through to the megaflow cache and then the pipeline.
   */
  #process(p: Packet, inPort: number): void {
    const pool = p.pool;
    const at = p.base + p.off;
    const len = p.len;
    const tun = p.tunnelId;
    // The exact-match key: raw header words for untagged IPv4 (cheaper to read), else the ingress key.
    let ek = this.#rawKey;
    let hash = RAW_KEYS ? extractRawIpv4Hashed(pool.words, at, len, inPort, tun, ek) : -1;
    const raw = hash >= 0;
    if (!raw) {
      ek = this.#ikey;
      hash = extractIngressHashed(pool.memory, at, len, inPort, tun, ek);
      if (hash < 0) return this.drop(p, 'runt');
    }
    const gen = this.pipeline.generation;
    if (p.traceId === 0 && this.#cacheOn) {
      const emc = this.emc;
      // The exact-match probe, written out here rather than called (`ExactMatchCache.find`):
      // a hit then runs in this one function. Slot a, then slot b, as `find` probes them.
      const words = emc.words;
      const stats = this.megaflows.stats;
      const mask = emc.slots - 1;
      let slot = emcFirstSlot(hash, mask);
      if (!emcSlotHolds(words, slot, ek)) {
        slot = emcSecondSlot(hash, mask);
        if (!emcSlotHolds(words, slot, ek)) slot = -1;
      }
      if (slot >= 0 && emcSlotLive(words, stats, slot)) {
        const index = words[slot + EMC_ROW]!;
        const row = index * MF_STRIDE;
        if (stats[row + MF_VALID_AT] === gen || this.#revalidate(this.megaflows.entryAt(index)!, gen)) {
          emc.hits++;
          stats[row + MF_PACKETS]!++;
          stats[row + MF_BYTES]! += len;
          stats[row + MF_USED] = this.#now;
          const out = words[slot + EMC_OUT]!;
          if (out > 0) {
            const link = this.#outLinks[out];
            if (link !== null && link !== undefined) {
              link.transmit(p);
              return;
            }
          }
          // A program other than a single output may read the ingress port (IN_PORT, NORMAL, learn).
          p.inPort = inPort;
          this.#curInPort = inPort;
          const e = this.megaflows.entryAt(index)!;
          runProgram(e.ops, e.refs, 0, e.ops.length, p, this);
          return;
        }
      }
      emc.misses++;
    }
    this.#pastExactMatch(p, inPort, ek, hash, raw);
  }

  /**
   * A packet the exact-match cache did not answer (or that skips it: traced, or the cache off):
   * the megaflow cache, then the pipeline. `ek` and `hash` are its exact-match key and hash, for
   * the insert; `raw` says whether that key is a raw key.
   */
  #pastExactMatch(p: Packet, inPort: number, ek: Int32Array, hash: number, raw: boolean): void {
    const len = p.len;
    // Past the exact-match cache everything works on the flow key, so a raw key's frame is read again as fields.
    if (raw) extractIngressHashed(p.pool.memory, p.base + p.off, len, inPort, p.tunnelId, this.#ikey);
    p.inPort = inPort;
    this.#curInPort = inPort;
    const key = this.#key;
    scatterIngress(this.#ikey, key);
    if (p.traceId !== 0) return this.#traced(p);
    if (!this.#cacheOn) return this.#slowPath(p, false, ek, hash);
    const gen = this.pipeline.generation;
    let e = this.megaflows.lookup(key);
    // A stale entry that fails revalidation leaves the cache; another may still cover the key.
    while (e !== null && e.validAt !== gen && !this.#revalidate(e, gen)) e = this.megaflows.lookup(key);
    if (e === null) return this.#slowPath(p, true, ek, hash);
    this.emc.insert(ek, hash, e);
    const stats = this.megaflows.stats;
    const row = e.index * MF_STRIDE;
    stats[row + MF_PACKETS]!++;
    stats[row + MF_BYTES]! += len;
    stats[row + MF_USED] = this.#now;
    // As on an EMC hit, a single output goes straight to its link: the program is not read.
    const out = e.outPort;
    if (out > 0) {
      const link = this.#outLinks[out];
      if (link !== null && link !== undefined) {
        link.transmit(p);
        return;
      }
    }
    runProgram(e.ops, e.refs, 0, e.ops.length, p, this);
  }

  /**
   * Revalidates a cached megaflow built before the flow tables last changed (see cache.ts): its
   * masked key is translated again without side effects; the entry stays if the translation runs
   * the same program through the same rules and tables and examines no bit outside its mask.
   * Otherwise it leaves the cache. Runs at most once per entry per generation, on its first hit.
   */
  #revalidate(e: MegaflowEntry, gen: number): boolean {
    this.revalidations++;
    const key = e.maskedKey(this.#revalKey);
    const xl = this.#revalXl;
    this.pipeline.xlate(key, 0, xl, null, null, true);
    if (sameTranslation(e, xl)) {
      e.validAt = gen;
      return true;
    }
    this.megaflows.remove(e);
    return false;
  }

  /**
   * Credits a megaflow's pending hits to the flow entries and tables its translation went
   * through. Hits are counted on the megaflow (one object, not one per rule and table) and
   * settled here: before every read of flow or table statistics, every flow table change, the
   * timeout scan, and when the megaflow leaves the cache. So counters read the same as if each
   * hit had been counted on its rules at once (as the uncached switch does).
   */
  #credit(e: MegaflowEntry): void {
    const n = e.pendingPackets;
    if (n === 0) return;
    const rules = e.rules;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i]!;
      r.packetCount += n;
      r.byteCount += e.pendingBytes;
      if (e.pendingUsed > r.lastUsed) r.lastUsed = e.pendingUsed;
    }
    this.pipeline.countTables(e.tables, n);
    e.creditedPackets += n;
    e.creditedBytes += e.pendingBytes;
    e.pendingPackets = 0;
    e.pendingBytes = 0;
  }

  /** Empties both caches (their hits credited first), like `ovs-appctl dpctl/del-flows`. */
  flushCaches(): void {
    this.megaflows.flush();
    this.emc.flush();
  }

  /** Settles every cached megaflow's pending hits (see `#credit`). */
  settleStats(): void {
    this.megaflows.forEach((e) => this.#credit(e));
  }

  /** An upcall; with `install`, the megaflow it makes goes into both caches, the EMC under `emcKey` (raw or ingress) and `hash`. */
  #slowPath(p: Packet, install: boolean, emcKey: Int32Array, hash: number): void {
    this.upcalls++;
    const pl = this.pipeline;
    const gen = pl.generation;
    const xl = this.#xl;
    pl.xlate(this.#key, p.len, xl);
    if (install) {
      if (pl.generation === gen) {
        const e = this.megaflows.insert(this.#key, xl.wc, xl.ops.slice(), xl.refs.slice(), xl.rules.slice(), xl.tables.slice());
        e.validAt = gen;
        this.emc.insert(emcKey, hash, e);
      } else this.installsSkipped++;
    }
    runProgram(xl.ops, xl.refs, 0, xl.ops.length, p, this);
  }

  /** A traced packet takes the slow path with the tracer on, noting each step in the engine trace. */
  #traced(p: Packet): void {
    const lines: string[] = [];
    const tracer = ofprotoTracer(lines, (port) => this.portName(port));
    const xl = new Xlation();
    this.upcalls++;
    this.pipeline.xlate(this.#key, p.len, xl, tracer);
    for (const l of lines) this.note(p, l);
    this.note(p, `Datapath actions: ${formatDatapath(xl, this)}`);
    runProgram(xl.ops, xl.refs, 0, xl.ops.length, p, this);
  }

  // ---- DatapathSink ----

  toPort(p: Packet, port: number): void {
    if (port < 1 || port > this.#portNames.length) return this.drop(p, 'no-such-port');
    const link = this.#outLinks[port];
    if (link === null || link === undefined) {
      this.#txDropped[port]!++;
      return this.drop(p, 'port-unlinked');
    }
    if (p.traceId !== 0) this.note(p, `output to ${this.#portNames[port - 1]} (port ${port})`);
    link.transmit(p);
  }

  normal(p: Packet): void {
    const inPort = this.#curInPort;
    const b = p.buf;
    const o = p.off;
    const v = p.view;
    const tagged = p.len >= 18 && b[o + 12] === 0x81 && b[o + 13] === 0x00;
    const vlan = tagged ? v.getUint16(o + 14) & 0xfff : 0;
    const srcHi = v.getUint16(o + 6);
    const srcLo = v.getUint32(o + 8);
    const fdb = this.pipeline.fdb;
    const now = this.engine.now();
    if ((srcHi & 0x100) === 0) {
      fdb.clock = now;
      const r = fdb.learnWords(srcHi, srcLo | 0, vlan, inPort);
      if (p.traceId !== 0 && (r === LEARN_NEW || r === LEARN_MOVED)) this.note(p, `NORMAL: learned ${(srcHi * TWO_POW_32 + srcLo).toString(16)} on port ${inPort} vlan ${vlan}`);
    }
    const dstHi = v.getUint16(o);
    const dstLo = v.getUint32(o + 2);
    const out = (dstHi & 0x100) !== 0 ? -1 : fdb.lookupWords(dstHi, dstLo, vlan);
    if (out === inPort) return this.drop(p, 'same-port');
    if (out > 0) return this.toPort(p, out);
    let prev = -1;
    for (let q = 1; q <= this.#portNames.length; q++) {
      if (q === inPort || this.#outLinks[q] === null) continue;
      if (prev > 0) {
        const c = this.clone(p);
        if (c === null) this.cloneFailures++;
        else this.toPort(c, prev);
      }
      prev = q;
    }
    if (prev < 0) return this.drop(p, 'no-egress');
    this.toPort(p, prev);
  }

  override clone(p: Packet): Packet | null {
    const q = super.clone(p);
    if (q === null) this.cloneFailures++;
    return q;
  }

  controller(p: Packet, maxLen: number, reason: number, table: number, cookie: bigint): void {
    this.packetIns++;
    if (this.#packetIn.size === 0) {
      this.packetInsUnheard++;
      return;
    }
    // An OpenFlow message is at most 65535 bytes: a larger frame (a TAP's 64 KB TSO packet) goes
    // up cut to what fits beside the header and match, its total_len capped at 16 bits too.
    let n = maxLen === OFPCML_NO_BUFFER ? p.len : Math.min(maxLen, p.len);
    if (n > MAX_PACKET_IN_DATA) {
      n = MAX_PACKET_IN_DATA;
      this.packetInsTruncated++;
    }
    const match = emptyMatch();
    setMatchField(match, F.in_port, BigInt(p.inPort));
    if (p.tunnelId !== 0) setMatchField(match, F.tun_id, BigInt(p.tunnelId));
    const ev: PacketInEvent = { reason: reason as PacketInEvent['reason'], table, cookie, match, data: p.buf.slice(p.off, p.off + n), totalLen: Math.min(p.len, 0xffff) };
    for (const h of this.#packetIn) h(ev);
  }

  learn(ref: unknown): void {
    this.pipeline.learn(ref as LearnRef);
  }

  finish(p: Packet, delivered: boolean): void {
    if (delivered) this.consume(p);
    else this.drop(p, 'no-output');
  }

  rewriteSkipped(): void {
    this.rewritesSkipped++;
  }

  // ---- Control API ----

  addFlow(mod: FlowMod): OfError | null {
    this.settleStats();
    return this.pipeline.addFlow(mod);
  }

  modifyFlows(filter: FlowFilter, instructions: readonly Instruction[], flags: number): OfError | null {
    this.settleStats();
    return this.pipeline.modifyFlows(filter, instructions, flags);
  }

  deleteFlows(filter: FlowFilter): OfError | null {
    this.settleStats();
    return this.pipeline.deleteFlows(filter);
  }

  flowStats(filter: FlowFilter): FlowStats[] {
    this.settleStats();
    return this.pipeline.flowStats(filter);
  }

  aggregateStats(filter: FlowFilter): AggregateStats {
    this.settleStats();
    return this.pipeline.aggregateStats(filter);
  }

  tableStats(): TableStats[] {
    this.settleStats();
    return this.pipeline.tableStats();
  }

  portStats(port: number): PortStats[] {
    const now = this.engine.now();
    const out: PortStats[] = [];
    for (let i = 1; i <= this.#portNames.length; i++) {
      if (port !== 0xffffffff && port !== i) continue;
      const link = this.#outLinks[i] ?? null;
      out.push({
        port: i,
        name: this.#portNames[i - 1]!,
        rxPackets: this.#rxPackets[i]!,
        txPackets: this.#txPacketsBefore[i]! + (link?.txPackets ?? 0),
        rxBytes: this.#rxBytes[i]!,
        txBytes: this.#txBytesBefore[i]! + (link?.txBytes ?? 0),
        rxDropped: 0,
        // Unlinked ports, and a full output link (its overflow counter).
        txDropped: this.#txDropped[i]! + this.#txRingDropsBefore[i]! + (link?.drops ?? 0),
        durationNs: now - this.#createdAt,
      });
    }
    return out;
  }

  portDescs(): PortDesc[] {
    return this.#portNames.map((name, i) => ({ port: i + 1, name, hwAddr: 0x020000000000 + Number(this.datapathId & 0xffffn) * 0x100 + i + 1 }));
  }

  groupMod(mod: GroupMod): OfError | null {
    this.settleStats();
    return this.pipeline.groupMod(mod);
  }

  groupStats(groupId: number): GroupStats[] {
    return this.pipeline.groupStats(groupId);
  }

  /** Group descriptions for OFPMP_GROUP_DESC (ovs-ofctl dump-groups), by group id. */
  groupDescs(): GroupDesc[] {
    return this.pipeline.groups().map((g) => ({ groupId: g.id, type: g.type, buckets: g.buckets }));
  }

  packetOut(inPort: number, actions: readonly Action[], data: Uint8Array): OfError | null {
    if (!(inPort >= 1 && inPort <= this.#portNames.length) && inPort !== OFPP_CONTROLLER && inPort !== OFPP_LOCAL) {
      return ofError(OFPET_BAD_REQUEST, OFPBRC_BAD_PORT, `packet-out in_port ${inPort} is not a port of this switch`);
    }
    const bad = this.pipeline.validateActions(actions);
    if (bad !== null) return bad;
    const p = this.alloc();
    if (p === null) {
      this.countDrop('pool-empty');
      return null;
    }
    if (!p.setData(data)) {
      this.drop(p, 'pool-empty');
      return null;
    }
    const port = inPort > OFPP_MAX ? 0 : inPort;
    p.inPort = port;
    extractFlowKey(p.buf, p.off, p.len, inPort, 0, this.#key);
    this.#curInPort = port;
    const xl = new Xlation();
    this.pipeline.xlate(this.#key, p.len, xl, null, actions);
    runProgram(xl.ops, xl.refs, 0, xl.ops.length, p, this);
    return null;
  }

  onPacketIn(handler: (ev: PacketInEvent) => void): () => void {
    this.#packetIn.add(handler);
    return () => this.#packetIn.delete(handler);
  }

  onFlowRemoved(handler: (ev: FlowRemovedEvent) => void): () => void {
    return this.pipeline.onFlowRemoved(handler);
  }

  fastPathStats(): FastPathStats {
    const m = this.megaflows;
    return {
      emcLookups: this.emc.lookups, emcHits: this.emc.hits + this.emc.rawHits, emcRawHits: this.emc.rawHits, emcEntries: this.emc.size,
      emcReplacements: this.emc.replacements, emcReplacementsSkipped: this.emc.replacementsSkipped,
      megaflowLookups: m.lookups, megaflowHits: m.hits, megaflowEntries: m.size, megaflowCapacity: m.capacity,
      masks: m.maskCount, masksProbed: m.masksProbed, upcalls: this.upcalls, evictions: m.evictions, flushes: m.flushes,
      revalidations: this.revalidations, revalidationRemovals: m.removals, installsSkipped: this.installsSkipped,
    };
  }

  /** The cached megaflows, as `ovs-appctl dpctl/dump-flows` lists a datapath's flows. */
  datapathFlows(): DatapathFlow[] {
    this.settleStats();
    return this.megaflows.entries().map((e) => ({
      match: { value: e.maskedKey(new Uint32Array(FLOW_WORDS)), mask: Uint32Array.from(e.mask) },
      packets: e.creditedPackets,
      bytes: e.creditedBytes,
      usedNs: e.pendingUsed > 0 ? e.pendingUsed : null,
      actions: formatProgram(e.ops, e.refs, (p) => String(p)),
    }));
  }

  /** Flow entries, for dumps. */
  entries(): FlowEntry[] {
    this.settleStats();
    return this.pipeline.entries();
  }
}

/** Whether a new translation of a cached entry's key gives the entry's answer, within its mask. */
function sameTranslation(e: MegaflowEntry, xl: Xlation): boolean {
  const mask = e.mask;
  const wc = xl.wc;
  for (let i = 0; i < FLOW_WORDS; i++) if ((wc[i]! & ~mask[i]!) !== 0) return false;
  if (!sameNumbers(e.ops, xl.ops) || !sameNumbers(e.tables, xl.tables)) return false;
  if (e.rules.length !== xl.rules.length || e.refs.length !== xl.refs.length) return false;
  for (let i = 0; i < e.rules.length; i++) if (e.rules[i] !== xl.rules[i]) return false;
  for (let i = 0; i < e.refs.length; i++) if (!sameXlateRef(e.refs[i], xl.refs[i])) return false;
  return true;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function allSelector(): FlowFilter {
  return { table: 0xff, match: emptyMatch(), outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, strict: false, priority: 0 };
}

function formatDatapath(xl: Xlation, sw: OpenFlowSwitch): string {
  return formatProgram(xl.ops, xl.refs, (port) => sw.portName(port) ?? String(port));
}
