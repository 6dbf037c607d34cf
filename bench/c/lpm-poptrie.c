/*
 * Baseline for the Poptrie rows of bench/suites/lpm.ts: the same structure and layout as
 * src/netfns/lpm/poptrie.ts. An int32 direct array over the top S bits: hop << 2, -4 for no
 * prefix, or block << 2 | 1 (a root node, 32-bit leaves) or | 3 (a flat root: leafvec, then
 * 16-bit leaves, 0xffff for no prefix; for a chunk without children whose hops fit).
 * Blocks live in one int32 pool, one per chunk: the root node, its leaves, the deeper nodes
 * breadth first, their leaves. A node is 4H words [vector, leafvec, child base, leaf base]
 * (H = 1 for stride 5, 2 for stride 6; the high half's bases already count the low half's bits),
 * bases relative to the block. Built chunk by chunk from a DIR-24-8 table filled with the same
 * prefixes from the same generator as bench/c/lpm.c, then timed on the same random addresses.
 * The JS table places blocks in update order (holes between them until it compacts), this one
 * in chunk order; the lookup reads the same words either way. Population counts use the popcnt
 * instruction (JS has none and counts with shifts and masks).
 * Mode "lookup" times one lookup at a time; "batch" groups of 64 in passes (direct entries, root
 * vector words, then leaves and deeper walks), as PoptrieLpm.lookupBatch.
 * Usage: lpm-poptrie PREFIXES SECONDS WARMUP_SECONDS lookup|batch [S [K]];
 * prints {"mlookups": ..., "checksum": ..., "prefixes": ..., "nodes": ..., "leaves": ..., "bytes": ...}.
 */
#define _POSIX_C_SOURCE 200112L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lpm-table.h"

#define NO_ROUTE (-4)
#define NO_ROUTE_16 0xffff
#define TREE 1
#define FLAT 3
#define BATCH 64

static int32_t *direct, *pool;
static uint16_t *pool16;
static uint32_t S, K, H, W, NODE_SHIFT;
static uint32_t pool_top, max_words, nodes_built, leaves_built;

/* Scratch for one chunk: its runs; per node its words (child and leaf indexes), address, first run, bit offset; its leaves. */
static uint32_t *run_start;
static int32_t *run_hop, *scratch_nodes, *scratch_leaves;
static double *node_lo;
static uint32_t *node_run, *node_off;

static int32_t hop_of(uint32_t e) { return e == 0 ? -1 : (int32_t)(e >> 6); }

static uint32_t chunk_runs(uint32_t c) {
  uint32_t per24 = 1u << (24 - S), n = 0;
  int32_t last = -2;
  for (uint32_t i = c * per24; i < (c + 1) * per24; i++) {
    uint32_t e = tbl24[i];
    if ((e & 63) != 63) {
      int32_t x = hop_of(e);
      if (x != last) { run_start[n] = i << 8; run_hop[n++] = x; last = x; }
      continue;
    }
    uint32_t base = (e >> 6) << 8;
    for (uint32_t j = 0; j < 256; j++) {
      int32_t x = hop_of(tbl8[base + j]);
      if (x != last) { run_start[n] = (i << 8) | j; run_hop[n++] = x; last = x; }
    }
  }
  return n;
}

/* Builds chunk c breadth first, then lays it out as a block at the end of the pool; 0 when full. */
__attribute__((target("popcnt"))) static int build(uint32_t c) {
  uint32_t runs = chunk_runs(c);
  if (runs == 1) {
    direct[c] = run_hop[0] >= 0 ? run_hop[0] << 2 : NO_ROUTE;
    return 1;
  }
  uint32_t count = 1, leaves = 0;
  node_lo[0] = (double)c * (double)(1u << (32 - S));
  node_run[0] = 0;
  node_off[0] = S;
  for (uint32_t i = 0; i < count; i++) {
    double lo = node_lo[i];
    int o = (int)node_off[i], slot_bits = 32 - o - (int)K, pad = slot_bits < 0 ? -slot_bits : 0;
    double size = slot_bits >= 0 ? (double)(1u << slot_bits) : 1;
    uint32_t r = node_run[i], vec[2] = {0, 0}, leafvec[2] = {0, 0}, child_base = count, leaf_base = leaves;
    int32_t previous = 0;
    int any_leaf = 0;
    for (uint32_t v = 0; v < (1u << K); v++) {
      if (pad > 0 && (v & ((1u << pad) - 1)) != 0) continue;
      double slot_lo = lo + (slot_bits >= 0 ? (double)v * size : (double)(v >> pad));
      while (r + 1 < runs && run_start[r + 1] <= slot_lo) r++;
      if (r + 1 < runs && run_start[r + 1] < slot_lo + size) {
        vec[v >> 5] |= 1u << (v & 31);
        node_lo[count] = slot_lo;
        node_run[count] = r;
        node_off[count] = (uint32_t)(o + (int)K);
        count++;
        continue;
      }
      int32_t hop = run_hop[r];
      if (!any_leaf || hop != previous) {
        leafvec[v >> 5] |= 1u << (v & 31);
        scratch_leaves[leaves++] = hop;
        previous = hop;
        any_leaf = 1;
      }
    }
    int32_t *n = scratch_nodes + (size_t)i * W;
    n[0] = (int32_t)vec[0];
    n[H] = (int32_t)leafvec[0];
    n[2 * H] = (int32_t)child_base;
    n[3 * H] = (int32_t)leaf_base;
    if (H == 2) {
      n[1] = (int32_t)vec[1];
      n[3] = (int32_t)leafvec[1];
    }
  }
  nodes_built += count;
  leaves_built += leaves;
  uint32_t at = pool_top;
  int32_t *block = pool + at;
  int narrow = count == 1;
  for (uint32_t j = 0; j < leaves && narrow; j++) narrow = scratch_leaves[j] < NO_ROUTE_16;
  if (narrow) {
    uint32_t words = H + (leaves + 1) / 2;
    if (at + words > max_words) return 0;
    block[0] = scratch_nodes[H];
    if (H == 2) block[1] = scratch_nodes[3];
    for (uint32_t j = 0; j < leaves; j++) pool16[2 * (at + H) + j] = scratch_leaves[j] >= 0 ? (uint16_t)scratch_leaves[j] : NO_ROUTE_16;
    pool_top = at + words;
    direct[c] = (int32_t)((at << 2) | FLAT);
    return 1;
  }
  uint32_t root_leaves = count == 1 ? leaves : (uint32_t)scratch_nodes[W + 3 * H], words = W * count + leaves;
  if (at + words > max_words) return 0;
  uint32_t node1 = W + root_leaves, deep_leaves = node1 + (count - 1) * W;
  for (uint32_t i = 0; i < count; i++) {
    const int32_t *src = scratch_nodes + (size_t)i * W;
    int32_t *n = block + (i == 0 ? 0 : node1 + (i - 1) * W);
    uint32_t first_child = (uint32_t)src[2 * H], first_leaf = (uint32_t)src[3 * H];
    int32_t child_base = (int32_t)node1 + ((int32_t)first_child - 1) * (int32_t)W - (int32_t)W;
    int32_t leaf_base = (int32_t)(first_leaf < root_leaves ? W + first_leaf : deep_leaves + first_leaf - root_leaves) - 1;
    n[0] = src[0];
    n[H] = src[H];
    n[2 * H] = child_base;
    n[3 * H] = leaf_base;
    if (H == 2) {
      n[1] = src[1];
      n[3] = src[3];
      n[5] = child_base + __builtin_popcount((uint32_t)src[0]) * (int32_t)W;
      n[7] = leaf_base + __builtin_popcount((uint32_t)src[2]);
    }
  }
  for (uint32_t j = 0; j < leaves; j++) block[j < root_leaves ? W + j : deep_leaves + j - root_leaves] = scratch_leaves[j];
  pool_top = at + words;
  direct[c] = (int32_t)((at << 2) | TREE);
  return 1;
}

__attribute__((target("popcnt"))) static inline int32_t lookup(uint32_t addr) {
  int32_t d = direct[addr >> (32 - S)];
  if ((d & 1) == 0) return d >= 0 ? d >> 2 : -1;
  uint32_t block = (uint32_t)d >> 2, offset = S, keep = 32 - K;
  uint32_t v = (addr << offset) >> keep, up = 31 - (v & 31), half = v >> 5;
  if (d & 2) {
    int32_t hop = pool16[2 * (block + H) - 1 + __builtin_popcount((uint32_t)pool[block + half] << up) + __builtin_popcount((uint32_t)pool[block] & -half)];
    return hop != NO_ROUTE_16 ? hop : -1;
  }
  uint32_t at = block;
  for (;;) {
    uint32_t x = at + half, bits = (uint32_t)pool[x] << up;
    if (!(bits >> 31)) return pool[block + pool[x + 3 * H] + __builtin_popcount((uint32_t)pool[x + H] << up)];
    at = block + (uint32_t)pool[x + 2 * H] + ((uint32_t)__builtin_popcount(bits) << NODE_SHIFT);
    offset += K;
    v = (addr << offset) >> keep;
    up = 31 - (v & 31);
    half = v >> 5;
  }
}

/* The sum of the next hops of addrs[0..count), looked up as PoptrieLpm.lookupBatch does: per group
 * of 64, the direct entries, then each root's vector word, then leaves and deeper walks. */
__attribute__((target("popcnt"))) static int64_t batch_sum(const uint32_t *addrs, uint32_t count) {
  int64_t sum = 0;
  int32_t entries[BATCH], words[BATCH];
  uint32_t keep = 32 - K;
  for (uint32_t from = 0; from < count; from += BATCH) {
    uint32_t m = count - from < BATCH ? count - from : BATCH;
    for (uint32_t j = 0; j < m; j++) entries[j] = direct[addrs[from + j] >> (32 - S)];
    for (uint32_t j = 0; j < m; j++) {
      int32_t d = entries[j];
      words[j] = (d & 1) == 0 ? 0 : pool[(uint32_t)(d >> 2) + (((addrs[from + j] << S) >> keep) >> 5)];
    }
    for (uint32_t j = 0; j < m; j++) {
      int32_t d = entries[j];
      uint32_t addr = addrs[from + j];
      if ((d & 1) == 0) {
        sum += d >= 0 ? d >> 2 : -1;
        continue;
      }
      if ((d & 2) == 0) {
        sum += lookup(addr);
        continue;
      }
      uint32_t block = (uint32_t)d >> 2, v = (addr << S) >> keep, half = v >> 5;
      int32_t hop = pool16[2 * (block + H) - 1 + __builtin_popcount((uint32_t)words[j] << (31 - (v & 31))) + __builtin_popcount((uint32_t)pool[block] & -half)];
      sum += hop != NO_ROUTE_16 ? hop : -1;
    }
  }
  return sum;
}

static int64_t lookup_sum(const uint32_t *addrs, uint32_t count) {
  int64_t sum = 0;
  for (uint32_t i = 0; i < count; i++) sum += lookup(addrs[i]);
  return sum;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 5 || argc > 7) {
    fprintf(stderr, "usage: lpm-poptrie PREFIXES SECONDS WARMUP_SECONDS lookup|batch [S [K]]\n");
    return 2;
  }
  int prefixes = atoi(argv[1]);
  double seconds = atof(argv[2]), warmup = atof(argv[3]);
  int64_t (*run)(const uint32_t *, uint32_t) = argv[4][0] == 'b' ? batch_sum : lookup_sum;
  S = argc >= 6 ? (uint32_t)atoi(argv[5]) : 19;
  K = argc >= 7 ? (uint32_t)atoi(argv[6]) : 5;
  if (S < 16 || S > 20 || (K != 5 && K != 6)) return 2;
  H = K == 6 ? 2 : 1;
  W = 4 * H;
  NODE_SHIFT = K == 6 ? 3 : 2;
  max_words = 1u << 24;
  tbl24 = calloc(TBL24, sizeof(uint32_t));
  tbl8 = calloc((size_t)MAX_GROUPS * 256, sizeof(uint32_t));
  direct = calloc(1u << S, sizeof(int32_t));
  pool = calloc(max_words, sizeof(int32_t));
  pool16 = (uint16_t *)pool;
  /* A chunk has fewer nodes and leaves than addresses, and at most 2^(32-S) runs. */
  run_start = calloc(1u << (32 - S), sizeof(uint32_t));
  run_hop = calloc(1u << (32 - S), sizeof(int32_t));
  scratch_nodes = calloc((size_t)(1u << (32 - S)) * W, sizeof(int32_t));
  scratch_leaves = calloc(2u << (32 - S), sizeof(int32_t));
  node_lo = calloc(1u << (32 - S), sizeof(double));
  node_run = calloc(1u << (32 - S), sizeof(uint32_t));
  node_off = calloc(1u << (32 - S), sizeof(uint32_t));
  uint32_t *addrs = malloc(ADDRS * sizeof(uint32_t));
  if (!tbl24 || !tbl8 || !direct || !pool || !run_start || !run_hop || !scratch_nodes || !scratch_leaves || !node_lo || !node_run || !node_off || !addrs) return 1;
  rng_state = 0x12345678u;
  for (int i = 0; i < prefixes; i++) {
    int len = random_len();
    uint32_t prefix = next_rand() & (0xffffffffu << (32 - len));
    insert(prefix, len, (uint32_t)(i % 65536));
  }
  for (uint32_t c = 0; c < (1u << S); c++) {
    if (!build(c)) {
      fprintf(stderr, "lpm-poptrie: pool full at chunk %u\n", c);
      return 1;
    }
  }
  free(tbl24);
  free(tbl8);
  rng_state = 0x9e3779b9u;
  for (uint32_t i = 0; i < ADDRS; i++) addrs[i] = next_rand();
  double checksum = (double)run(addrs, ADDRS);
  volatile int64_t sink = 0;
  double t = now_s(), warm_end = t + warmup;
  while (now_s() < warm_end) sink += run(addrs, ADDRS);
  double lookups = 0, start = now_s(), end = start + seconds, now = start;
  while (now < end) {
    sink += run(addrs, ADDRS);
    lookups += ADDRS;
    now = now_s();
  }
  size_t bytes = ((size_t)1 << S) * 4 + (size_t)pool_top * 4;
  printf("{\"mlookups\": %.3f, \"checksum\": %.0f, \"prefixes\": %d, \"nodes\": %u, \"leaves\": %u, \"bytes\": %zu}\n", lookups / (now - start) / 1e6, checksum, prefixes, nodes_built, leaves_built, bytes);
  return 0;
}
