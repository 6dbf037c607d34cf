import { nicConformanceForAllKinds } from '../../testing/nic-conformance.js';

nicConformanceForAllKinds();
