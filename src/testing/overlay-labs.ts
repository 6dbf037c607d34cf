/** Lab files for tests of VXLAN overlays over a real UDP underlay (`underlay: { udp: ... }`). */

export interface UdpOverlayLabSpec {
  readonly name: string;
  /** The one host behind the VTEP, on its access port `h`. */
  readonly host: string;
  readonly hostIp: string;
  /** The address the VTEP's UDP socket binds. */
  readonly local: string;
  readonly remotes: readonly string[];
  /** The UDP port on both ends. */
  readonly port: number;
  readonly vni: number;
  /** When given, the lab's one check: the host pings this address three times. */
  readonly ping?: string;
}

/** A lab of one host (MTU 1450, /24) behind a VXLAN VTEP whose underlay is a UDP socket. */
export function udpOverlayLab(s: UdpOverlayLabSpec): string {
  return [
    `name: ${s.name}`,
    'topology:',
    '  nodes:',
    '    vtep:',
    '      kind: vtep',
    `      underlay: { udp: { local: ${s.local}, port: ${s.port}, remote_port: ${s.port} } }`,
    `      ports: { h: ${s.vni} }`,
    `      remotes: { ${s.vni}: [${s.remotes.join(', ')}] }`,
    `    ${s.host}: { kind: host, interfaces: { eth0: { ip: ${s.hostIp}/24, mtu: 1450 } } }`,
    '  links:',
    `    - endpoints: [${s.host}:eth0, vtep:h]`,
    ...(s.ping !== undefined ? ['checks:', `  - ping: { from: ${s.host}, to: ${s.ping}, expect: success, count: 3 }`] : []),
    '',
  ].join('\n');
}
