import { bridgeSuite } from './bridge.js';
import { engineSuite } from './engine.js';
import { lpmSuite } from './lpm.js';
import { natSuite } from './nat.js';
import { openflowSuite } from './openflow.js';
import { realSuite } from './real.js';
import { realVxlanSuite } from './real-vxlan.js';
import { routerSuite } from './router.js';
import { scaleSuite } from './scale.js';
import { tunnelsSuite } from './tunnels.js';
import { vhostUserSuite } from './vhost-user.js';
import { virtqueueSuite } from './virtqueue.js';
export const suites = [engineSuite, bridgeSuite, scaleSuite, natSuite, lpmSuite, routerSuite, tunnelsSuite, virtqueueSuite, openflowSuite, vhostUserSuite, realSuite, realVxlanSuite];
//# sourceMappingURL=index.js.map