/**
 * `npm run bench`: runs the benchmark suites and prints a table (or, with --json, one JSON array
 * with a row per measurement). Every JS row carries a same-run baseline from a C program of the
 * same algorithm and data layout, and the ratio JS/C.
 *
 *   node dist/bench/main.js [--json] [--only PATTERN]... [--seconds S] [--warmup S]
 *
 * PATTERN is a substring of the row ids, or a glob with * and ? (e.g. 'bridge.*.1k-*'); given
 * more than once, a row runs when any of them matches.
 */
import { CBaselines } from './lib.js';
import { suites } from './suites/index.js';
function parseArgs(argv) {
    const o = { json: false, only: [], seconds: 1.5, warmup: 0.3 };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined)
                throw new Error(`bench: ${a} needs a value`);
            return v;
        };
        if (a === '--json')
            o.json = true;
        else if (a === '--only')
            o.only.push(value());
        else if (a === '--seconds')
            o.seconds = positive(a, value());
        else if (a === '--warmup')
            o.warmup = positive(a, value());
        else if (a === '--help' || a === '-h') {
            process.stdout.write('usage: bench [--json] [--only PATTERN]... [--seconds S] [--warmup S]\n');
            process.exit(0);
        }
        else
            throw new Error(`bench: unknown option ${a} (--json, --only PATTERN, --seconds S, --warmup S)`);
    }
    return o;
}
function positive(name, text) {
    const n = Number(text);
    if (!(n > 0) || !Number.isFinite(n))
        throw new Error(`bench: ${name} must be a positive number of seconds, got ${text}`);
    return n;
}
function matcher(patterns) {
    if (patterns.length === 0)
        return () => true;
    const one = patterns.map((pattern) => {
        if (!/[*?]/.test(pattern))
            return (id) => id.includes(pattern);
        const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
        return (id) => re.test(id);
    });
    return (id) => one.some((m) => m(id));
}
function table(rows) {
    const head = ['id', 'value', 'ns/pkt', 'C', 'JS/C'];
    const body = rows.map((r) => [
        r.id,
        `${r.value.toFixed(2)} ${r.unit}`,
        r.nsPerPacket === null ? '-' : r.nsPerPacket.toFixed(1),
        r.baseline === null ? '-' : `${r.baseline.value.toFixed(2)} ${r.unit}`,
        r.ratio === null ? '-' : r.ratio.toFixed(2),
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    const notes = rows.filter((r) => r.note !== undefined).map((r) => `note: ${r.id}: ${r.note}`);
    return [line(head), ...body.map(line), ...notes].join('\n') + '\n';
}
async function main() {
    const o = parseArgs(process.argv.slice(2));
    const wants = matcher(o.only);
    const c = new CBaselines();
    const tty = process.stderr.isTTY === true;
    const ctx = {
        seconds: o.seconds,
        warmupSeconds: o.warmup,
        wants,
        progress: (text) => {
            if (tty)
                process.stderr.write(`\r\x1b[K${text} ...`);
        },
        runC: (program, args) => c.run(program, args),
    };
    const rows = [];
    try {
        for (const suite of suites)
            rows.push(...(await suite.run(ctx)));
    }
    finally {
        c.dispose();
        if (tty)
            process.stderr.write('\r\x1b[K');
    }
    if (o.json)
        process.stdout.write(JSON.stringify(rows) + '\n');
    else
        process.stdout.write(table(rows));
}
main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
});
//# sourceMappingURL=main.js.map