/* SPDX-License-Identifier: MIT */
/*
** state_internal.h -- the pieces of the state store shared by state_*.c.
**
** A membership record (spill files and state.bin alike), native byte order:
**   u64 hash | u32 id_len | nb bytes of key bits (LSB first) | id bytes
** Records are ordered by (hash, id bytes, shorter id first); the partitions
** are the hash's top bits, so partition order is that order too.
*/
#ifndef CLEAVE_STATE_INTERNAL_H
#define CLEAVE_STATE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "buf.h"
#include "error.h"
#include "outfile.h"

#define STATE_REC_HEAD 12u          /* hash + id length */
#define STATE_ID_MAX (1u << 20)     /* longer ids are cut in the store (never in practice) */

static inline uint64_t rec_hash(const char *r) {
  uint64_t h;
  memcpy(&h, r, 8);
  return h;
}
static inline uint32_t rec_idlen(const char *r) {
  uint32_t n;
  memcpy(&n, r + 8, 4);
  return n;
}
static inline size_t rec_size(const char *r, size_t nb) { return STATE_REC_HEAD + nb + rec_idlen(r); }
static inline const uint8_t *rec_bits(const char *r) { return (const uint8_t *)r + STATE_REC_HEAD; }
static inline const char *rec_id(const char *r, size_t nb) { return r + STATE_REC_HEAD + nb; }

/* <0, 0, >0 in store order. */
int state_rec_cmp(uint64_t ha, const char *ida, uint32_t la, uint64_t hb, const char *idb,
                  uint32_t lb);

/* --- state.bin ------------------------------------------------------------- */

typedef struct state_reader {
  int fd;
  char *path;
  uint32_t nkeys;
  char **keys;          /* "name" (micro) or "split=value" (macro value) */
  int *kinds;           /* STATE_MICRO / STATE_VALUE */
  size_t nb;            /* bytes of bits per record */
  uint64_t count;       /* records, from the trailer */
  uint64_t seen;
  off_t pos, data_end;  /* file offsets */
  char *buf;            /* read window */
  size_t cap, len, at;  /* window size, bytes in it, current record */
  const char *rec;      /* current record (in buf), NULL at the end */
  size_t prev_at;       /* the previous record (in buf, kept by refills), for the order check */
} state_reader;

/* 0: open; 1: no state file (a baseline run); else an error code. */
int state_reader_open(state_reader *r, const char *path, cl_error *err);
/* Only the keys (for state_targets); 0 or 1 as above, quietly -1 on error. */
int state_reader_keys(const char *path, char ***keys, int **kinds, uint32_t *n);
/* Step to the next record (r->rec, NULL at the end): 0, or an error code
** (a damaged or out-of-order file). */
int state_reader_next(state_reader *r, cl_error *err);
void state_reader_close(state_reader *r);

typedef struct state_writer {
  outfile *f;
  buf b;
  uint64_t count;
} state_writer;

int state_writer_start(state_writer *w, outfile *f, char *const *keys, const int *kinds,
                       uint32_t nkeys, cl_error *err);
int state_writer_put(state_writer *w, const char *rec, size_t len, cl_error *err);
int state_writer_end(state_writer *w, cl_error *err);

/* --- scratch partitions (state_spill.c) ---------------------------------------- */

#define STATE_PART_BITS 6
#define STATE_PARTS (1u << STATE_PART_BITS)

typedef struct state_spill {
  int fd[STATE_PARTS];
  buf b[STATE_PARTS];
  uint64_t size[STATE_PARTS];
  uint64_t nrec[STATE_PARTS]; /* records in each */
  int helper;           /* sort on a helper thread while the records are merged */
  size_t nb;
  size_t sort_max;      /* bytes of records sorted in memory at once */
  const char *dir;
} state_spill;

/* Called for each record in store order; duplicates (same hash and id)
** come one after the other, in input order. */
typedef int (*state_sorted_fn)(void *ud, const char *rec, cl_error *err);

int state_spill_open(state_spill *s, const char *dir, size_t nb, cl_error *err);
int state_spill_add(state_spill *s, const char *rec, size_t len, cl_error *err);
int state_spill_sorted(state_spill *s, state_sorted_fn fn, void *ud, cl_error *err);
void state_spill_close(state_spill *s);

#endif
