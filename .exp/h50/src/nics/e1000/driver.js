import { CTRL_RST, CTRL_SLU, DESC_SIZE, EERD_ADDR_SHIFT, EERD_DATA_SHIFT, EERD_DONE, EERD_START, ICR_LSC, ICR_RXDMT0, ICR_RXO, ICR_RXT0, ICR_TXDW, MTA_WORDS, RAH_AV, RCTL_BAM, RCTL_EN, RCTL_SECRC, REG, RXD_STAT_DD, RXD_STAT_EOP, TCTL_EN, TCTL_PSP, TXD_CMD_EOP, TXD_CMD_IFCS, TXD_CMD_RS, TXD_STAT_DD, } from './regs.js';
import { copyBytes } from '../../engine/copy-bytes.js';
const BUFFER = 2048;
const IMS_ENABLE = ICR_RXT0 | ICR_TXDW | ICR_LSC | ICR_RXO | ICR_RXDMT0;
/** Polls of EERD before giving up on a word (the hardware answers in one on QEMU). */
const EERD_POLLS = 100;
export class E1000Driver {
    #mmio;
    #mem;
    #alloc;
    #stack;
    rxSize;
    txSize;
    #rxRing = 0;
    #rxBufs = 0;
    #txRing = 0;
    #txBufs = 0;
    #rxNext = 0;
    #txNext = 0;
    #txClean = 0;
    #txPending = 0;
    #up = false;
    /** The MAC read from the EEPROM at init. */
    mac = 0;
    /** Bytes the guest itself moved between its stack and its DMA buffers (not VMM work). */
    guestCopies = 0;
    interruptsHandled = 0;
    /** Interrupts whose ICR read 0 (shared line, or already handled). */
    spurious = 0;
    txRingFull = 0;
    /** The last ICR value read, for tests (LSC, RXO...). */
    lastIcr = 0;
    constructor(mmio, mem, alloc, stack, options = {}) {
        this.#mmio = mmio;
        this.#mem = mem;
        this.#alloc = alloc;
        this.#stack = stack;
        this.rxSize = checkRing(options.rxRing ?? 256, 'rxRing');
        this.txSize = checkRing(options.txRing ?? 256, 'txRing');
    }
    get up() {
        return this.#up;
    }
    /** Brings the NIC up; throws when the EEPROM does not answer (a broken device, not packet data). */
    init() {
        const io = this.#mmio;
        io.write(REG.CTRL, CTRL_RST);
        io.write(REG.IMC, 0xffff_ffff);
        io.read(REG.ICR);
        io.write(REG.CTRL, CTRL_SLU);
        const w0 = this.#eepromWord(0);
        const w1 = this.#eepromWord(1);
        const w2 = this.#eepromWord(2);
        this.mac = (w0 & 0xff) * 0x100_0000_0000 + (w0 >>> 8) * 0x1_0000_0000 + (((w1 & 0xff) << 24) >>> 0) + ((w1 >>> 8) << 16) + ((w2 & 0xff) << 8) + (w2 >>> 8);
        io.write(REG.RAL0, (w0 | (w1 << 16)) >>> 0);
        io.write(REG.RAH0, (w2 | RAH_AV) >>> 0);
        for (let k = 0; k < MTA_WORDS; k++)
            io.write(REG.MTA + 4 * k, 0);
        const mem = this.#mem;
        if (this.#rxRing === 0) {
            this.#rxRing = this.#alloc.alloc(this.rxSize * DESC_SIZE, 128);
            this.#rxBufs = this.#alloc.alloc(this.rxSize * BUFFER, 64);
            this.#txRing = this.#alloc.alloc(this.txSize * DESC_SIZE, 128);
            this.#txBufs = this.#alloc.alloc(this.txSize * BUFFER, 64);
        }
        mem.bytes.fill(0, this.#rxRing, this.#rxRing + this.rxSize * DESC_SIZE);
        mem.bytes.fill(0, this.#txRing, this.#txRing + this.txSize * DESC_SIZE);
        for (let i = 0; i < this.rxSize; i++) {
            mem.view.setUint32(this.#rxRing + i * DESC_SIZE, this.#rxBufs + i * BUFFER, true);
        }
        io.write(REG.RDBAL, this.#rxRing);
        io.write(REG.RDBAH, 0);
        io.write(REG.RDLEN, this.rxSize * DESC_SIZE);
        io.write(REG.RDH, 0);
        io.write(REG.RDT, this.rxSize - 1);
        io.write(REG.TDBAL, this.#txRing);
        io.write(REG.TDBAH, 0);
        io.write(REG.TDLEN, this.txSize * DESC_SIZE);
        io.write(REG.TDH, 0);
        io.write(REG.TDT, 0);
        this.#rxNext = 0;
        this.#txNext = 0;
        this.#txClean = 0;
        this.#txPending = 0;
        io.write(REG.RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
        io.write(REG.TCTL, TCTL_EN | TCTL_PSP | (0x0f << 4) | (0x40 << 12));
        io.write(REG.IMS, IMS_ENABLE);
        this.#up = true;
    }
    #eepromWord(word) {
        const io = this.#mmio;
        io.write(REG.EERD, (word << EERD_ADDR_SHIFT) | EERD_START);
        for (let i = 0; i < EERD_POLLS; i++) {
            const v = io.read(REG.EERD);
            if ((v & EERD_DONE) !== 0)
                return v >>> EERD_DATA_SHIFT;
        }
        throw new Error(`e1000 driver: EEPROM word ${word} never completed (EERD.DONE stayed clear)`);
    }
    /** Free transmit slots. */
    txFree() {
        return this.txSize - 1 - (this.#txNext >= this.#txClean ? this.#txNext - this.#txClean : this.txSize - this.#txClean + this.#txNext);
    }
    /** Queues one frame (copied into the slot's buffer); false when the ring is full. Call `flush` after a batch. */
    transmit(src, off, len) {
        if (!this.#up || len > BUFFER)
            return false;
        if (this.txFree() === 0) {
            this.txRingFull++;
            return false;
        }
        const mem = this.#mem;
        const i = this.#txNext;
        const bufAddr = this.#txBufs + i * BUFFER;
        copyBytes(mem.bytes, bufAddr, src, off, len);
        this.guestCopies++;
        const d = this.#txRing + i * DESC_SIZE;
        const v = mem.view;
        v.setUint32(d, bufAddr, true);
        v.setUint32(d + 4, 0, true);
        v.setUint16(d + 8, len, true);
        mem.bytes[d + 10] = 0;
        mem.bytes[d + 11] = TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS;
        mem.bytes[d + 12] = 0;
        this.#txNext = i + 1 === this.txSize ? 0 : i + 1;
        this.#txPending++;
        return true;
    }
    /** Publishes queued descriptors with one TDT write (the doorbell). */
    flush() {
        if (this.#txPending === 0)
            return;
        this.#txPending = 0;
        this.#mmio.write(REG.TDT, this.#txNext);
    }
    /** The interrupt handler; returns the ICR it read (0: not ours). */
    interrupt() {
        const io = this.#mmio;
        const icr = io.read(REG.ICR);
        if (icr === 0) {
            this.spurious++;
            return 0;
        }
        this.lastIcr = icr;
        this.interruptsHandled++;
        io.write(REG.IMC, 0xffff_ffff);
        io.read(REG.STATUS);
        this.#cleanTx();
        this.#cleanRx();
        io.write(REG.IMS, IMS_ENABLE);
        io.read(REG.STATUS);
        return icr;
    }
    #cleanTx() {
        const b = this.#mem.bytes;
        while (this.#txClean !== this.#txNext) {
            const d = this.#txRing + this.#txClean * DESC_SIZE;
            if ((b[d + 12] & TXD_STAT_DD) === 0)
                break;
            b[d + 12] = 0;
            this.#txClean = this.#txClean + 1 === this.txSize ? 0 : this.#txClean + 1;
        }
    }
    #cleanRx() {
        const mem = this.#mem;
        const b = mem.bytes;
        let cleaned = 0;
        for (let n = 0; n < this.rxSize; n++) {
            const i = this.#rxNext;
            const d = this.#rxRing + i * DESC_SIZE;
            const status = b[d + 12];
            if ((status & RXD_STAT_DD) === 0)
                break;
            const len = mem.view.getUint16(d + 8, true);
            this.#stack.receive(mem, this.#rxBufs + i * BUFFER, len, (status & RXD_STAT_EOP) === 0);
            this.guestCopies++;
            b[d + 12] = 0;
            this.#rxNext = i + 1 === this.rxSize ? 0 : i + 1;
            cleaned++;
        }
        if (cleaned > 0)
            this.#mmio.write(REG.RDT, this.#rxNext === 0 ? this.rxSize - 1 : this.#rxNext - 1);
    }
}
function checkRing(n, name) {
    if (!Number.isInteger(n) || n < 8 || n > 4096 || n % 8 !== 0)
        throw new Error(`e1000 driver: ${name} must be a multiple of 8 from 8 to 4096, got ${n}`);
    return n;
}
//# sourceMappingURL=driver.js.map