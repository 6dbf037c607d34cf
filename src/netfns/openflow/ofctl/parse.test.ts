import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OfctlError, parseFlow, parseFlowsFile, parseGroup } from './parse.js';
import { formatFlow, formatGroup } from './format.js';
import { F, OFPP_IN_PORT, OFPTT_ALL, getMatchField } from '../types.js';

const add = (t: string) => parseFlow(t, { actions: 'required' });

test('the brief example parses into a table 0 flow with a VLAN match and two actions', () => {
  const f = add('table=0,priority=100,in_port=1,dl_vlan=5,actions=strip_vlan,output:2');
  assert.equal(f.priority, 100);
  assert.deepEqual(getMatchField(f.match, F.in_port), { value: 1n, mask: 0xffffffffn });
  assert.deepEqual(getMatchField(f.match, F.vlan_tci), { value: 0x1005n, mask: 0x1fffn });
  assert.deepEqual(f.instructions, [{ type: 'apply_actions', actions: [{ type: 'pop_vlan' }, { type: 'output', port: 2, maxLen: 0 }] }]);
});

test('Neutron learn action parses and prints back in ovs-ofctl form', () => {
  const text = 'table=10,priority=1,actions=learn(table=20,hard_timeout=300,priority=1,cookie=0x9f3,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:1';
  const f = add(text);
  const learn = f.instructions[0]!.type === 'apply_actions' ? f.instructions[0]!.actions[0]! : null;
  assert.equal(learn?.type, 'learn');
  if (learn?.type !== 'learn') return;
  assert.equal(learn.spec.items.length, 5);
  assert.deepEqual(learn.spec.items[0], { kind: 'match_field', dst: { field: F.vlan_tci, ofs: 0, nBits: 12 }, src: { field: F.vlan_tci, ofs: 0, nBits: 12 } });
  assert.equal(formatFlow(f),
    'table=10,priority=1,actions=learn(table=20,hard_timeout=300,priority=1,cookie=0x9f3,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[]),output:1');
});

test('shorthands, masks and instructions round-trip through the printer', () => {
  for (const text of [
    'priority=5,tcp,nw_src=10.0.0.0/8,tp_dst=80,actions=mod_dl_src:02:00:00:00:00:01,output:3',
    'table=1,priority=7,arp,arp_tpa=10.0.0.1,actions=resubmit(,2),goto_table:3',
    'priority=2,udp,in_port=4,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=group:7',
    'cookie=0x5,idle_timeout=30,priority=9,tun_id=0x64/0xff,metadata=0x1/0xf,reg3=0x2,actions=write_metadata:0x2/0xf,goto_table:4',
    'priority=3,ip,nw_frag=later,actions=drop',
    'priority=1,vlan_tci=0x0000,actions=mod_vlan_vid:10,NORMAL',
    'priority=1,icmp,icmp_type=8,actions=set_field:7->reg0,move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],IN_PORT',
  ]) {
    const f = add(text);
    const printed = formatFlow(f);
    assert.deepEqual(add(printed), f, `${text} -> ${printed}`);
  }
});

test('del-flows selectors take cookie masks and all tables', () => {
  const f = parseFlow('cookie=0x10/0xf0,in_port=2', { actions: 'forbidden' });
  assert.equal(f.cookie, 0x10n);
  assert.equal(f.cookieMask, 0xf0n);
  assert.equal(f.tableGiven, false);
  assert.equal(parseFlow('table=all', { actions: 'forbidden' }).table, OFPTT_ALL);
  assert.deepEqual(parseFlow('priority=1,actions=resubmit(,3)').instructions, [{ type: 'apply_actions', actions: [{ type: 'resubmit', port: OFPP_IN_PORT, table: 3 }] }]);
});

test('bad flows are rejected with messages like ovs-ofctl', () => {
  const bad: [string, RegExp][] = [
    ['priority=1,in_port=1', /must specify an action/],
    ['foo=1,actions=drop', /unknown keyword foo/],
    ['tp_dst=80,actions=drop', /prerequisites not met/],
    ['actions=frobnicate', /unknown action frobnicate/],
    ['dl_vlan=5000,actions=drop', /not a VLAN id/],
    ['actions=goto_table:2,output:1', /goto_table must be the last action/],
    ['actions=load:0x10000->NXM_OF_VLAN_TCI[]', /does not fit in 16 bits/],
    ['actions=move:NXM_OF_ETH_SRC[]->NXM_NX_REG0[]', /48 bits wide but destination is 32/],
    ['actions=learn(NXM_OF_FOO[])', /unknown field NXM_OF_FOO/],
    ['nw_src=1.2.3,actions=drop', /not an IPv4 address/],
  ];
  for (const [text, re] of bad) assert.throws(() => add(text), (e: unknown) => e instanceof OfctlError && re.test(e.message), text);
});

test('a flows file skips comments and names the line of an error', () => {
  assert.equal(parseFlowsFile('# c\n\npriority=1,actions=drop\n').length, 1);
  assert.throws(() => parseFlowsFile('priority=1,actions=drop\nbogus\n', {}, 'x.flows'), /x\.flows:2: must specify an action/);
});

test('groups parse as ovs-ofctl add-group takes them and print back as dump-groups does', () => {
  const cases: [string, string][] = [
    ['group_id=1,type=all,bucket=output:1,bucket=output:2', 'group_id=1,type=all,bucket=actions=output:1,bucket=actions=output:2'],
    ['group_id=7,type=select,bucket=weight:30,mod_vlan_vid:5,output:1,bucket=weight=70,actions=strip_vlan,output:2', 'group_id=7,type=select,bucket=weight:30,actions=mod_vlan_vid:5,output:1,bucket=weight:70,actions=strip_vlan,output:2'],
    ['group_id=2,type=select,bucket=output:1,bucket=bucket_id:4,output:2', 'group_id=2,type=select,bucket=weight:100,actions=output:1,bucket=weight:100,actions=output:2'],
    ['group_id=3,type=indirect,bucket=actions=resubmit(,2)', 'group_id=3,type=indirect,bucket=actions=resubmit(,2)'],
    ['group_id=4,type=all,bucket=', 'group_id=4,type=all,bucket=actions=drop'],
  ];
  for (const [text, printed] of cases) {
    const g = parseGroup(text);
    assert.equal(formatGroup(g), printed, text);
    assert.equal(formatGroup(parseGroup(printed)), printed, `round trip of ${printed}`);
  }
  const bad: [string, RegExp][] = [
    ['group_id=1,type=fast_failover,bucket=output:1', /fast failover groups are not supported/],
    ['group_id=1,type=all,bucket=watch_port:1,output:1', /watch ports and groups are not supported/],
    ['group_id=1,bogus=2', /unknown keyword bogus/],
    ['group_id=1,type=all,bucket=output:1,frobnicate:3', /frobnicate/],
    ['group_id=0x1ffffffff,type=all', /group_id/],
  ];
  for (const [text, message] of bad) assert.throws(() => parseGroup(text), (e: unknown) => e instanceof OfctlError && message.test(e.message), text);
});
