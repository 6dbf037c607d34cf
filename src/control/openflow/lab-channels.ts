/**
 * The OpenFlow channels of a running lab: one `OpenFlowChannel` for every openflow-switch node
 * with `listen` (ptcp:PORT[:HOST]) or `controller` (tcp:HOST:PORT) in its lab file. `vnet lab up`
 * starts them in both of its modes, emulated and `--real`, so a controller or the real ovs-ofctl
 * programs the same switch whichever kind of traffic crosses it. The channels run on the event
 * loop of the engine's thread, so a message is handled between two breaths, never during one.
 */
import type { Engine } from '../../engine/engine.js';
import type { LabModel } from '../lab/model.js';
import type { OpenFlowSwitchApi } from '../../netfns/openflow/types.js';
import type { GroupDesc } from '../../netfns/openflow/wire/messages.js';
import { OpenFlowChannel } from './channel.js';

/** One switch's channel as a state file records it: bound listeners and controller targets. */
export interface LabChannelDesc {
  readonly node: string;
  readonly listen: readonly string[];
  readonly connect: readonly string[];
}

export interface LabChannels {
  readonly channels: readonly OpenFlowChannel[];
  readonly described: readonly LabChannelDesc[];
  stop(): Promise<void>;
}

function asTargets(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

function isSwitchApi(app: unknown): app is OpenFlowSwitchApi {
  const a = app as Partial<OpenFlowSwitchApi> | null;
  return a !== null && typeof a.addFlow === 'function' && typeof a.flowStats === 'function' && typeof a.onPacketIn === 'function' && typeof a.datapathId === 'bigint';
}

/**
 * Starts the channels of `model`'s switches, whose apps are in `engine` under `appPrefix + node`.
 * Resolves once every listener is bound; if one cannot bind, the ones started are stopped and
 * the error names the node.
 */
export async function startLabChannels(model: LabModel, engine: Engine, log: (line: string) => void, appPrefix = ''): Promise<LabChannels> {
  const channels: OpenFlowChannel[] = [];
  const described: LabChannelDesc[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(channels.map((c) => c.stop()));
  };
  for (const [name, node] of Object.entries(model.nodes)) {
    if (node.kind !== 'openflow-switch') continue;
    const fields = node as unknown as Record<string, unknown>;
    const listen = asTargets(fields['listen']);
    const connect = asTargets(fields['controller']);
    if (listen.length + connect.length === 0) continue;
    const app = engine.app(`${appPrefix}${name}`);
    if (!isSwitchApi(app)) throw new Error(`node ${name}: its app does not offer the OpenFlow switch API`);
    const withGroups = app as OpenFlowSwitchApi & { groupDescs?: () => readonly GroupDesc[] };
    const channel = new OpenFlowChannel(app, {
      targets: [...listen, ...connect],
      desc: { manufacturer: 'vnet', hardware: 'vnet emulated OpenFlow switch', software: 'vnet', serial: 'None', datapath: `${model.name}/${name}` },
      ...(typeof withGroups.groupDescs === 'function' ? { groupDescs: () => withGroups.groupDescs!() } : {}),
      log: (line) => log(`${name}: ${line}`),
    });
    try {
      await channel.start();
    } catch (e) {
      await channel.stop();
      await stop();
      throw new Error(`node ${name}: OpenFlow channel ${[...listen, ...connect].join(', ')}: ${(e as Error).message}`);
    }
    channels.push(channel);
    described.push({ node: name, listen: channel.listenAddresses().map((a) => `ptcp:${a.port}:${a.host}`), connect });
  }
  return { channels, described, stop };
}
