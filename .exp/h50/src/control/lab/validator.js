/**
 * Field validation for lab files with positions: every problem names the file, line, column
 * and field path, and all problems of a file are collected before failing.
 */
import { isNode } from 'yaml';
export class LabFileError extends Error {
    problems;
    constructor(problems) {
        super(problems.map(formatProblem).join('\n'));
        this.name = 'LabFileError';
        this.problems = problems;
    }
}
export function formatProblem(p) {
    return `${p.file}:${p.line}:${p.col}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;
}
/** Fields containerlab defines that vnet accepts and ignores, so containerlab files load. */
export const CONTAINERLAB_NODE_FIELDS = new Set(['image', 'cmd', 'binds', 'env', 'labels', 'mgmt-ipv4', 'mgmt-ipv6', 'exec', 'group', 'type', 'startup-config', 'ports', 'kind']);
export class Validator {
    problems = [];
    #doc;
    #lines;
    #file;
    constructor(file, doc, lines) {
        this.#file = file;
        this.#doc = doc;
        this.#lines = lines;
    }
    fail(path, message, keyOnly = false) {
        let node = this.#doc.getIn(path, true);
        // Point at the key for a missing or unknown field: walk up to the parent map.
        let offset;
        if (isNode(node) && node.range && !keyOnly)
            offset = node.range[0];
        if (offset === undefined) {
            for (let n = path.length - 1; n >= 0 && offset === undefined; n--) {
                node = this.#doc.getIn(path.slice(0, n), true);
                if (isNode(node) && node.range) {
                    const parent = node;
                    const key = path[n];
                    const item = parent.items?.find((i) => i.key?.value === key);
                    offset = item?.key?.range?.[0] ?? node.range[0];
                }
            }
        }
        const pos = offset === undefined ? { line: 1, col: 1 } : this.#lines.linePos(offset);
        this.problems.push({ file: this.#file, line: pos.line, col: pos.col, path: path.map(String).join('.'), message });
    }
    object(v, path) {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) {
            this.fail(path, `must be a mapping, got ${describe(v)}`);
            return undefined;
        }
        return v;
    }
    allowOnly(obj, path, allowed, ignored = new Set()) {
        for (const k of Object.keys(obj)) {
            if (!allowed.includes(k) && !ignored.has(k))
                this.fail([...path, k], `unknown field (expected one of: ${allowed.join(', ')})`, true);
        }
    }
    string(v, path) {
        if (typeof v !== 'string' || v === '') {
            this.fail(path, `must be a non-empty string, got ${describe(v)}`);
            return undefined;
        }
        return v;
    }
    int(v, path, min, max) {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
            this.fail(path, `must be an integer from ${min} to ${max}, got ${describe(v)}`);
            return undefined;
        }
        return v;
    }
    bool(v, path) {
        if (typeof v !== 'boolean') {
            this.fail(path, `must be true or false, got ${describe(v)}`);
            return undefined;
        }
        return v;
    }
    vlanList(v, path) {
        if (typeof v === 'number')
            v = [v];
        if (!Array.isArray(v)) {
            this.fail(path, `must be a list of VLAN ids, got ${describe(v)}`);
            return undefined;
        }
        const out = [];
        v.forEach((x, i) => {
            const n = this.int(x, [...path, i], 1, 4094);
            if (n !== undefined)
                out.push(n);
        });
        return out;
    }
    cidr(v, path) {
        const s = this.string(v, path);
        if (s === undefined)
            return undefined;
        if (!isCidr(s)) {
            this.fail(path, `${JSON.stringify(s)} is not an IPv4 address with prefix length, like 10.0.0.1/24`);
            return undefined;
        }
        return s;
    }
    ip(v, path) {
        const s = this.string(v, path);
        if (s === undefined)
            return undefined;
        if (!isIpv4(s)) {
            this.fail(path, `${JSON.stringify(s)} is not an IPv4 address`);
            return undefined;
        }
        return s;
    }
    mac(v, path) {
        const s = this.string(v, path);
        if (s === undefined)
            return undefined;
        if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(s)) {
            this.fail(path, `${JSON.stringify(s)} is not a MAC address like 02:00:00:00:00:01`);
            return undefined;
        }
        if ((parseInt(s.slice(0, 2), 16) & 1) === 1) {
            this.fail(path, `${s} is a multicast address; an interface needs a unicast MAC`);
            return undefined;
        }
        return s.toLowerCase();
    }
}
export function describe(v) {
    if (v === undefined)
        return 'nothing';
    if (v === null)
        return 'null';
    if (Array.isArray(v))
        return 'a list';
    if (typeof v === 'object')
        return 'a mapping';
    return `${typeof v} ${JSON.stringify(v)}`;
}
export function isIpv4(s) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
    return m !== null && m.slice(1).every((x) => Number(x) <= 255);
}
export function isCidr(s) {
    const slash = s.indexOf('/');
    if (slash < 0)
        return false;
    const len = s.slice(slash + 1);
    return isIpv4(s.slice(0, slash)) && /^\d{1,2}$/.test(len) && Number(len) <= 32;
}
//# sourceMappingURL=validator.js.map