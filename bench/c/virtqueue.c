/*
 * Baseline for bench/suites/virtqueue.ts: the same split-virtqueue protocol between two pthreads.
 * The driver thread posts 64-byte buffers `batch` at a time; the device thread copies each out and
 * returns it. Indices are C11 atomics (seq_cst, as JS Atomics are); a side sleeps on a futex doorbell
 * only after re-enabling notifications and finding nothing, with RING_EVENT_IDX or with the flags.
 * Usage: virtqueue <batch> <event_idx 0|1> <packets>. Prints {"mpps":..,"notifications_per_packet":..}.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define QSIZE 256
#define FRAME 64

struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
static struct desc descs[QSIZE];
static _Atomic uint16_t avail_flags, avail_idx, used_event;
static uint16_t avail_ring[QSIZE];
static _Atomic uint16_t used_flags, used_idx, avail_event;
static struct { uint32_t id, len; } used_ring[QSIZE];
static uint8_t bufs[QSIZE * FRAME];
static _Atomic int kick_bell, irq_bell;
static long batch, packets;
static int event_idx;
static long kicks, irqs;

static int need_event(uint16_t ev, uint16_t nw, uint16_t old) { return (uint16_t)(nw - ev - 1) < (uint16_t)(nw - old); }
static void ring_bell(_Atomic int *b) { atomic_fetch_add(b, 1); syscall(SYS_futex, b, FUTEX_WAKE, 1, NULL, NULL, 0); }
static void wait_bell(_Atomic int *b, int seen) {
  struct timespec ts = { 0, 50 * 1000 * 1000 };
  syscall(SYS_futex, b, FUTEX_WAIT, seen, &ts, NULL, 0);
}

static void *driver(void *arg) {
  (void)arg;
  uint16_t next_avail = 0, kicked = 0, last_used = 0;
  long sent = 0, nfree = QSIZE;
  uint16_t free_head = 0;
  uint16_t next_free[QSIZE];
  for (int i = 0; i < QSIZE; i++) next_free[i] = (i + 1) % QSIZE;
  if (!event_idx) atomic_store(&avail_flags, 1);
  while (sent < packets) {
    while (atomic_load(&used_idx) != last_used) {
      uint32_t id = used_ring[last_used % QSIZE].id;
      next_free[id] = free_head; free_head = id; nfree++; last_used++;
    }
    long k = 0;
    while (k < batch && sent < packets && nfree > 0) {
      uint16_t h = free_head; free_head = next_free[h]; nfree--;
      descs[h].addr = (uint64_t)(uintptr_t)&bufs[(h % QSIZE) * FRAME]; descs[h].len = FRAME; descs[h].flags = 0; descs[h].next = 0;
      avail_ring[next_avail % QSIZE] = h; next_avail++; k++; sent++;
    }
    if (k > 0) {
      uint16_t old = kicked;
      atomic_store(&avail_idx, next_avail); kicked = next_avail;
      int want = event_idx ? need_event(atomic_load(&avail_event), next_avail, old) : !(atomic_load(&used_flags) & 1);
      if (want) { kicks++; ring_bell(&kick_bell); }
      continue;
    }
    int seen = atomic_load(&irq_bell);
    if (event_idx) atomic_store(&used_event, last_used); else atomic_store(&avail_flags, 0);
    if (atomic_load(&used_idx) == last_used) wait_bell(&irq_bell, seen);
    if (!event_idx) atomic_store(&avail_flags, 1);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: virtqueue <batch> <event_idx> <packets>\n"); return 2; }
  batch = atol(argv[1]); event_idx = atoi(argv[2]); packets = atol(argv[3]);
  pthread_t t;
  struct timespec a, b;
  uint8_t scratch[2048];
  uint16_t last_avail = 0, used = 0, signalled = 0;
  long done = 0;
  volatile uint8_t sink = 0;
  if (event_idx) atomic_store(&avail_event, 0);
  clock_gettime(CLOCK_MONOTONIC, &a);
  pthread_create(&t, NULL, driver, NULL);
  while (done < packets) {
    long k = 0;
    uint16_t idx = atomic_load(&avail_idx);
    while (k < batch && last_avail != idx) {
      uint16_t h = avail_ring[last_avail % QSIZE];
      if (h >= QSIZE) return 1;
      memcpy(scratch, (void *)(uintptr_t)descs[h].addr, descs[h].len);
      sink ^= scratch[0];
      used_ring[used % QSIZE].id = h; used_ring[used % QSIZE].len = 0; used++;
      last_avail++; k++;
    }
    if (k > 0) {
      done += k;
      uint16_t old = signalled;
      atomic_store(&used_idx, used); signalled = used;
      int want = event_idx ? need_event(atomic_load(&used_event), used, old) : !(atomic_load(&avail_flags) & 1);
      if (want) { irqs++; ring_bell(&irq_bell); }
      continue;
    }
    int seen = atomic_load(&kick_bell);
    if (event_idx) atomic_store(&avail_event, last_avail); else atomic_store(&used_flags, 0);
    if (atomic_load(&avail_idx) == last_avail) wait_bell(&kick_bell, seen);
    if (!event_idx) atomic_store(&used_flags, 1);
  }
  pthread_join(t, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
  printf("{\"mpps\":%.4f,\"notifications_per_packet\":%.5f}\n", packets / s / 1e6, (double)(kicks + irqs) / packets);
  return 0;
}
