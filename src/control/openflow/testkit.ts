/**
 * A switch control API for tests of the channel: every flow, group and stats operation is the
 * real OpenFlow `Pipeline`; the ports are a fixed list whose counters the test sets, and
 * PACKET_OUT and PACKET_IN go through a recorder (what the switch app does with them is that
 * app's business, tested beside it).
 */
import { Pipeline } from '../../netfns/openflow/pipeline.js';
import {
  OFPP_ANY,
  type Action,
  type FlowRemovedEvent,
  type OfError,
  type OpenFlowSwitchApi,
  type PacketInEvent,
  type PortDesc,
  type PortStats,
} from '../../netfns/openflow/types.js';
import type { GroupDesc } from '../../netfns/openflow/wire/messages.js';

export interface PacketOutCall {
  readonly inPort: number;
  readonly actions: readonly Action[];
  readonly data: Uint8Array;
}

export class RecordingSwitch implements OpenFlowSwitchApi {
  readonly datapathId: bigint;
  readonly nTables = 254;
  readonly pipeline: Pipeline;
  readonly ports: PortDesc[];
  readonly portCounters = new Map<number, Omit<PortStats, 'port' | 'name' | 'durationNs'>>();
  readonly packetOuts: PacketOutCall[] = [];
  readonly #packetIn = new Set<(ev: PacketInEvent) => void>();

  constructor(datapathId: bigint, ports: readonly PortDesc[]) {
    this.datapathId = datapathId;
    this.ports = [...ports];
    this.pipeline = new Pipeline({ now: () => 0, ports: () => this.ports.map((p) => p.port) });
  }

  addFlow: OpenFlowSwitchApi['addFlow'] = (mod) => this.pipeline.addFlow(mod);
  modifyFlows: OpenFlowSwitchApi['modifyFlows'] = (f, i, flags) => this.pipeline.modifyFlows(f, i, flags);
  deleteFlows: OpenFlowSwitchApi['deleteFlows'] = (f) => this.pipeline.deleteFlows(f);
  flowStats: OpenFlowSwitchApi['flowStats'] = (f) => this.pipeline.flowStats(f);
  aggregateStats: OpenFlowSwitchApi['aggregateStats'] = (f) => this.pipeline.aggregateStats(f);
  tableStats: OpenFlowSwitchApi['tableStats'] = () => this.pipeline.tableStats();
  groupMod: OpenFlowSwitchApi['groupMod'] = (m) => this.pipeline.groupMod(m);
  groupStats: OpenFlowSwitchApi['groupStats'] = (g) => this.pipeline.groupStats(g);

  groupDescs(): GroupDesc[] {
    return this.pipeline.groups().map((g) => ({ groupId: g.id, type: g.type, buckets: g.buckets }));
  }

  portStats(port: number): PortStats[] {
    return this.ports
      .filter((p) => port === OFPP_ANY || p.port === port)
      .map((p) => ({ port: p.port, name: p.name, rxPackets: 0, txPackets: 0, rxBytes: 0, txBytes: 0, rxDropped: 0, txDropped: 0, ...this.portCounters.get(p.port), durationNs: 2_500_000_000 }));
  }

  portDescs(): PortDesc[] {
    return [...this.ports];
  }

  packetOut(inPort: number, actions: readonly Action[], data: Uint8Array): OfError | null {
    const e = this.pipeline.validateActions(actions);
    if (e !== null) return e;
    this.packetOuts.push({ inPort, actions, data });
    return null;
  }

  onPacketIn(handler: (ev: PacketInEvent) => void): () => void {
    this.#packetIn.add(handler);
    return () => this.#packetIn.delete(handler);
  }

  onFlowRemoved(handler: (ev: FlowRemovedEvent) => void): () => void {
    return this.pipeline.onFlowRemoved(handler);
  }

  /** Raises a packet-in as the switch would. */
  emitPacketIn(ev: PacketInEvent): void {
    for (const h of this.#packetIn) h(ev);
  }
}
