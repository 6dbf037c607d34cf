/** Text renderings shared by `vnet lab run` and the lab shell. */
import type { LabReport, LabRuntime, TraceStep } from '../control/lab/runtime.js';
import { fmtMs } from '../control/lab/runtime.js';
import { table } from './table.js';
import { countOf } from '../control/count.js';

export { countOf };

export function renderReport(r: LabReport): string {
  const lines: string[] = [];
  lines.push(`lab ${r.lab} (${r.file}): ${countOf(r.nodes, 'node')}, ${countOf(r.links, 'link')}, emulated on the ${r.clock} clock`);
  const width = Math.max(0, ...r.checks.map((c) => c.check.length));
  for (const c of r.checks) {
    const expect = c.expect === 'failure' ? ' (expected to fail)' : '';
    lines.push(`  ${c.passed ? 'PASS' : 'FAIL'}  ${c.check.padEnd(width)}  ${c.detail}${expect}`);
    if (c.pairs && (!c.passed || c.pairs.length <= 12)) {
      const byFrom = new Map<string, string[]>();
      for (const p of c.pairs) {
        const list = byFrom.get(p.from) ?? [];
        list.push(p.reachable ? p.to : 'X');
        byFrom.set(p.from, list);
      }
      for (const [from, tos] of byFrom) lines.push(`          ${from} -> ${tos.join(' ')}`);
    }
  }
  const cons = r.conservation.ok ? 'packets conserved' : `PACKET CONSERVATION VIOLATED: ${r.conservation.problems.join('; ')}`;
  lines.push(`checks: ${r.passed} passed, ${r.failed} failed; engine time ${(r.virtualTime / 1e9).toFixed(3)} s in ${r.breaths} breaths; ${cons}`);
  return lines.join('\n');
}

export function renderPorts(rt: LabRuntime): string {
  return table(['port', 'rx-pkts', 'rx-bytes', 'tx-pkts', 'tx-bytes', 'tx-drops'], rt.portRows().map((p) => [p.port, p.rxPackets, p.rxBytes, p.txPackets, p.txBytes, p.txDrops]));
}

export function renderDrops(rt: LabRuntime): string {
  const rows = rt.dropRows();
  if (rows.length === 0) return 'no drops';
  return table(['where', 'reason', 'count'], rows.map((d) => [d.where, d.reason, d.count]));
}

export function renderFdb(rt: LabRuntime, bridge: string): string {
  const rows = rt.bridge(bridge).fdb();
  if (rows.length === 0) return `${bridge}: fdb empty`;
  return table(['mac', 'vlan', 'port', 'age', 'type'], rows.map((e) => [e.mac, e.vlan, e.port, e.age === null ? '-' : e.age.toFixed(1), e.static ? 'static' : 'learned']));
}

export function renderNet(rt: LabRuntime): string {
  const lines: string[] = [];
  for (const [name, node] of Object.entries(rt.model.nodes)) {
    const ports = rt.ports.filter((p) => p.node === name).map((p) => {
      const peer = rt.ports.find((q) => q.cable === p.cable && q !== p)!;
      return `${p.iface}:${peer.node}-${peer.iface}`;
    });
    lines.push(`${name} (${node.kind}) ${ports.join(' ')}`);
  }
  return lines.join('\n');
}

export function renderTrace(port: string, steps: readonly TraceStep[], decoded: string): string {
  const lines = [`Trace of a frame sent by ${port}:`, ...decoded.split('\n').map((l) => `  ${l}`), ''];
  if (steps.length === 0) return [...lines, '  (nothing happened)'].join('\n');
  const t0 = steps[0]!.time;
  for (const s of steps) {
    const at = `+${fmtMs(s.time - t0)}ms`.padStart(11);
    lines.push(s.kind === 'hop' ? `${at}  ${s.where} ${s.text}  (${s.length} bytes)` : `${at}  ${s.where}: ${s.text}`);
  }
  return lines.join('\n');
}
