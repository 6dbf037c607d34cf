/**
 * The `ip link` face of an SR-IOV NIC: `ip link set [dev] DEV vf N ...` parsed into VF settings,
 * and `ip link show DEV` printed the way iproute2 prints a PF with its VFs.
 */
import { formatMac } from '../../wire/mac.js';
const ON_OFF = { on: true, off: false };
/**
 * Parses the words of `ip link set dev nic0 vf 3 mac 02:.. vlan 10 qos 3 spoofchk on trust off
 * state enable max_tx_rate 100` (the leading `ip link set` is optional). Throws naming the word
 * that is wrong.
 */
export function parseIpLinkVf(words) {
    let i = 0;
    if (words[i] === 'ip')
        i++;
    if (words[i] === 'link')
        i++;
    if (words[i] === 'set')
        i++;
    if (words[i] === 'dev')
        i++;
    const dev = words[i++];
    if (dev === undefined)
        throw new Error('ip link set: expected a device name');
    if (words[i++] !== 'vf')
        throw new Error(`ip link set ${dev}: expected "vf N"`);
    const vfWord = words[i++];
    const vf = Number(vfWord);
    if (vfWord === undefined || !/^\d+$/.test(vfWord))
        throw new Error(`ip link set ${dev}: vf must be a number, got ${JSON.stringify(vfWord)}`);
    const s = {};
    const value = (key) => {
        const v = words[i++];
        if (v === undefined)
            throw new Error(`ip link set ${dev} vf ${vf}: ${key} needs a value`);
        return v;
    };
    const int = (key, text, max) => {
        if (!/^\d+$/.test(text) || Number(text) > max)
            throw new Error(`ip link set ${dev} vf ${vf}: ${key} must be an integer 0..${max}, got ${JSON.stringify(text)}`);
        return Number(text);
    };
    const flag = (key, text) => {
        const b = ON_OFF[text];
        if (b === undefined)
            throw new Error(`ip link set ${dev} vf ${vf}: ${key} must be on or off, got ${JSON.stringify(text)}`);
        return b;
    };
    while (i < words.length) {
        const key = words[i++];
        switch (key) {
            case 'mac':
                s.mac = value(key);
                break;
            case 'vlan':
                s.vlan = int(key, value(key), 4094);
                break;
            case 'qos':
                s.qos = int(key, value(key), 7);
                break;
            case 'spoofchk':
                s.spoofchk = flag(key, value(key));
                break;
            case 'trust':
                s.trust = flag(key, value(key));
                break;
            case 'state': {
                const v = value(key);
                if (v !== 'auto' && v !== 'enable' && v !== 'disable')
                    throw new Error(`ip link set ${dev} vf ${vf}: state must be auto, enable or disable, got ${JSON.stringify(v)}`);
                s.state = v;
                break;
            }
            case 'max_tx_rate':
            case 'rate':
                s.maxTxRate = int(key, value(key), 1_000_000);
                break;
            default:
                throw new Error(`ip link set ${dev} vf ${vf}: unknown setting ${JSON.stringify(key)} (mac, vlan, qos, spoofchk, trust, state, max_tx_rate)`);
        }
    }
    return { dev, vf, settings: s };
}
/** One VF line as iproute2 prints it under its PF. */
export function formatVfLine(v) {
    const parts = [`    vf ${String(v.vf).padEnd(5)} link/ether ${v.mac} brd ff:ff:ff:ff:ff:ff`];
    if (v.vlan !== 0)
        parts.push(`vlan ${v.vlan}`, ...(v.qos !== 0 ? [`qos ${v.qos}`] : []));
    if (v.maxTxRate !== 0)
        parts.push(`max_tx_rate ${v.maxTxRate}Mbps`);
    parts.push(`spoof checking ${v.spoofchk ? 'on' : 'off'}`, `link-state ${v.state}`, `trust ${v.trust ? 'on' : 'off'}`);
    return parts.join(', ');
}
/** `ip link show DEV` (with `stats`: `ip -s link show DEV`, per-VF counters and owners). */
export function formatIpLinkShow(nic, dev, options = {}) {
    const flags = nic.carrier ? '<BROADCAST,MULTICAST,UP,LOWER_UP>' : '<NO-CARRIER,BROADCAST,MULTICAST,UP>';
    const lines = [
        `${options.index ?? 2}: ${dev}: ${flags} mtu 1500 state ${nic.carrier ? 'UP' : 'DOWN'} numvfs ${nic.numVfs} totalvfs ${nic.maxVfs}`,
        `    link/ether ${formatMac(nic.pfMac)} brd ff:ff:ff:ff:ff:ff`,
    ];
    for (const v of nic.vfList()) {
        lines.push(formatVfLine(v));
        if (options.stats) {
            lines.push(`    RX: bytes ${v.rxBytes} packets ${v.rxPackets} dropped ${v.rxDropped}    TX: bytes ${v.txBytes} packets ${v.txPackets} dropped ${v.txDropped}    owner ${v.owner ?? '-'}`);
        }
    }
    return lines.join('\n');
}
//# sourceMappingURL=ip-link.js.map