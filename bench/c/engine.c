/*
 * Baseline for bench/suites/engine.ts: the engine's Source -> Sink graph in C with the same
 * structure: a packet pool with a free stack and per-packet metadata reset on alloc, a bounded
 * ring link whose indices are its packet counters (as link.ts), with the trace/tap checks, apps called through function pointers,
 * and a breath of pull + push passes until the links are empty.
 * Usage: engine BATCH SECONDS WARMUP_SECONDS; prints {"mpps": ...}.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HEADROOM 128
#define DATAROOM 2048
#define POOL 16384
#define RING 1024

/* Field order as in the JS Packet: what every hop touches first. */
typedef struct packet {
  int off, len, trace_id, free;
  void *pool;
  int id, base, in_port, vlan, tunnel_id, hash;
  int csum_start, csum_offset, gso_type, gso_size;
  uint8_t *buf;
} packet;

typedef struct {
  packet packets[POOL];
  int free_stack[POOL];
  int top;
  uint8_t *backing;
  double allocations;
} pool_t;

static pool_t pool;

static packet *pool_alloc(void) {
  if (pool.top == 0) return NULL;
  packet *p = &pool.packets[pool.free_stack[--pool.top]];
  p->free = 0; p->off = HEADROOM; p->len = 0; p->trace_id = 0; p->in_port = 0; p->vlan = 0; p->tunnel_id = 0; p->hash = 0;
  p->csum_start = -1; p->csum_offset = 0; p->gso_type = 0; p->gso_size = 0;
  pool.allocations++;
  return p;
}

static void pool_free(packet *p) {
  if (p->free || p->pool != &pool) abort();
  p->free = 1;
  pool.free_stack[pool.top++] = p->id;
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

static int link_transmit(link_t *l, packet *p) {
  if (l->write - l->read == RING) { l->drops++; pool_free(p); return 0; }
  if (p->trace_id != 0 && l->record_trace) l->record_trace(p);
  if (l->tap) l->tap(p);
  l->ring[l->write & (RING - 1)] = p;
  l->write++;
  l->tx_bytes += p->len;
  return 1;
}

static packet *link_receive(link_t *l) {
  if (l->read == l->write) abort();
  return l->ring[l->read++ & (RING - 1)];
}

typedef struct app {
  void (*pull)(struct app *);
  void (*push)(struct app *);
  link_t *in, *out;
  int batch;
  double generated, consumed;
  uint8_t frame[64];
} app_t;

static void source_pull(app_t *a) {
  link_t *out = a->out;
  int n = a->batch, w = link_writable(out);
  if (w < n) n = w;
  for (int i = 0; i < n; i++) {
    packet *p = pool_alloc();
    if (!p) break;
    a->generated++;
    memcpy(p->buf + p->off, a->frame, 64);
    p->len = 64;
    link_transmit(out, p);
  }
}

static void sink_push(app_t *a) {
  link_t *l = a->in;
  double n = 0;
  while (!link_empty(l)) { pool_free(link_receive(l)); n++; }
  a->consumed += n;
}

static app_t *pulls[1], *pushes[1];
static link_t *push_inputs[1];

static void breathe(void) {
  for (int i = 0; i < 1; i++) pulls[i]->pull(pulls[i]);
  for (int pass = 0; pass < 64; pass++) {
    int moved = 0;
    for (int i = 0; i < 1; i++) {
      if (!link_empty(push_inputs[i])) { pushes[i]->push(pushes[i]); moved = 1; }
    }
    if (!moved) break;
  }
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: engine BATCH SECONDS WARMUP\n"); return 2; }
  int batch = atoi(argv[1]);
  double seconds = atof(argv[2]), warmup = atof(argv[3]);
  pool.backing = malloc((size_t)POOL * (HEADROOM + DATAROOM));
  for (int i = 0; i < POOL; i++) {
    pool.packets[i].buf = pool.backing + (size_t)i * (HEADROOM + DATAROOM);
    pool.packets[i].id = i;
    pool.packets[i].pool = &pool;
    pool.packets[i].base = i * (HEADROOM + DATAROOM);
    pool.packets[i].free = 1;
    pool.free_stack[i] = POOL - 1 - i;
  }
  pool.top = POOL;
  static link_t l;
  static app_t src, snk;
  src.pull = source_pull; src.out = &l; src.batch = batch;
  for (int i = 0; i < 64; i++) src.frame[i] = (uint8_t)i;
  snk.push = sink_push; snk.in = &l;
  pulls[0] = &src; pushes[0] = &snk; push_inputs[0] = &l;
  int breaths = 4096 / batch; if (breaths < 1) breaths = 1;
  double t0 = now_s();
  while (now_s() - t0 < warmup) for (int i = 0; i < breaths; i++) breathe();
  double start = now_s(), t = start, before = snk.consumed;
  while (t - start < seconds) { for (int i = 0; i < breaths; i++) breathe(); t = now_s(); }
  double pps = (snk.consumed - before) / (t - start);
  printf("{\"mpps\": %.4f, \"packets\": %.0f}\n", pps / 1e6, snk.consumed - before);
  return 0;
}
