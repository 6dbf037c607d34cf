/*
 * Baseline for the DXR rows of bench/suites/lpm.ts: the same structure and layout as
 * src/netfns/lpm/dxr.ts (a direct table of two int32 per chunk of the top K bits, [next hop, 0]
 * for a leaf, -1 for no prefix, or [range base, range count]; ranges of uint32 `offset << K | hop index`, searched
 * branch-free; a next-hop table indexed by hop index, index 0 for "no prefix"), built from a
 * DIR-24-8 table filled with the same prefixes from the same generator as bench/c/lpm.c, then
 * timed on the same random addresses. The JS table places chunk slices in update order, this one
 * in chunk order; the lookup reads the same words either way.
 * Mode "lookup" times one lookup at a time; "batch" times groups of 64 in three passes (direct
 * entries, one touching load in each chunk's ranges, then the searches), as DxrLpm.lookupBatch.
 * Usage: lpm-dxr PREFIXES SECONDS WARMUP_SECONDS lookup|batch [K];
 * prints {"mlookups": ..., "checksum": ..., "prefixes": ..., "ranges": ..., "bytes": ...}.
 */
#define _POSIX_C_SOURCE 200112L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lpm-table.h"

#define HOPS 65536

static int32_t *direct;
static uint32_t *ranges;
static int32_t *hop_of;
static unsigned K, SHIFT;

/* Hop index of a DIR-24-8 entry: 0 for none, else next hop + 1 (next hops are below 2^16 here). */
static uint32_t index_of(uint32_t e) { return e == 0 ? 0 : (e >> 6) + 1; }

/* Builds every chunk from the runs of its tbl24 entries; returns the ranges written. */
static uint32_t build(void) {
  uint32_t per24 = 1u << (24 - K), used = 0, off_mask = (1u << SHIFT) - 1;
  uint32_t *starts = malloc(sizeof(uint32_t) << SHIFT), *idx = malloc(sizeof(uint32_t) << SHIFT);
  for (uint32_t c = 0; c < (1u << K); c++) {
    uint32_t n = 0, last = UINT32_MAX;
    for (uint32_t i = c * per24; i < (c + 1) * per24; i++) {
      uint32_t e = tbl24[i];
      if ((e & 63) != 63) {
        uint32_t x = index_of(e);
        if (x != last) { starts[n] = i << 8; idx[n++] = x; last = x; }
        continue;
      }
      uint32_t base = (e >> 6) << 8;
      for (uint32_t j = 0; j < 256; j++) {
        uint32_t x = index_of(tbl8[base + j]);
        if (x != last) { starts[n] = (i << 8) | j; idx[n++] = x; last = x; }
      }
    }
    if (n == 1) { direct[2 * c] = (int32_t)idx[0] - 1; direct[2 * c + 1] = 0; continue; }
    direct[2 * c] = (int32_t)used;
    direct[2 * c + 1] = (int32_t)n;
    for (uint32_t k = 0; k < n; k++) ranges[used + k] = ((starts[k] & off_mask) << K) | idx[k];
    used += n;
  }
  free(starts);
  free(idx);
  return used;
}

static inline int32_t lookup(uint32_t addr) {
  uint32_t c = (addr >> SHIFT) << 1;
  int32_t i = direct[c], n = direct[c + 1];
  if (n == 0) return i;
  int32_t off = (int32_t)(addr & ((1u << SHIFT) - 1));
  while (n > 1) {
    int32_t half = n >> 1;
    i += half & ~((off - (int32_t)(ranges[i + half] >> K)) >> 31);
    n -= half;
  }
  return hop_of[ranges[i] & ((1u << K) - 1)];
}

#define BATCH 64

/* The sum of the next hops of addrs[0..count), looked up as DxrLpm.lookupBatch does. */
static int64_t batch_sum(const uint32_t *addrs, uint32_t count) {
  int64_t sum = 0;
  int32_t base[BATCH], n[BATCH];
  uint32_t touched = 0;
  for (uint32_t from = 0; from < count; from += BATCH) {
    uint32_t m = count - from < BATCH ? count - from : BATCH;
    for (uint32_t k = 0; k < m; k++) {
      uint32_t c = (addrs[from + k] >> SHIFT) << 1;
      base[k] = direct[c];
      n[k] = direct[c + 1];
    }
    for (uint32_t k = 0; k < m; k++) touched += ranges[(uint32_t)(base[k] + (n[k] >> 1)) & (uint32_t)(-n[k] >> 31)];
    for (uint32_t k = 0; k < m; k++) {
      int32_t i = base[k], left = n[k];
      if (left == 0) {
        sum += i;
        continue;
      }
      int32_t off = (int32_t)(addrs[from + k] & ((1u << SHIFT) - 1));
      while (left > 1) {
        int32_t half = left >> 1;
        i += half & ~((off - (int32_t)(ranges[i + half] >> K)) >> 31);
        left -= half;
      }
      sum += hop_of[ranges[i] & ((1u << K) - 1)];
    }
  }
  /* Keeps the touching loads. */
  return sum + (touched == 0xdeadbeefu);
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
  if (argc != 5 && argc != 6) {
    fprintf(stderr, "usage: lpm-dxr PREFIXES SECONDS WARMUP_SECONDS lookup|batch [K]\n");
    return 2;
  }
  int prefixes = atoi(argv[1]);
  double seconds = atof(argv[2]), warmup = atof(argv[3]);
  int64_t (*run)(const uint32_t *, uint32_t) = argv[4][0] == 'b' ? batch_sum : lookup_sum;
  K = argc == 6 ? (unsigned)atoi(argv[5]) : 18;
  if (K < 16 || K > 20) return 2;
  SHIFT = 32 - K;
  tbl24 = calloc(TBL24, sizeof(uint32_t));
  tbl8 = calloc((size_t)MAX_GROUPS * 256, sizeof(uint32_t));
  direct = calloc(2u << K, sizeof(int32_t));
  ranges = calloc(1u << 23, sizeof(uint32_t));
  hop_of = calloc(HOPS + 1, sizeof(int32_t));
  uint32_t *addrs = malloc(ADDRS * sizeof(uint32_t));
  if (!tbl24 || !tbl8 || !direct || !ranges || !hop_of || !addrs) return 1;
  hop_of[0] = -1;
  for (int h = 0; h < HOPS; h++) hop_of[h + 1] = h;
  rng_state = 0x12345678u;
  for (int i = 0; i < prefixes; i++) {
    int len = random_len();
    uint32_t prefix = next_rand() & (0xffffffffu << (32 - len));
    insert(prefix, len, (uint32_t)(i % HOPS));
  }
  uint32_t used = build();
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
  size_t bytes = (sizeof(uint32_t) << 1 << K) + (size_t)used * 4 + (HOPS + 1) * 4;
  printf("{\"mlookups\": %.3f, \"checksum\": %.0f, \"prefixes\": %d, \"ranges\": %u, \"bytes\": %zu}\n", lookups / (now - start) / 1e6, checksum, prefixes, used, bytes);
  return 0;
}
