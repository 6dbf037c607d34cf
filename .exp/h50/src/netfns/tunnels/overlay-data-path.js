const ETH = 14;
const IPV4 = 20;
/** Words of a remote's outer header template (see `outer`). */
export const OUTER_WORDS = 9;
export class OverlayDataPath {
    constructor(init) {
        this.ipProtocol = init.ipProtocol;
        this.tunnelLen = init.tunnelLen;
        this.udpPort = init.udpPort;
        this.encapLen = ETH + IPV4 + init.tunnelLen;
        this.ip = init.ip >>> 0;
        this.macHi = init.macHi;
        this.macLo = init.macLo;
        this.learning = init.learning;
        this.overlayMtu = init.overlayMtu;
        this.untagged = init.untagged;
        this.tagged = init.tagged;
        this.trunk = init.trunk;
        this.flow = init.flow;
        this.segmentIds = init.segmentIds;
        this.segmentIndex = init.segmentIndex;
        this.segmentIsIp = init.segmentIsIp;
        this.members = init.members;
        this.floodTo = init.floodTo;
        this.arpSuppress = init.arpSuppress;
        this.remoteIps = init.remoteIps;
        this.remoteByIp = init.remoteByIp;
        this.remoteNextHop = init.remoteNextHop;
        this.remoteResolved = new Uint8Array(init.remoteIps.length);
        this.allowed = init.allowed;
        this.remoteSum = init.remoteSum;
        this.outer = init.outer;
        this.fdb = init.fdb;
        this.tunnelWords = new Int32Array(0);
        this.tunnelStride = 0;
        this.outLinks = [];
        this.underlayOut = null;
        this.ipId = 0;
        this.innerOffset = 0;
        this.innerEnd = 0;
        this.encapsulated = 0;
        this.decapsulated = 0;
        this.floods = 0;
        this.arpSuppressed = 0;
        this.fragNeeded = 0;
        this.learnedRemote = 0;
        this.cloneFailures = 0;
    }
    /** The segment index of a VNI or key, or -1. */
    segmentOf(id) {
        return this.segmentIndex.get(id);
    }
    /** Whether remote `r` may send and receive on segment `seg`. */
    mayUse(r, seg) {
        return this.allowed[r * this.segmentIds.length + seg] === 1;
    }
}
//# sourceMappingURL=overlay-data-path.js.map