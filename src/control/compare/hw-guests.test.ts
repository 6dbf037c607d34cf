import { nicConformance } from '../../testing/nic-conformance.js';
import { HW_NIC_KINDS, hwGuestPair } from './hw-guests.js';

// The same suite virtio and veth pass: ping, UDP payloads, MTU-size frames, broadcast, counters, conservation.
for (const kind of HW_NIC_KINDS) nicConformance(kind, () => hwGuestPair(kind));
