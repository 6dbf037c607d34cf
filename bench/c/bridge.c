/*
 * Baseline for bench/suites/bridge.ts: 4 header sources -> learning bridge -> 4 sinks in C, with
 * the same pool, rings, breath loop and the same open-addressing MAC table (parallel arrays,
 * linear probing, the same hash) as src/bridges/mac-table.ts, and the same per-frame checks as
 * src/bridges/learning-bridge.ts (VLAN-unaware, all flags at their defaults), including its short
 * unicast path (refresh-and-lookup, receive counters summed per link).
 * Usage: bridge noop|bridge MACS SECONDS WARMUP_SECONDS; prints {"mpps": ...}.
 */
#define _POSIX_C_SOURCE 200112L
#define _ISOC11_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HEADROOM 128
#define DATAROOM 256
#define POOL 8192
#define RING 1024
#define PORTS 4
#define BATCH 64

/* Field order as in the JS Packet: what every hop touches first. */
typedef struct packet {
  int off, len, trace_id, free;
  void *pool;
  int id, base, in_port, vlan, tunnel_id, hash;
  int csum_start, csum_offset, gso_type, gso_size;
  uint8_t *buf;
} packet;

static packet packets[POOL];
static int free_stack[POOL];
static int top;

static packet *pool_alloc(void) {
  if (top == 0) return NULL;
  packet *p = &packets[free_stack[--top]];
  p->free = 0; p->off = HEADROOM; p->len = 0; p->trace_id = 0; p->in_port = 0; p->vlan = 0; p->tunnel_id = 0; p->hash = 0;
  p->csum_start = -1; p->csum_offset = 0; p->gso_type = 0; p->gso_size = 0;
  return p;
}

static void pool_free(packet *p) {
  if (p->free || p->pool != packets) abort();
  p->free = 1;
  free_stack[top++] = p->id;
}

typedef struct {
  packet *ring[RING];
  uint32_t read, write;
  /* As in link.ts: tx/rx packet counts are the indices, rx bytes are derived on demand. */
  double tx_bytes, drops;
  void (*record_trace)(packet *);
  void (*tap)(packet *);
} link_t;

static int link_empty(link_t *l) { return l->read == l->write; }
static int link_writable(link_t *l) { return RING - (l->write - l->read); }

static void link_transmit(link_t *l, packet *p) {
  if (l->write - l->read == RING) { l->drops++; pool_free(p); return; }
  if (p->trace_id != 0 && l->record_trace) l->record_trace(p);
  if (l->tap) l->tap(p);
  l->ring[l->write & (RING - 1)] = p;
  l->write++;
  l->tx_bytes += p->len;
}

static packet *link_receive(link_t *l) {
  if (l->read == l->write) abort();
  return l->ring[l->read++ & (RING - 1)];
}

/* ---- MAC table: same layout and hash as HashMacTable ---- */
#define OCCUPIED (1 << 28)
/* 32-byte buckets, two per cache line: the layout HashMacTable keeps in its Int32Array/Float64Array pair. */
typedef struct {
  int32_t key_hi, key_lo, port, is_static;
  double seen;
  int32_t unused[2];
} bucket;

typedef struct {
  uint32_t mask, shift;
  int capacity, size;
  double overflows;
  bucket *b;
} mac_table;

enum { LEARN_NEW, LEARN_MOVED, LEARN_REFRESHED, LEARN_FULL, LEARN_STATIC };

static void mt_init(mac_table *t, int capacity) {
  uint32_t buckets = 2;
  while (buckets < (uint32_t)capacity * 2) buckets *= 2;
  t->mask = buckets - 1;
  t->shift = 32;
  for (uint32_t b = buckets; b > 1; b >>= 1) t->shift--;
  t->capacity = capacity;
  t->b = aligned_alloc(64, buckets * sizeof(bucket));
  memset(t->b, 0, buckets * sizeof(bucket));
}

static uint32_t mt_home(const mac_table *t, int32_t lo, int32_t hi) {
  uint32_t h = ((uint32_t)lo ^ ((uint32_t)hi * 0x9e3779b1u)) * 0x85ebca6bu;
  return h >> t->shift;
}

static int64_t mt_find(const mac_table *t, int32_t lo, int32_t hi) {
  uint32_t i = mt_home(t, lo, hi);
  for (;;) {
    int32_t k = t->b[i].key_hi;
    if (k == 0) return ~(int64_t)i;
    if (k == hi && t->b[i].key_lo == lo) return i;
    i = (i + 1) & t->mask;
  }
}

static int mt_lookup(const mac_table *t, uint32_t hi16, uint32_t lo32, int vlan) {
  int32_t hi = OCCUPIED | (int32_t)(hi16 << 12) | (vlan & 0xfff);
  int64_t i = mt_find(t, (int32_t)lo32, hi);
  return i >= 0 ? t->b[i].port : -1;
}

/* HashMacTable.refreshAndLookup: the bridge's short path. */
static int mt_refresh_and_lookup(mac_table *t, uint32_t src_hi16, uint32_t src_lo32, uint32_t dst_hi16, uint32_t dst_lo32, int vlan, int port, double now) {
  int v = vlan & 0xfff;
  int64_t s = mt_find(t, (int32_t)src_lo32, OCCUPIED | (int32_t)(src_hi16 << 12) | v);
  if (s < 0) return -1;
  bucket *e = &t->b[s];
  if (e->port != port || e->is_static) return -1;
  if (e->seen != now) e->seen = now;
  int64_t d = mt_find(t, (int32_t)dst_lo32, OCCUPIED | (int32_t)(dst_hi16 << 12) | v);
  return d >= 0 ? t->b[d].port : -1;
}

static int mt_learn(mac_table *t, uint32_t hi16, uint32_t lo32, int vlan, int port, double now) {
  int32_t hi = OCCUPIED | (int32_t)(hi16 << 12) | (vlan & 0xfff), lo = (int32_t)lo32;
  int64_t i = mt_find(t, lo, hi);
  if (i >= 0) {
    bucket *e = &t->b[i];
    if (e->is_static) return LEARN_STATIC;
    e->seen = now;
    if (e->port == port) return LEARN_REFRESHED;
    e->port = port;
    return LEARN_MOVED;
  }
  if (t->size >= t->capacity) { t->overflows++; return LEARN_FULL; }
  bucket *e = &t->b[~i];
  e->key_hi = hi; e->key_lo = lo; e->port = port; e->is_static = 0; e->seen = now;
  t->size++;
  return LEARN_NEW;
}

/* ---- apps ---- */
typedef struct app {
  void (*pull)(struct app *);
  void (*push)(struct app *);
  link_t *in[PORTS], *out[PORTS];
  int n_in;
  double generated, consumed;
  uint8_t *headers;
  size_t headers_len, cursor;
} app_t;

static void source_pull(app_t *a) {
  link_t *out = a->out[0];
  int n = BATCH, w = link_writable(out);
  if (w < n) n = w;
  size_t c = a->cursor;
  for (int i = 0; i < n; i++) {
    packet *p = pool_alloc();
    if (!p) break;
    a->generated++;
    uint8_t *b = p->buf + p->off;
    for (int k = 0; k < 12; k++) b[k] = a->headers[c + k];
    p->len = 64;
    c += 12;
    if (c == a->headers_len) c = 0;
    link_transmit(out, p);
  }
  a->cursor = c;
}

static void sink_push(app_t *a) {
  double n = 0;
  for (int j = 0; j < a->n_in; j++) {
    link_t *l = a->in[j];
    while (!link_empty(l)) { pool_free(link_receive(l)); n++; }
  }
  a->consumed += n;
}

typedef struct {
  app_t app;
  mac_table fdb;
  link_t *out_links[PORTS];
  uint8_t learning[PORTS], flood_on[PORTS], hairpin[PORTS];
  double rx_packets[PORTS], rx_bytes[PORTS], tx_packets[PORTS], tx_bytes[PORTS], floods[PORTS], learned[PORTS], drops[PORTS];
  double dropped, clone_failures;
} bridge_t;

static bridge_t br;

static void bridge_drop(packet *p, int in_port) { br.drops[in_port]++; br.dropped++; pool_free(p); }

static void bridge_emit(packet *p, int port, link_t *l) {
  br.tx_packets[port]++;
  br.tx_bytes[port] += p->len;
  link_transmit(l, p);
}

static void bridge_flood(packet *p, int in_port) {
  br.floods[in_port]++;
  int prev = -1;
  for (int q = 0; q < PORTS; q++) {
    if (!br.out_links[q] || !br.flood_on[q]) continue;
    if (q == in_port && !br.hairpin[q]) continue;
    if (prev >= 0) {
      packet *c = pool_alloc();
      if (!c) br.clone_failures++;
      else {
        br.app.generated++;
        c->off = p->off; c->len = p->len;
        memcpy(c->buf + c->off, p->buf + p->off, p->len);
        bridge_emit(c, prev, br.out_links[prev]);
      }
    }
    prev = q;
  }
  if (prev < 0) { bridge_drop(p, in_port); return; }
  bridge_emit(p, prev, br.out_links[prev]);
}

static double clock_now;

static void bridge_forward(packet *p, int in_port, double now) {
  const uint8_t *buf = p->buf;
  int off = p->off, len = p->len;
  if (len < 14) { bridge_drop(p, in_port); return; }
  uint32_t src_hi = (buf[off + 6] << 8) | buf[off + 7];
  if (src_hi & 0x100) { bridge_drop(p, in_port); return; }
  uint32_t src_lo = ((uint32_t)buf[off + 8] << 24) | (buf[off + 9] << 16) | (buf[off + 10] << 8) | buf[off + 11];
  if (src_hi == 0 && src_lo == 0) { bridge_drop(p, in_port); return; }
  int tagged = buf[off + 12] == 0x81 && buf[off + 13] == 0x00;
  if (tagged && len < 18) { bridge_drop(p, in_port); return; }
  int vlan = 0;
  p->in_port = in_port;
  p->vlan = vlan;
  if (br.learning[in_port]) {
    int r = mt_learn(&br.fdb, src_hi, src_lo, vlan, in_port, now);
    if (r == LEARN_NEW) br.learned[in_port]++;
  }
  uint32_t dst_hi = (buf[off] << 8) | buf[off + 1];
  uint32_t dst_lo = ((uint32_t)buf[off + 2] << 24) | (buf[off + 3] << 16) | (buf[off + 4] << 8) | buf[off + 5];
  if (dst_hi & 0x100) {
    if (dst_hi == 0x0180 && (dst_lo & 0xfffffff0u) == 0xc2000000u && dst_lo != 0xc2000000u) { bridge_drop(p, in_port); return; }
    bridge_flood(p, in_port);
    return;
  }
  int out = mt_lookup(&br.fdb, dst_hi, dst_lo, vlan);
  if (out < 0) { bridge_flood(p, in_port); return; }
  if (out == in_port && !br.hairpin[in_port]) { bridge_drop(p, in_port); return; }
  link_t *l = br.out_links[out];
  if (!l) { bridge_drop(p, in_port); return; }
  bridge_emit(p, out, l);
}

static uint32_t load32be(const uint8_t *b) { return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3]; }

/* LearningBridge.push: the short unicast path, falling back to bridge_forward. */
static void bridge_push(app_t *a) {
  double now = clock_now;
  for (int k = 0; k < a->n_in; k++) {
    link_t *l = a->in[k];
    if (link_empty(l)) continue;
    double packets = 0, bytes = 0;
    while (!link_empty(l)) {
      packet *p = link_receive(l);
      int len = p->len;
      packets++;
      bytes += len;
      if (len >= 18 && p->trace_id == 0) {
        const uint8_t *b = p->buf + p->off;
        uint32_t w0 = load32be(b), w1 = load32be(b + 4), src_lo = load32be(b + 8);
        uint32_t src_hi = w1 & 0xffff;
        if (!(src_hi & 0x100) && (src_hi | src_lo) != 0 && !(w0 & 0x1000000)) {
          int out = mt_refresh_and_lookup(&br.fdb, src_hi, src_lo, w0 >> 16, (w0 << 16) | (w1 >> 16), 0, k, now);
          if (out >= 0 && out != k && br.out_links[out]) {
            p->in_port = k;
            p->vlan = 0;
            bridge_emit(p, out, br.out_links[out]);
            continue;
          }
        }
      }
      bridge_forward(p, k, now);
    }
    br.rx_packets[k] += packets;
    br.rx_bytes[k] += bytes;
  }
}

static app_t *pulls[PORTS], *pushes[PORTS + 1];
static int n_pulls, n_pushes;

static void breathe(void) {
  for (int i = 0; i < n_pulls; i++) pulls[i]->pull(pulls[i]);
  for (int pass = 0; pass < 64; pass++) {
    int moved = 0;
    for (int i = 0; i < n_pushes; i++) {
      app_t *a = pushes[i];
      for (int j = 0; j < a->n_in; j++) {
        if (!link_empty(a->in[j])) { a->push(a); moved = 1; break; }
      }
    }
    if (!moved) break;
  }
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void write_mac(uint8_t *b, uint32_t m) {
  b[0] = 0x02; b[1] = 0; b[2] = m >> 24; b[3] = m >> 16; b[4] = m >> 8; b[5] = m;
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: bridge noop|bridge MACS SECONDS WARMUP\n"); return 2; }
  int with_bridge = strcmp(argv[1], "bridge") == 0;
  int macs = atoi(argv[2]);
  double seconds = atof(argv[3]), warmup = atof(argv[4]);
  uint8_t *backing = malloc((size_t)POOL * (HEADROOM + DATAROOM));
  uint8_t template[64] = {0};
  template[12] = 0x08;
  for (int i = 14; i < 64; i++) template[i] = i;
  for (int i = 0; i < POOL; i++) {
    packets[i].buf = backing + (size_t)i * (HEADROOM + DATAROOM);
    packets[i].id = i;
    packets[i].pool = packets;
    packets[i].base = i * (HEADROOM + DATAROOM);
    packets[i].free = 1;
    free_stack[i] = POOL - 1 - i;
    memcpy(packets[i].buf + HEADROOM, template, 64);
  }
  top = POOL;
  static link_t in_links[PORTS], out_links[PORTS];
  static app_t sources[PORTS], sinks[PORTS];
  int per_port = macs / PORTS;
  mt_init(&br.fdb, macs > 4096 ? macs : 4096);
  br.app.push = bridge_push;
  br.app.n_in = PORTS;
  if (with_bridge) pushes[n_pushes++] = &br.app;
  for (int port = 0; port < PORTS; port++) {
    app_t *s = &sources[port];
    s->pull = source_pull;
    s->headers_len = (size_t)per_port * 12;
    s->headers = malloc(s->headers_len);
    for (int i = 0; i < per_port; i++) {
      int src = port + PORTS * i;
      int dst_port = (port + 1 + (i % (PORTS - 1))) % PORTS;
      int dst = dst_port + PORTS * (int)(((int64_t)i * 7919) % per_port);
      write_mac(s->headers + i * 12, dst);
      write_mac(s->headers + i * 12 + 6, src);
    }
    s->out[0] = &in_links[port];
    sinks[port].push = sink_push;
    sinks[port].n_in = 1;
    if (with_bridge) {
      br.app.in[port] = &in_links[port];
      br.out_links[port] = &out_links[port];
      br.learning[port] = 1;
      br.flood_on[port] = 1;
      sinks[port].in[0] = &out_links[port];
    } else {
      sinks[port].in[0] = &in_links[port];
    }
    pulls[n_pulls++] = s;
    pushes[n_pushes++] = &sinks[port];
  }
  double delivered_before = 0;
  if (with_bridge) for (int i = 0; i < per_port / BATCH + 2; i++) breathe();
  double t0 = now_s();
  while (now_s() - t0 < warmup) for (int i = 0; i < 64; i++) breathe();
  for (int p = 0; p < PORTS; p++) delivered_before += sinks[p].consumed;
  double floods_before = 0;
  for (int p = 0; p < PORTS; p++) floods_before += br.floods[p];
  double start = now_s(), t = start;
  while (t - start < seconds) { for (int i = 0; i < 64; i++) breathe(); t = now_s(); }
  double delivered = -delivered_before, floods = -floods_before;
  for (int p = 0; p < PORTS; p++) { delivered += sinks[p].consumed; floods += br.floods[p]; }
  printf("{\"mpps\": %.4f, \"packets\": %.0f, \"floods\": %.0f, \"fdb\": %d}\n", delivered / (t - start) / 1e6, delivered, floods, br.fdb.size);
  return 0;
}
