/*
 * The DIR-24-8 table both LPM baselines fill (bench/c/lpm.c times it, bench/c/lpm-dxr.c builds
 * its ranges from it): the layout and entry encoding of src/netfns/lpm/dir24-8.ts, and the
 * prefix generator of bench/suites/lpm.ts (xorshift32, the same length mix).
 */
#ifndef VNET_BENCH_LPM_TABLE_H
#define VNET_BENCH_LPM_TABLE_H
#include <stdint.h>

#define TBL24 (1u << 24)
#define ADDRS (1u << 20)
#define MAX_GROUPS 16384

static uint32_t *tbl24, *tbl8;
static uint32_t groups_used;
static uint32_t rng_state;

static uint32_t next_rand(void) {
  uint32_t s = rng_state;
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  rng_state = s;
  return s;
}

/* Same length mix as the JS suite: mostly /24 and /16-/23, a few /8-/15, 1% longer than /24. */
static int random_len(void) {
  uint32_t r = next_rand() % 1000;
  if (r < 5) return 8 + (int)(next_rand() % 8);
  if (r < 350) return 16 + (int)(next_rand() % 8);
  if (r < 990) return 24;
  return 25 + (int)(next_rand() % 8);
}

static int insert(uint32_t prefix, int len, uint32_t nh) {
  uint32_t value = (nh << 6) | (uint32_t)len;
  if (len <= 24) {
    uint32_t start = prefix >> 8, end = start + (1u << (24 - len));
    for (uint32_t i = start; i < end; i++) {
      uint32_t e = tbl24[i], depth = e & 63;
      if (depth == 63) {
        uint32_t base = (e >> 6) << 8;
        for (uint32_t j = base; j < base + 256; j++) if ((tbl8[j] & 63) <= (uint32_t)len) tbl8[j] = value;
      } else if (depth <= (uint32_t)len) {
        tbl24[i] = value;
      }
    }
    return 1;
  }
  uint32_t idx = prefix >> 8, e = tbl24[idx];
  if ((e & 63) != 63) {
    if (groups_used == MAX_GROUPS) return 0;
    uint32_t g = groups_used++;
    for (uint32_t j = 0; j < 256; j++) tbl8[(g << 8) + j] = e;
    e = (g << 6) | 63;
    tbl24[idx] = e;
  }
  uint32_t start = ((e >> 6) << 8) + (prefix & 255), end = start + (1u << (32 - len));
  for (uint32_t j = start; j < end; j++) if ((tbl8[j] & 63) <= (uint32_t)len) tbl8[j] = value;
  return 1;
}

#endif
