/**
 * Register offsets and bits of the Intel 82540EM (the e1000 QEMU emulates), from the PCI/PCI-X
 * Family of Gigabit Ethernet Controllers Software Developer's Manual (8254x SDM). Offsets are
 * byte offsets into BAR0 (memory-mapped, 128 KiB); every register is 32 bits wide.
 */
/** Size of the MMIO BAR in bytes. */
export const E1000_MMIO_SIZE = 0x20000;
export const REG = {
    CTRL: 0x0000,
    STATUS: 0x0008,
    EECD: 0x0010,
    EERD: 0x0014,
    CTRL_EXT: 0x0018,
    MDIC: 0x0020,
    ICR: 0x00c0,
    ITR: 0x00c4,
    ICS: 0x00c8,
    IMS: 0x00d0,
    IMC: 0x00d8,
    RCTL: 0x0100,
    TCTL: 0x0400,
    TIPG: 0x0410,
    RDBAL: 0x2800,
    RDBAH: 0x2804,
    RDLEN: 0x2808,
    RDH: 0x2810,
    RDT: 0x2818,
    RDTR: 0x2820,
    TDBAL: 0x3800,
    TDBAH: 0x3804,
    TDLEN: 0x3808,
    TDH: 0x3810,
    TDT: 0x3818,
    TIDV: 0x3820,
    // Statistics (read to clear).
    CRCERRS: 0x4000,
    MPC: 0x4010,
    GPRC: 0x4074,
    GPTC: 0x4080,
    GORCL: 0x4088,
    GORCH: 0x408c,
    GOTCL: 0x4090,
    GOTCH: 0x4094,
    RNBC: 0x40a0,
    TPR: 0x40d0,
    TPT: 0x40d4,
    /** Multicast table array: 128 words, a 4096-bit hash filter. */
    MTA: 0x5200,
    /** Receive address pairs RAL/RAH: 16 of them, 8 bytes apart. */
    RAL0: 0x5400,
    RAH0: 0x5404,
};
export const MTA_WORDS = 128;
export const RA_PAIRS = 16;
export const CTRL_FD = 1 << 0;
export const CTRL_ASDE = 1 << 5;
export const CTRL_SLU = 1 << 6;
export const CTRL_RST = 1 << 26;
export const STATUS_FD = 1 << 0;
export const STATUS_LU = 1 << 1;
export const STATUS_SPEED_1000 = 2 << 6;
export const EERD_START = 1 << 0;
export const EERD_DONE = 1 << 4;
export const EERD_ADDR_SHIFT = 8;
export const EERD_DATA_SHIFT = 16;
/** EEPROM words: 0..2 hold the MAC; the words 0..0x3f sum to 0xbaba. */
export const EEPROM_WORDS = 64;
export const EEPROM_CHECKSUM_WORD = 0x3f;
export const EEPROM_SUM = 0xbaba;
/** Interrupt cause bits (ICR, ICS, IMS, IMC). */
export const ICR_TXDW = 1 << 0;
export const ICR_TXQE = 1 << 1;
export const ICR_LSC = 1 << 2;
export const ICR_RXSEQ = 1 << 3;
export const ICR_RXDMT0 = 1 << 4;
export const ICR_RXO = 1 << 6;
export const ICR_RXT0 = 1 << 7;
export const RCTL_EN = 1 << 1;
export const RCTL_SBP = 1 << 2;
export const RCTL_UPE = 1 << 3;
export const RCTL_MPE = 1 << 4;
export const RCTL_LPE = 1 << 5;
export const RCTL_RDMTS_SHIFT = 8;
export const RCTL_MO_SHIFT = 12;
export const RCTL_BAM = 1 << 15;
export const RCTL_BSIZE_SHIFT = 16;
export const RCTL_BSEX = 1 << 25;
export const RCTL_SECRC = 1 << 26;
export const TCTL_EN = 1 << 1;
export const TCTL_PSP = 1 << 3;
export const RAH_AV = 1 << 31;
/** Legacy descriptors are 16 bytes; ring lengths are multiples of 128 bytes (8 descriptors). */
export const DESC_SIZE = 16;
export const RING_LEN_MASK = 0xfff80;
/** Legacy transmit descriptor: addr u64 @0, length u16 @8, cso @10, cmd @11, status @12, css @13, special u16 @14. */
export const TXD_CMD_EOP = 1 << 0;
export const TXD_CMD_IFCS = 1 << 1;
export const TXD_CMD_IC = 1 << 2;
export const TXD_CMD_RS = 1 << 3;
export const TXD_CMD_RPS = 1 << 4;
export const TXD_CMD_DEXT = 1 << 5;
export const TXD_CMD_VLE = 1 << 6;
export const TXD_CMD_IDE = 1 << 7;
export const TXD_STAT_DD = 1 << 0;
/** Legacy receive descriptor: addr u64 @0, length u16 @8, checksum u16 @10, status @12, errors @13, special u16 @14. */
export const RXD_STAT_DD = 1 << 0;
export const RXD_STAT_EOP = 1 << 1;
/** Receive buffer size for RCTL.BSIZE (and BSEX). */
export function rxBufferSize(rctl) {
    const bsize = (rctl >>> RCTL_BSIZE_SHIFT) & 3;
    if ((rctl & RCTL_BSEX) !== 0)
        return bsize === 1 ? 16384 : bsize === 2 ? 8192 : bsize === 3 ? 4096 : 2048;
    return bsize === 1 ? 1024 : bsize === 2 ? 512 : bsize === 3 ? 256 : 2048;
}
/** The register's name for counters and traces, or a hex offset. */
export function registerName(offset) {
    for (const [name, off] of Object.entries(REG))
        if (off === offset)
            return name;
    if (offset >= REG.MTA && offset < REG.MTA + MTA_WORDS * 4)
        return `MTA[${(offset - REG.MTA) >> 2}]`;
    if (offset >= REG.RAL0 && offset < REG.RAL0 + RA_PAIRS * 8)
        return `${(offset & 4) === 0 ? 'RAL' : 'RAH'}[${(offset - REG.RAL0) >> 3}]`;
    return `0x${offset.toString(16).padStart(5, '0')}`;
}
//# sourceMappingURL=regs.js.map