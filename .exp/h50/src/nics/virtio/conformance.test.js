import { nicConformanceForAllKinds } from '../../testing/nic-conformance.js';
nicConformanceForAllKinds();
//# sourceMappingURL=conformance.test.js.map