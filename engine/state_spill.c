/* SPDX-License-Identifier: MIT */
/*
** state_spill.c -- this run's membership records, partitioned and sorted in
** bounded memory.
**
** During the run every record goes to one of STATE_PARTS unnamed scratch
** files (fsafe_scratch) by the top STATE_PART_BITS of its hash, through a
** buffer of PART_BUF bytes each. At the end each partition in turn is read
** back and sorted in memory (a stable LSD radix sort on the hash, ties by
** id), when it holds at most sort_max bytes; a bigger one is first split by
** the next SPLIT_BITS bits into sub-partitions (themselves split again if
** need be), so memory stays flat however many customers there are. Since
** partitions are hash ranges, partition order is store order: the sorted
** stream is the whole new state in order.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "fsafe.h"
#include "state_internal.h"

#define PART_BUF (64u * 1024)
#define SORT_MAX (24u << 20)
#define SPLIT_BITS 4
#define READ_BLOCK (1u << 20)

static int scratch_fail(const state_spill *s, int e, cl_error *err) {
  return cl_fail(err, CL_EXIT_OUTPUT, "cannot write scratch files in state folder %s: %s",
                 s->dir, strerror(e));
}

int state_spill_open(state_spill *s, const char *dir, size_t nb, cl_error *err) {
  memset(s, 0, sizeof *s);
  s->dir = dir;
  s->nb = nb;
  s->sort_max = SORT_MAX;
  const char *env = getenv("CLEAVE_TEST_STATE_SORT_MAX"); /* tests: force the split path */
  if (env && atol(env) > 0) s->sort_max = (size_t)atol(env);
  for (unsigned i = 0; i < STATE_PARTS; i++) s->fd[i] = -1;
  for (unsigned i = 0; i < STATE_PARTS; i++) {
    s->fd[i] = fsafe_scratch(dir);
    if (s->fd[i] < 0) return scratch_fail(s, errno, err);
  }
  return 0;
}

static int part_flush(state_spill *s, unsigned p, cl_error *err) {
  if (!s->b[p].len) return 0;
  int e = io_write_all(s->fd[p], s->b[p].p, s->b[p].len);
  s->size[p] += s->b[p].len;
  s->b[p].len = 0;
  return e ? scratch_fail(s, e, err) : 0;
}

int state_spill_add(state_spill *s, const char *rec, size_t len, cl_error *err) {
  unsigned p = (unsigned)(rec_hash(rec) >> (64 - STATE_PART_BITS));
  buf_put(&s->b[p], rec, len);
  return s->b[p].len >= PART_BUF ? part_flush(s, p, err) : 0;
}

void state_spill_close(state_spill *s) {
  for (unsigned i = 0; i < STATE_PARTS; i++) {
    if (s->fd[i] >= 0) close(s->fd[i]);
    s->fd[i] = -1;
    buf_free(&s->b[i]);
  }
}

/* --- sorting one partition ----------------------------------------------------- */

typedef struct ent {
  uint64_t h;
  uint64_t off; /* record offset in the partition's bytes (input order) */
} ent;

typedef struct sort_ctx {
  const char *base;
  size_t nb;
} sort_ctx;

/* Stable LSD radix sort on the 32 hash bits below the `used` prefix bits
** the partition's records share (4 passes; equal keys, rare, are ordered by
** the caller). */
static inline uint32_t ent_key(const ent *e, unsigned used) {
  return used >= 32 ? (uint32_t)(e->h << (used - 32)) : (uint32_t)(e->h >> (32 - used));
}

static void radix(ent *a, ent *tmp, size_t n, unsigned used) {
  size_t count[256];
  for (int pass = 0; pass < 4; pass++) {
    int shift = pass * 8;
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++) count[(ent_key(&a[i], used) >> shift) & 255]++;
    if (n && count[(ent_key(&a[0], used) >> shift) & 255] == n) continue; /* nothing to do */
    size_t sum = 0;
    for (int b = 0; b < 256; b++) {
      size_t c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++) tmp[count[(ent_key(&a[i], used) >> shift) & 255]++] = a[i];
    memcpy(a, tmp, n * sizeof *a);
  }
}

/* Equal keys: by the whole hash, then id, then input order (stable). Insertion sort for the
** usual run of one or two; an adversarial run of many colliding ids gets a
** merge sort through tmp. */
static int ent_less(const sort_ctx *c, const ent *x, const ent *y) {
  const char *rx = c->base + x->off, *ry = c->base + y->off;
  int d = state_rec_cmp(x->h, rec_id(rx, c->nb), rec_idlen(rx), y->h, rec_id(ry, c->nb),
                        rec_idlen(ry));
  return d < 0 || (d == 0 && x->off < y->off);
}

static void merge_sort(const sort_ctx *c, ent *a, ent *tmp, size_t n) {
  if (n < 16) {
    for (size_t i = 1; i < n; i++) {
      ent e = a[i];
      size_t j = i;
      while (j > 0 && ent_less(c, &e, &a[j - 1])) {
        a[j] = a[j - 1];
        j--;
      }
      a[j] = e;
    }
    return;
  }
  size_t h = n / 2;
  merge_sort(c, a, tmp, h);
  merge_sort(c, a + h, tmp, n - h);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = ent_less(c, &a[j], &a[i]) ? a[j++] : a[i++];
  while (i < h) tmp[k++] = a[i++];
  while (j < n) tmp[k++] = a[j++];
  memcpy(a, tmp, n * sizeof *a);
}

static int sort_memory(const state_spill *s, const char *p, size_t len, unsigned used,
                       state_sorted_fn fn, void *ud, cl_error *err) {
  size_t n = 0, cap = 1024;
  ent *e = cl_malloc(cap * sizeof *e);
  for (size_t at = 0; at < len; at += rec_size(p + at, s->nb)) {
    if (n == cap) e = cl_realloc(e, (cap *= 2) * sizeof *e);
    e[n].h = rec_hash(p + at);
    e[n++].off = at;
  }
  ent *tmp = cl_malloc((n ? n : 1) * sizeof *tmp);
  radix(e, tmp, n, used);
  sort_ctx c = {p, s->nb};
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && ent_key(&e[j], used) == ent_key(&e[i], used)) j++;
    if (j - i > 1) merge_sort(&c, e + i, tmp, j - i);
    i = j;
  }
  free(tmp);
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) rc = fn(ud, p + e[i].off, err);
  free(e);
  return rc;
}

static int read_fail(const state_spill *s, int e, cl_error *err) {
  return cl_fail(err, CL_EXIT_OUTPUT, "cannot read back scratch files in state folder %s: %s",
                 s->dir, strerror(e ? e : EIO));
}

/* Sort the records of fd[0..size) whose hashes share their top `used` bits. */
static int sort_part(state_spill *s, int fd, uint64_t size, unsigned used, state_sorted_fn fn,
                     void *ud, cl_error *err) {
  if (!size) return 0;
  if (size <= s->sort_max || used + SPLIT_BITS > 64) {
    char *p = cl_malloc((size_t)size);
    int e = io_pread_all(fd, p, (size_t)size, 0);
    int rc = e ? read_fail(s, e, err) : sort_memory(s, p, (size_t)size, used, fn, ud, err);
    free(p);
    return rc;
  }
  /* too big: split by the next bits, in input order, and sort each part */
  enum { NSUB = 1u << SPLIT_BITS };
  int sub[NSUB];
  buf sb[NSUB];
  uint64_t ssize[NSUB];
  memset(sb, 0, sizeof sb);
  memset(ssize, 0, sizeof ssize);
  int rc = 0;
  for (unsigned i = 0; i < NSUB; i++) sub[i] = -1;
  for (unsigned i = 0; i < NSUB && !rc; i++)
    if ((sub[i] = fsafe_scratch(s->dir)) < 0) rc = scratch_fail(s, errno, err);
  buf in = {0};
  uint64_t at = 0;
  size_t used_in = 0;
  while (!rc && at < size) {
    size_t want = (size_t)(size - at < READ_BLOCK ? size - at : READ_BLOCK);
    if (used_in) { /* keep the record cut by the last block */
      memmove(in.p, in.p + used_in, in.len - used_in);
      in.len -= used_in;
    }
    buf_grow(&in, want);
    int e = io_pread_all(fd, in.p + in.len, want, (off_t)at);
    if (e) {
      rc = read_fail(s, e, err);
      break;
    }
    in.len += want;
    at += want;
    used_in = 0;
    while (in.len - used_in >= STATE_REC_HEAD &&
           in.len - used_in >= rec_size(in.p + used_in, s->nb)) {
      const char *r = in.p + used_in;
      size_t rs = rec_size(r, s->nb);
      unsigned k = (unsigned)((rec_hash(r) << used) >> (64 - SPLIT_BITS));
      buf_put(&sb[k], r, rs);
      if (sb[k].len >= PART_BUF) {
        int we = io_write_all(sub[k], sb[k].p, sb[k].len);
        ssize[k] += sb[k].len;
        sb[k].len = 0;
        if (we) {
          rc = scratch_fail(s, we, err);
          break;
        }
      }
      used_in += rs;
    }
  }
  buf_free(&in);
  for (unsigned k = 0; k < NSUB && !rc; k++)
    if (sb[k].len) {
      int we = io_write_all(sub[k], sb[k].p, sb[k].len);
      ssize[k] += sb[k].len;
      if (we) rc = scratch_fail(s, we, err);
    }
  for (unsigned k = 0; k < NSUB; k++) buf_free(&sb[k]);
  for (unsigned k = 0; k < NSUB && !rc; k++)
    rc = sort_part(s, sub[k], ssize[k], used + SPLIT_BITS, fn, ud, err);
  for (unsigned k = 0; k < NSUB; k++)
    if (sub[k] >= 0) close(sub[k]);
  return rc;
}

int state_spill_sorted(state_spill *s, state_sorted_fn fn, void *ud, cl_error *err) {
  int rc = 0;
  for (unsigned p = 0; p < STATE_PARTS && !rc; p++) rc = part_flush(s, p, err);
  for (unsigned p = 0; p < STATE_PARTS && !rc; p++) {
    buf_free(&s->b[p]);
    rc = sort_part(s, s->fd[p], s->size[p], STATE_PART_BITS, fn, ud, err);
    close(s->fd[p]); /* the partition's bytes are given back at once */
    s->fd[p] = -1;
  }
  return rc;
}
