/**
 * Scenario tests for NAT and security groups: the example labs through the real CLI against
 * golden text and JSON, and the NAT lab driven through the runtime to show what the internet
 * host sees, the conntrack table, the port forward and hairpin NAT.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from '../../src/testing/paths.js';
import { compareGolden } from '../../src/testing/golden.js';
import { exampleLabTests } from '../../src/testing/example-labs.js';
import { loadLabFile } from '../../src/control/lab/load.js';
import { LabRuntime } from '../../src/control/lab/runtime.js';
import type { NatGateway } from '../../src/netfns/nat/nat-gateway.js';
import { NS_PER_S } from '../../src/engine/clock.js';



for (const lab of ['nat-gateway', 'nat-security-groups']) {
  exampleLabTests(lab);
}

function natLab(): { lab: LabRuntime; gw: NatGateway } {
  const lab = new LabRuntime(loadLabFile(join(repoRoot(), 'examples', 'nat-gateway.yml')));
  return { lab, gw: lab.engine.app<NatGateway>('gw') };
}

/** Sends one datagram and waits for the echo; returns what the server saw and where the echo came from. */
function udpExchange(lab: LabRuntime, from: string, to: string, port: number, server: string, serverPort: number): { seen: string; echo: string } {
  const srv = lab.host(server);
  const cli = lab.host(from);
  let seen = '';
  let echo = '';
  srv.udpBind(serverPort, (ip, sp, data) => {
    seen = `${ip}:${sp}`;
    srv.udpSend(ip, sp, data, { srcPort: serverPort });
  });
  cli.udpBind(47000, (ip, sp) => { echo = `${ip}:${sp}`; });
  cli.udpSend(to, port, new Uint8Array([1, 2, 3]), { srcPort: 47000 });
  lab.runUntil(() => echo !== '', NS_PER_S);
  srv.udpUnbind(serverPort);
  cli.udpUnbind(47000);
  return { seen, echo };
}

test('the internet host sees the public address, and show conntrack says so', () => {
  const { lab, gw } = natLab();
  const r = udpExchange(lab, 'h1', '203.0.113.2', 7, 'inet', 7);
  assert.deepEqual(r, { seen: '203.0.113.1:47000', echo: '203.0.113.2:7' });
  compareGolden('nat-conntrack.txt', gw.showConntrack());
  assert.ok(lab.conservation().ok);
  lab.stop();
});

test('the port forward reaches the inside host and hairpin NAT lets an inside host use it too', () => {
  const { lab, gw } = natLab();
  assert.deepEqual(udpExchange(lab, 'inet', '203.0.113.1', 8080, 'h2', 80), { seen: '203.0.113.2:47000', echo: '203.0.113.1:8080' });
  assert.deepEqual(udpExchange(lab, 'h1', '203.0.113.1', 8080, 'h2', 80), { seen: '10.0.0.1:47000', echo: '203.0.113.1:8080' });
  const table = gw.showConntrack();
  assert.match(table, /src=203\.0\.113\.2 dst=203\.0\.113\.1 sport=47000 dport=8080 src=10\.0\.0\.3 dst=203\.0\.113\.2 sport=80 dport=47000/);
  assert.match(table, /src=10\.0\.0\.2 dst=203\.0\.113\.1 sport=47000 dport=8080 src=10\.0\.0\.3 dst=10\.0\.0\.1 sport=80 dport=47000/);
  assert.ok(lab.conservation().ok);
  lab.stop();
});
