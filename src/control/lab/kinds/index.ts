/** The node kinds a lab file may use. A new kind is a file in this folder and a line here. */
import { bridgeKind } from './bridge.js';
import { deviceKind } from './device.js';
import { hostKind } from './host.js';
import { natKind } from './nat.js';
import { openflowSwitchKind } from './openflow-switch.js';
import { portFilterKind } from './port-filter.js';
import { routerKind } from './router.js';
import { vtepKind } from './vtep.js';
import { sriovNicKind } from './sriov-nic.js';
import { vmKind } from './vm.js';
import { qemuKind } from './qemu.js';
import { vhostUserKind } from './vhost-user.js';
import type { NodeKind } from './kind.js';

export const NODE_KINDS: readonly NodeKind<any>[] = [bridgeKind, hostKind, routerKind, natKind, portFilterKind, vtepKind, sriovNicKind, deviceKind, vmKind, openflowSwitchKind, qemuKind, vhostUserKind];

export type { NodeKind } from './kind.js';
