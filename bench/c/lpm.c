/*
 * Baseline for bench/suites/lpm.ts: the same DIR-24-8 layout and entry encoding as
 * src/netfns/lpm/dir24-8.ts (tbl24 of 2^24 uint32, 256-entry tbl8 groups, depth in bits 0-5,
 * 63 marking a group pointer, next hop or group in bits 6-29), filled with the same prefixes
 * from the same generator, then timed on the same random addresses.
 * Usage: lpm PREFIXES SECONDS WARMUP_SECONDS; prints {"mlookups": ..., "checksum": ..., "prefixes": ...}.
 */
#define _POSIX_C_SOURCE 200112L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lpm-table.h"

static inline int32_t lookup(uint32_t addr) {
  uint32_t e = tbl24[addr >> 8];
  if ((e & 63) == 63) e = tbl8[((e >> 6) << 8) | (addr & 255)];
  return e == 0 ? -1 : (int32_t)(e >> 6);
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: lpm PREFIXES SECONDS WARMUP_SECONDS\n");
    return 2;
  }
  int prefixes = atoi(argv[1]);
  double seconds = atof(argv[2]), warmup = atof(argv[3]);
  tbl24 = calloc(TBL24, sizeof(uint32_t));
  tbl8 = calloc((size_t)MAX_GROUPS * 256, sizeof(uint32_t));
  uint32_t *addrs = malloc(ADDRS * sizeof(uint32_t));
  if (!tbl24 || !tbl8 || !addrs) return 1;
  rng_state = 0x12345678u;
  for (int i = 0; i < prefixes; i++) {
    int len = random_len();
    uint32_t prefix = next_rand() & (0xffffffffu << (32 - len));
    insert(prefix, len, (uint32_t)(i % 65536));
  }
  rng_state = 0x9e3779b9u;
  for (uint32_t i = 0; i < ADDRS; i++) addrs[i] = next_rand();
  double checksum = 0;
  for (uint32_t i = 0; i < ADDRS; i++) checksum += lookup(addrs[i]);
  volatile int64_t sink = 0;
  double t = now_s(), warm_end = t + warmup;
  while (now_s() < warm_end) {
    int64_t s = 0;
    for (uint32_t i = 0; i < ADDRS; i++) s += lookup(addrs[i]);
    sink += s;
  }
  double lookups = 0, start = now_s(), end = start + seconds, now = start;
  while (now < end) {
    int64_t s = 0;
    for (uint32_t i = 0; i < ADDRS; i++) s += lookup(addrs[i]);
    sink += s;
    lookups += ADDRS;
    now = now_s();
  }
  printf("{\"mlookups\": %.3f, \"checksum\": %.0f, \"prefixes\": %d}\n", lookups / (now - start) / 1e6, checksum, prefixes);
  return 0;
}
