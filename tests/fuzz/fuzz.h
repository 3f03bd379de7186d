/* SPDX-License-Identifier: MIT */
/*
** fuzz.h -- what every fuzz target defines, and what it may use.
**
** A target is one LLVMFuzzerTestOneInput; it is linked either with
** libFuzzer (clang, -fsanitize=fuzzer: build/fuzz/fuzz_<target>) or with
** replay.c (gcc, the normal build: $(BUILD)/tests/fuzz_<target>_replay), which
** runs it over every file of the directories it is given. A failed
** invariant is FUZZ_CHECK: it prints what was expected and aborts, which
** both drivers report as a crash.
*/
#ifndef CLEAVE_FUZZ_H
#define CLEAVE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional (replay.c calls it once when the target defines it). */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define FUZZ_CHECK(cond, ...)                                                       \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n  ", __FILE__, __LINE__,   \
              #cond);                                                               \
      fprintf(stderr, __VA_ARGS__);                                                 \
      fputc('\n', stderr);                                                          \
      abort();                                                                      \
    }                                                                               \
  } while (0)

/* A small deterministic generator (splitmix64) for choices made from the
** input, so that a crash replays the same way. */
static inline uint64_t fuzz_next(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static inline uint64_t fuzz_hash(const uint8_t *p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

#endif
