import { CTRL_RST, CTRL_SLU, DESC_SIZE, E1000_MMIO_SIZE, EEPROM_CHECKSUM_WORD, EEPROM_SUM, EEPROM_WORDS, EERD_ADDR_SHIFT, EERD_DATA_SHIFT, EERD_DONE, EERD_START, ICR_LSC, ICR_RXDMT0, ICR_RXO, ICR_RXT0, ICR_TXDW, ICR_TXQE, MTA_WORDS, RA_PAIRS, RAH_AV, RCTL_BAM, RCTL_EN, RCTL_MO_SHIFT, RCTL_MPE, RCTL_RDMTS_SHIFT, RCTL_UPE, REG, RING_LEN_MASK, RXD_STAT_DD, RXD_STAT_EOP, STATUS_FD, STATUS_LU, STATUS_SPEED_1000, TCTL_EN, TXD_CMD_DEXT, TXD_CMD_EOP, TXD_CMD_RPS, TXD_CMD_RS, TXD_STAT_DD, registerName, rxBufferSize, } from './regs.js';
import { copyBytes } from '../../engine/copy-bytes.js';
/** Why a received frame did not reach the guest. */
export const RX_OK = 0;
export const RX_DISABLED = 1;
export const RX_FILTERED = 2;
export const RX_NO_DESCRIPTORS = 3;
export const RX_DMA_FAULT = 4;
export const RX_TOO_LONG = 5;
const WORDS = E1000_MMIO_SIZE >>> 2;
const MIN_FRAME = 60;
/** Largest frame without RCTL.LPE: 1518 with FCS, so 1514 + a VLAN tag here (frames carry no FCS). */
const MAX_FRAME = 1522;
const MAX_FRAME_LPE = 16384;
const MTA_SHIFT = [4, 3, 2, 0];
export class E1000Device {
    memory;
    mac;
    #hooks;
    /** The register file, indexed by offset / 4. */
    #regs = new Uint32Array(WORDS);
    #eeprom = new Uint16Array(EEPROM_WORDS);
    #readOps = new Array(WORDS).fill(undefined);
    #writeOps = new Array(WORDS).fill(undefined);
    /** Traps per register (index = offset / 4): the cost of full emulation, register by register. */
    trapsByRegister = new Float64Array(WORDS);
    #lineUp = false;
    #txFrame = null;
    #txFrameBad = false;
    /** Register accesses by the guest (each one a VM exit). */
    traps = 0;
    /** Accesses to offsets that are not registers, misaligned, or outside the BAR (ignored). */
    badAccesses = 0;
    /** Descriptor or buffer addresses outside guest RAM (the DMA is refused, the frame dropped). */
    dmaFaults = 0;
    /** Head/tail values beyond the ring or rings of length 0 that stalled processing. */
    ringErrors = 0;
    /** Interrupts injected (rising edges of the line). */
    interrupts = 0;
    /** Bytes the VMM copied between guest RAM and packet buffers, and how many copies. */
    copiedBytes = 0;
    copies = 0;
    txFrames = 0;
    rxFrames = 0;
    /** Frames dropped on transmit: too long, runts, no buffer, DMA faults. */
    txDropped = 0;
    /** Descriptors with DEXT set (context/data descriptors), not modelled: skipped and completed. */
    txExtendedSkipped = 0;
    constructor(memory, options, hooks) {
        this.memory = memory;
        this.mac = options.mac;
        this.#hooks = hooks;
        this.#buildEeprom();
        this.#buildOps();
        this.reset();
    }
    #buildEeprom() {
        const e = this.#eeprom;
        const mac = this.mac;
        const hi = Math.floor(mac / 0x1_0000_0000);
        const lo = mac >>> 0;
        // Words 0..2 hold the MAC, low byte first in each word.
        e[0] = ((hi >>> 8) & 0xff) | ((hi & 0xff) << 8);
        e[1] = ((lo >>> 24) & 0xff) | (((lo >>> 16) & 0xff) << 8);
        e[2] = ((lo >>> 8) & 0xff) | ((lo & 0xff) << 8);
        e[0x0a] = 0x0000; // initialization control word 1: nothing special
        let sum = 0;
        for (let i = 0; i < EEPROM_CHECKSUM_WORD; i++)
            sum = (sum + e[i]) & 0xffff;
        e[EEPROM_CHECKSUM_WORD] = (EEPROM_SUM - sum) & 0xffff;
    }
    /** Power-on / CTRL.RST state: everything zero but link, and RA[0] from the EEPROM. */
    reset() {
        const r = this.#regs;
        r.fill(0);
        r[REG.STATUS >> 2] = STATUS_FD | STATUS_LU | STATUS_SPEED_1000;
        r[REG.CTRL >> 2] = CTRL_SLU;
        const hi = Math.floor(this.mac / 0x1_0000_0000);
        const lo = this.mac >>> 0;
        // RAL holds the first four octets of the address, first octet in the low byte; RAH the last two.
        r[REG.RAL0 >> 2] = (((hi >>> 8) & 0xff) | ((hi & 0xff) << 8) | (((lo >>> 24) & 0xff) << 16) | (((lo >>> 16) & 0xff) << 24)) >>> 0;
        r[REG.RAH0 >> 2] = (((lo >>> 8) & 0xff) | ((lo & 0xff) << 8) | RAH_AV) >>> 0;
        if (this.#txFrame !== null) {
            this.#hooks.discard(this.#txFrame);
            this.#txFrame = null;
        }
        this.#lineUp = false;
    }
    #buildOps() {
        const plain = (i) => this.#regs[i];
        const store = (i, v) => { this.#regs[i] = v; };
        const readToClear = (i) => { const v = this.#regs[i]; this.#regs[i] = 0; return v; };
        const rw = (off, write = store, read = plain) => {
            this.#readOps[off >> 2] = read;
            this.#writeOps[off >> 2] = write;
        };
        rw(REG.CTRL, (i, v) => {
            if ((v & CTRL_RST) !== 0) {
                this.reset();
                return;
            }
            this.#regs[i] = v;
        });
        rw(REG.STATUS, () => { });
        rw(REG.EECD);
        rw(REG.EERD, store, (i) => this.#eerdRead(i));
        rw(REG.CTRL_EXT);
        rw(REG.MDIC, (i, v) => { this.#regs[i] = (v & 0xffff_0000 | 0x1000_0000) >>> 0; }); // PHY access: "ready", data 0
        rw(REG.ICR, (i, v) => { this.#regs[i] = this.#regs[i] & ~v; this.#updateIrq(); }, (i) => {
            const v = this.#regs[i];
            this.#regs[i] = 0;
            this.#updateIrq();
            return v;
        });
        rw(REG.ITR);
        rw(REG.ICS, (_i, v) => this.#raise(v), () => this.#regs[REG.ICR >> 2]);
        rw(REG.IMS, (i, v) => { this.#regs[i] = (this.#regs[i] | v) >>> 0; this.#updateIrq(); });
        rw(REG.IMC, (_i, v) => { const k = REG.IMS >> 2; this.#regs[k] = (this.#regs[k] & ~v) >>> 0; this.#updateIrq(); }, () => 0);
        rw(REG.RCTL);
        rw(REG.TCTL, (i, v) => { this.#regs[i] = v; if ((v & TCTL_EN) !== 0)
            this.#transmitRing(); });
        rw(REG.TIPG);
        for (const base of [REG.RDBAL, REG.TDBAL]) {
            rw(base);
            rw(base + 4);
            rw(base + 8, (i, v) => { this.#regs[i] = v & RING_LEN_MASK; });
            rw(base + 0x10, (i, v) => { this.#regs[i] = v & 0xffff; });
        }
        rw(REG.RDT, (i, v) => { this.#regs[i] = v & 0xffff; });
        rw(REG.TDT, (i, v) => { this.#regs[i] = v & 0xffff; this.#transmitRing(); });
        rw(REG.RDTR);
        rw(REG.TIDV);
        for (const off of [REG.CRCERRS, REG.MPC, REG.GPRC, REG.GPTC, REG.GORCL, REG.GORCH, REG.GOTCL, REG.GOTCH, REG.RNBC, REG.TPR, REG.TPT])
            rw(off, () => { }, readToClear);
        for (let k = 0; k < MTA_WORDS; k++)
            rw(REG.MTA + 4 * k);
        for (let k = 0; k < RA_PAIRS; k++) {
            rw(REG.RAL0 + 8 * k);
            rw(REG.RAH0 + 8 * k);
        }
    }
    #eerdRead(i) {
        const v = this.#regs[i];
        if ((v & EERD_START) === 0)
            return v;
        const r = v & ~EERD_START;
        const index = (r >>> EERD_ADDR_SHIFT) & 0xff;
        if (index > EEPROM_CHECKSUM_WORD)
            return (EERD_DONE | r) >>> 0;
        return ((this.#eeprom[index] << EERD_DATA_SHIFT) | EERD_DONE | r) >>> 0;
    }
    // ---- traps: the guest's register accesses ----
    /** A guest read of the 32-bit register at BAR0 + `offset` (a trap). Unknown offsets read 0. */
    read(offset) {
        this.traps++;
        const op = this.#op(offset, this.#readOps);
        if (op === undefined)
            return 0;
        this.trapsByRegister[offset >>> 2]++;
        return op(offset >>> 2) >>> 0;
    }
    /** A guest write of the 32-bit register at BAR0 + `offset` (a trap). Unknown offsets are ignored. */
    write(offset, value) {
        this.traps++;
        const op = this.#op(offset, this.#writeOps);
        if (op === undefined)
            return;
        this.trapsByRegister[offset >>> 2]++;
        op(offset >>> 2, value >>> 0);
    }
    #op(offset, ops) {
        if (!(offset >= 0 && offset < E1000_MMIO_SIZE) || (offset & 3) !== 0) {
            this.badAccesses++;
            return undefined;
        }
        const op = ops[offset >>> 2];
        if (op === undefined)
            this.badAccesses++;
        return op;
    }
    /** Register value without a trap, for tests and show commands. */
    peek(offset) {
        return this.#regs[offset >>> 2] >>> 0;
    }
    /** Traps per register by name, for reports (allocates). */
    trapTable() {
        const rows = [];
        const t = this.trapsByRegister;
        for (let i = 0; i < t.length; i++)
            if (t[i] > 0)
                rows.push({ register: registerName(i << 2), traps: t[i] });
        return rows.sort((a, b) => b.traps - a.traps);
    }
    // ---- interrupts ----
    #raise(cause) {
        const k = REG.ICR >> 2;
        this.#regs[k] = (this.#regs[k] | cause) >>> 0;
        this.#updateIrq();
    }
    #updateIrq() {
        const pending = (this.#regs[REG.ICR >> 2] & this.#regs[REG.IMS >> 2]) !== 0;
        if (pending && !this.#lineUp) {
            this.#lineUp = true;
            this.interrupts++;
            this.#hooks.interrupt();
        }
        else if (!pending) {
            this.#lineUp = false;
        }
    }
    /** True while the interrupt line is asserted (an unmasked cause is pending). */
    get interruptPending() {
        return this.#lineUp;
    }
    /** Link up or down (cable); raises LSC. */
    setLink(up) {
        const k = REG.STATUS >> 2;
        const was = (this.#regs[k] & STATUS_LU) !== 0;
        this.#regs[k] = up ? (this.#regs[k] | STATUS_LU) >>> 0 : (this.#regs[k] & ~STATUS_LU) >>> 0;
        if (was !== up)
            this.#raise(ICR_LSC);
    }
    get linkUp() {
        return (this.#regs[REG.STATUS >> 2] & STATUS_LU) !== 0;
    }
    // ---- transmit ----
    #ringBase(baseLow) {
        const hi = this.#regs[(baseLow >> 2) + 1];
        if (hi !== 0)
            return -1; // above 4 GiB: outside any RAM we model
        return this.#regs[baseLow >> 2] & ~0xf;
    }
    #transmitRing() {
        const r = this.#regs;
        if ((r[REG.TCTL >> 2] & TCTL_EN) === 0)
            return;
        const size = r[REG.TDLEN >> 2] / DESC_SIZE;
        const tail = r[REG.TDT >> 2];
        let head = r[REG.TDH >> 2];
        if (head === tail)
            return;
        if (size === 0 || head >= size || tail >= size) {
            this.ringErrors++;
            return;
        }
        const base = this.#ringBase(REG.TDBAL);
        const mem = this.memory;
        let cause = 0;
        // At most one pass over the ring: the guest cannot make the device loop.
        for (let n = 0; n < size && head !== tail; n++) {
            const d = base + head * DESC_SIZE;
            if (base < 0 || !mem.check(d, DESC_SIZE)) {
                this.dmaFaults++;
                this.ringErrors++;
                break;
            }
            const cmd = mem.bytes[d + 11];
            if ((cmd & TXD_CMD_DEXT) !== 0)
                this.txExtendedSkipped++;
            else
                this.#txDescriptor(mem.read64(d), mem.read16(d + 8), cmd);
            if ((cmd & (TXD_CMD_RS | TXD_CMD_RPS)) !== 0) {
                mem.bytes[d + 12] = mem.bytes[d + 12] | TXD_STAT_DD;
                cause |= ICR_TXDW;
            }
            head = head + 1 === size ? 0 : head + 1;
            r[REG.TDH >> 2] = head;
        }
        if (head === tail)
            cause |= ICR_TXQE;
        this.#raise(cause);
    }
    #txDescriptor(addr, length, cmd) {
        let p = this.#txFrame;
        if (p === null) {
            p = this.#hooks.alloc();
            if (p === null) {
                this.txDropped++;
                this.#txFrameBad = true;
                if ((cmd & TXD_CMD_EOP) !== 0)
                    this.#txFrameBad = false;
                return;
            }
            p.len = 0;
            this.#txFrame = p;
        }
        if (!this.#txFrameBad && length > 0) {
            if (p.off + p.len + length > p.buf.length || p.len + length > MAX_FRAME_LPE)
                this.#txFrameBad = true;
            else if (!this.memory.copyOut(addr, length, p.buf, p.off + p.len)) {
                this.dmaFaults++;
                this.#txFrameBad = true;
            }
            else {
                p.len += length;
                this.copies++;
                this.copiedBytes += length;
            }
        }
        if ((cmd & TXD_CMD_EOP) === 0)
            return;
        this.#txFrame = null;
        if (this.#txFrameBad || p.len < 14) {
            this.#txFrameBad = false;
            this.txDropped++;
            this.#hooks.discard(p);
            return;
        }
        this.txFrames++;
        const r = this.#regs;
        r[REG.GPTC >> 2]++;
        r[REG.TPT >> 2]++;
        r[REG.GOTCL >> 2] = (r[REG.GOTCL >> 2] + p.len + 4) >>> 0;
        this.#hooks.transmit(p);
    }
    // ---- receive ----
    /** The receive filter: RAL/RAH exact matches, the MTA hash, broadcast accept, promiscuous modes. */
    #accepts(buf, off, rctl) {
        const b0 = buf[off];
        if ((b0 & 1) === 0) {
            if ((rctl & RCTL_UPE) !== 0)
                return true;
            const lo = (buf[off] | (buf[off + 1] << 8) | (buf[off + 2] << 16) | (buf[off + 3] << 24)) >>> 0;
            const hi = buf[off + 4] | (buf[off + 5] << 8);
            const r = this.#regs;
            for (let k = 0; k < RA_PAIRS; k++) {
                const rah = r[(REG.RAH0 >> 2) + 2 * k];
                if ((rah & RAH_AV) !== 0 && (rah & 0xffff) === hi && r[(REG.RAL0 >> 2) + 2 * k] === lo)
                    return true;
            }
            return false;
        }
        if ((rctl & RCTL_BAM) !== 0 && b0 === 0xff && buf[off + 1] === 0xff && buf[off + 2] === 0xff && buf[off + 3] === 0xff && buf[off + 4] === 0xff && buf[off + 5] === 0xff)
            return true;
        if ((rctl & RCTL_MPE) !== 0)
            return true;
        const shift = MTA_SHIFT[(rctl >>> RCTL_MO_SHIFT) & 3];
        const f = (((buf[off + 5] << 8) | buf[off + 4]) >>> shift) & 0xfff;
        return (this.#regs[(REG.MTA >> 2) + (f >>> 5)] & (1 << (f & 31))) !== 0;
    }
    /** True when at least one receive descriptor is posted (RDH != RDT) and receive is on. */
    canReceive() {
        const r = this.#regs;
        return (r[REG.RCTL >> 2] & RCTL_EN) !== 0 && r[REG.RDH >> 2] !== r[REG.RDT >> 2];
    }
    /** A frame arrives from the wire: DMA into the guest's receive buffers. Returns an RX_* code. */
    receive(buf, off, len) {
        const r = this.#regs;
        const rctl = r[REG.RCTL >> 2];
        if ((rctl & RCTL_EN) === 0 || !this.linkUp)
            return RX_DISABLED;
        if (len > ((rctl & 0x20) !== 0 ? MAX_FRAME_LPE : MAX_FRAME))
            return RX_TOO_LONG;
        if (len < 6 || !this.#accepts(buf, off, rctl))
            return RX_FILTERED;
        const size = r[REG.RDLEN >> 2] / DESC_SIZE;
        let head = r[REG.RDH >> 2];
        const tail = r[REG.RDT >> 2];
        if (size === 0 || head >= size || tail >= size) {
            if (size !== 0 || head !== tail)
                this.ringErrors++;
            return this.#missed();
        }
        const bufSize = rxBufferSize(rctl);
        const total = len < MIN_FRAME ? MIN_FRAME : len;
        const needed = Math.ceil(total / bufSize);
        const posted = tail >= head ? tail - head : size - head + tail;
        if (posted < needed)
            return this.#missed();
        const base = this.#ringBase(REG.RDBAL);
        const mem = this.memory;
        let done = 0;
        let fault = false;
        while (done < total) {
            const d = base + head * DESC_SIZE;
            if (base < 0 || !mem.check(d, DESC_SIZE)) {
                this.dmaFaults++;
                this.ringErrors++;
                return RX_DMA_FAULT;
            }
            const chunk = total - done < bufSize ? total - done : bufSize;
            const addr = mem.read64(d);
            if (addr > 0) {
                const fromFrame = done < len ? (len - done < chunk ? len - done : chunk) : 0;
                if (!mem.check(addr, chunk)) {
                    this.dmaFaults++;
                    fault = true;
                }
                else {
                    if (fromFrame > 0)
                        copyBytes(mem.bytes, addr, buf, off + done, fromFrame);
                    if (fromFrame < chunk)
                        mem.bytes.fill(0, addr + fromFrame, addr + chunk);
                    this.copies++;
                    this.copiedBytes += chunk;
                }
            }
            done += chunk;
            mem.write16(d + 8, chunk);
            mem.write16(d + 10, 0);
            mem.bytes[d + 12] = done >= total ? RXD_STAT_DD | RXD_STAT_EOP : RXD_STAT_DD;
            mem.bytes[d + 13] = 0;
            head = head + 1 === size ? 0 : head + 1;
        }
        r[REG.RDH >> 2] = head;
        this.rxFrames++;
        r[REG.GPRC >> 2]++;
        r[REG.TPR >> 2]++;
        r[REG.GORCL >> 2] = (r[REG.GORCL >> 2] + total + 4) >>> 0;
        let cause = ICR_RXT0;
        const left = tail >= head ? tail - head : size - head + tail;
        const threshold = size >> (1 + ((rctl >>> RCTL_RDMTS_SHIFT) & 3));
        if (left <= threshold)
            cause |= ICR_RXDMT0;
        this.#raise(cause);
        return fault ? RX_DMA_FAULT : RX_OK;
    }
    #missed() {
        const r = this.#regs;
        r[REG.MPC >> 2]++;
        r[REG.RNBC >> 2]++;
        this.#raise(ICR_RXO);
        return RX_NO_DESCRIPTORS;
    }
}
//# sourceMappingURL=device.js.map