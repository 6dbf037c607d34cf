/**
 * A node kind of the lab file: how its fields are validated, what JSON schema describes them,
 * and how it becomes apps on the engine graph. Kinds are listed in kinds/index.ts; adding a kind
 * is adding a file and a line there, never editing the loader or the runtime.
 */
import type { Graph } from '../../../engine/engine.js';
import type { Endpoint, LabModel, NodeModel } from '../model.js';
import type { Path, Validator } from '../validator.js';

export interface NodeKind<M extends NodeModel = NodeModel> {
  /** The canonical `kind:` value. */
  readonly name: string;
  /** Other `kind:` values that mean the same (containerlab names). */
  readonly aliases: readonly string[];
  /** One-line description for docs and `vnet lab kinds`. */
  readonly description: string;
  /** JSON schema of the node's own fields (the loader adds `kind`). */
  readonly schemaProperties: Readonly<Record<string, unknown>>;
  /** Validates a node; problems go to the validator. */
  parse(v: Validator, node: Record<string, unknown>, path: Path): M;
  /** Validates what needs the links: e.g. every interface connected, endpoints that exist. */
  checkLinks?(v: Validator, name: string, model: M, links: readonly { readonly endpoint: Endpoint; readonly path: Path }[], path: Path): void;
  /** The app holding the node's IP stack (a Host) when the node has one apart from the node app (a VM's guest): checks ping from and to it. */
  ipStackApp?(name: string): string;
  /** Whether the node exchanges packets with the real world, so its lab must run on the wall clock. */
  needsWallClock?(model: M): boolean;
  /** Adds the node's apps to the graph; the app named after the node owns its link ports. */
  build(graph: Graph, name: string, model: M, lab: LabModel, env: BuildEnv): void;
}

/** What a lab is being built for: nodes that talk to the real world need the wall clock. */
export interface BuildEnv {
  /**
   * The engine runs on the wall clock: `vnet lab up`, real labs, the daemon, and `lab run` of a
   * lab with a node for which `needsWallClock` holds. False for other `lab run`s, the shell and
   * offline commands, whose virtual clock jumps ahead whenever nothing is due.
   */
  readonly wallClock: boolean;
  /** Rung by I/O workers to wake a sleeping engine loop (real labs); without it the loop polls. */
  readonly doorbell?: SharedArrayBuffer;
}

/** The environment of an emulated lab on the virtual clock. */
export const VIRTUAL_CLOCK_ENV: BuildEnv = { wallClock: false };

/** The environment of a lab on the wall clock, with the loop's doorbell when there is one. */
export function wallClockEnv(doorbell: SharedArrayBuffer | undefined): BuildEnv {
  return doorbell === undefined ? { wallClock: true } : { wallClock: true, doorbell };
}
