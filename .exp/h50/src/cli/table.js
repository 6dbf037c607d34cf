/** Plain-text tables for CLI output: left-aligned text, right-aligned numbers. */
export function table(headers, rows) {
    const cells = rows.map((r) => r.map((c) => String(c)));
    const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
    const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
    const line = (r) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
    return [line(headers), ...cells.map(line)].join('\n');
}
//# sourceMappingURL=table.js.map