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
**
** With a helper thread (a run with more than one thread), the helper reads
** and sorts partition i+1 and copies its records into store order while the
** caller's thread merges partition i; two batches alternate, so memory is
** three partitions' bytes and two order arrays at most. The sort buffers
** are kept from one partition to the next.
*/
#include <errno.h>
#include <pthread.h>
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
  s->nrec[p]++;
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

/* One sorted leaf partition for the consumer: its records, copied in store
** order (so the consumer reads them in sequence). Buffers are kept from one
** partition to the next (no fresh pages to fault in each time). */
typedef struct batch {
  char *p;
  size_t pcap, len;
} batch;

/* The end phase: a producer reads and sorts the partitions in order, the
** consumer hands their records to fn. With a helper thread, the helper
** reads partition i+1, sorts it and copies its records into store order
** while the main thread merges partition i (two batches in turn): the
** merge, the slower side, reads its records in sequence. Without, each
** partition is consumed as soon as it is sorted, through its order. */
typedef struct sorter {
  state_spill *s;
  state_sorted_fn fn;
  void *ud;
  int threaded;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  batch slot[2];
  int full[2];      /* slot i holds a sorted batch for the consumer */
  unsigned put, get;
  int done;         /* the producer has finished (prc says how) */
  int stop;         /* the consumer failed: the producer stops */
  int prc;
  cl_error perr;
  char *raw;         /* the producer's: a partition as read */
  size_t rcap;
  ent *e, *tmp;      /* the producer's: its order, and the radix scratch */
  size_t ecap, tcap, n;
} sorter;

#define STOPPED (-1)  /* the producer stopped because the consumer failed */
#define PREFETCH 16   /* records ahead: the sorted order jumps across the partition */

/* Stable LSD radix sort on the 32 hash bits below the `used` prefix bits
** the partition's records share (3 passes of 11 bits, the histograms in one
** read; equal keys, rare, are ordered by the caller). The result is in *a
** (a and tmp may be swapped). */
static inline uint32_t ent_key(const ent *e, unsigned used) {
  return used >= 32 ? (uint32_t)(e->h << (used - 32)) : (uint32_t)(e->h >> (32 - used));
}

#define RADIX_BITS 11
#define RADIX (1u << RADIX_BITS)

static void radix(ent **a, size_t *acap, ent **tmp, size_t *tcap, size_t n, unsigned used) {
  static const int shift[3] = {0, RADIX_BITS, 2 * RADIX_BITS};
  size_t (*count)[RADIX] = cl_calloc(3, sizeof *count);
  ent *src = *a, *dst = *tmp;
  for (size_t i = 0; i < n; i++) {
    uint32_t k = ent_key(&src[i], used);
    count[0][k & (RADIX - 1)]++;
    count[1][(k >> RADIX_BITS) & (RADIX - 1)]++;
    count[2][k >> (2 * RADIX_BITS)]++;
  }
  int swapped = 0;
  for (int pass = 0; pass < 3 && n; pass++) {
    size_t *c = count[pass];
    uint32_t first = (ent_key(&src[0], used) >> shift[pass]) & (RADIX - 1);
    if (c[first] == n) continue; /* one bucket: nothing to do */
    size_t sum = 0;
    for (unsigned b = 0; b < RADIX; b++) {
      size_t x = c[b];
      c[b] = sum;
      sum += x;
    }
    for (size_t i = 0; i < n; i++) dst[c[(ent_key(&src[i], used) >> shift[pass]) & (RADIX - 1)]++] = src[i];
    ent *t = src;
    src = dst;
    dst = t;
    swapped ^= 1;
  }
  free(count);
  if (swapped) { /* the result is in the scratch array: swap the arrays */
    ent *t = *a;
    *a = *tmp;
    *tmp = t;
    size_t c = *acap;
    *acap = *tcap;
    *tcap = c;
  }
}

typedef struct sort_ctx {
  const char *base;
  size_t nb;
} sort_ctx;

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

static int read_fail(const state_spill *s, int e, cl_error *err) {
  return cl_fail(err, CL_EXIT_OUTPUT, "cannot read back scratch files in state folder %s: %s",
                 s->dir, strerror(e ? e : EIO));
}

/* p[0..len) (records whose hashes share `used` top bits; about `hint` of
** them) into store order in so->e. */
static void sort_batch(sorter *so, const char *p, size_t len, uint64_t hint, unsigned used) {
  size_t nb = so->s->nb, n = 0;
  if (so->ecap < hint || !so->e) {
    free(so->e);
    so->ecap = hint > 1024 ? (size_t)hint : 1024;
    so->e = cl_malloc(so->ecap * sizeof *so->e);
  }
  for (size_t at = 0; at < len; at += rec_size(p + at, nb)) {
    if (n == so->ecap) so->e = cl_realloc(so->e, (so->ecap *= 2) * sizeof *so->e);
    so->e[n].h = rec_hash(p + at);
    so->e[n++].off = at;
  }
  so->n = n;
  if (so->tcap < so->ecap || !so->tmp) {
    free(so->tmp);
    so->tcap = so->ecap;
    so->tmp = cl_malloc(so->tcap * sizeof *so->tmp);
  }
  radix(&so->e, &so->ecap, &so->tmp, &so->tcap, n, used);
  sort_ctx c = {p, nb};
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && ent_key(&so->e[j], used) == ent_key(&so->e[i], used)) j++;
    if (j - i > 1) merge_sort(&c, so->e + i, so->tmp, j - i);
    i = j;
  }
}

/* A record and the cache line its end is on (a record may straddle two). */
static inline void prefetch_rec(const char *r) {
  __builtin_prefetch(r);
  __builtin_prefetch(r + 31);
}

/* Inline: every record of p, in so->e's order, to fn. */
static int drain_order(sorter *so, const char *p, cl_error *err) {
  int rc = 0;
  const ent *e = so->e;
  for (size_t i = 0; i < so->n && !rc; i++) {
    if (i + PREFETCH < so->n) prefetch_rec(p + e[i + PREFETCH].off);
    rc = so->fn(so->ud, p + e[i].off, err);
  }
  return rc;
}

/* Threaded: the records of p, in so->e's order, copied into b. */
static void gather(sorter *so, const char *p, batch *b) {
  size_t nb = so->s->nb, at = 0;
  const ent *e = so->e;
  for (size_t i = 0; i < so->n; i++) {
    if (i + PREFETCH < so->n) prefetch_rec(p + e[i + PREFETCH].off);
    const char *r = p + e[i].off;
    size_t rs = rec_size(r, nb);
    memcpy(b->p + at, r, rs);
    at += rs;
  }
  b->len = at;
}

/* Threaded, the consumer: every record of b, in sequence, to fn. */
static int drain(sorter *so, const batch *b, cl_error *err) {
  int rc = 0;
  size_t nb = so->s->nb;
  for (size_t at = 0; at < b->len && !rc; at += rec_size(b->p + at, nb))
    rc = so->fn(so->ud, b->p + at, err);
  return rc;
}

/* A batch to fill: the next slot once the consumer has emptied it (NULL:
** the consumer failed). */
static batch *acquire(sorter *so) {
  pthread_mutex_lock(&so->mu);
  while (so->full[so->put] && !so->stop) pthread_cond_wait(&so->cv, &so->mu);
  batch *b = so->stop ? NULL : &so->slot[so->put];
  pthread_mutex_unlock(&so->mu);
  return b;
}

/* The filled batch to the consumer. */
static void publish(sorter *so) {
  pthread_mutex_lock(&so->mu);
  so->full[so->put] = 1;
  so->put ^= 1;
  pthread_cond_broadcast(&so->cv);
  pthread_mutex_unlock(&so->mu);
}

static void grow_bytes(char **p, size_t *cap, size_t need) {
  if (*cap >= need && *p) return;
  free(*p);
  *cap = need ? need : 1;
  *p = cl_malloc(*cap);
}

/* One leaf partition: read, sort, and to fn (inline) or to the consumer. */
static int leaf(sorter *so, int fd, size_t size, uint64_t nrec, unsigned used, cl_error *err) {
  grow_bytes(&so->raw, &so->rcap, size);
  int e = io_pread_all(fd, so->raw, size, 0);
  if (e) return read_fail(so->s, e, err);
  sort_batch(so, so->raw, size, nrec, used);
  if (!so->threaded) return drain_order(so, so->raw, err);
  batch *b = acquire(so);
  if (!b) return STOPPED;
  grow_bytes(&b->p, &b->pcap, size);
  gather(so, so->raw, b);
  publish(so);
  return 0;
}


/* Sort the records of fd[0..size) (nrec of them) whose hashes share their
** top `used` bits. */
static int sort_part(sorter *so, int fd, uint64_t size, uint64_t nrec, unsigned used,
                     cl_error *err) {
  state_spill *s = so->s;
  if (!size) return 0;
  if (size <= s->sort_max || used + SPLIT_BITS > 64) return leaf(so, fd, (size_t)size, nrec, used, err);
  /* too big: split by the next bits, in input order, and sort each part */
  enum { NSUB = 1u << SPLIT_BITS };
  int sub[NSUB];
  buf sb[NSUB];
  uint64_t ssize[NSUB], scount[NSUB];
  memset(sb, 0, sizeof sb);
  memset(ssize, 0, sizeof ssize);
  memset(scount, 0, sizeof scount);
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
      scount[k]++;
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
    rc = sort_part(so, sub[k], ssize[k], scount[k], used + SPLIT_BITS, err);
  for (unsigned k = 0; k < NSUB; k++)
    if (sub[k] >= 0) close(sub[k]);
  return rc;
}

/* Every partition in order; each is closed (its bytes given back) once read. */
static int produce(sorter *so, cl_error *err) {
  state_spill *s = so->s;
  int rc = 0;
  for (unsigned p = 0; p < STATE_PARTS && !rc; p++) {
    rc = sort_part(so, s->fd[p], s->size[p], s->nrec[p], STATE_PART_BITS, err);
    close(s->fd[p]);
    s->fd[p] = -1;
  }
  return rc;
}

static void *producer_main(void *arg) {
  sorter *so = arg;
  int rc = produce(so, &so->perr);
  pthread_mutex_lock(&so->mu);
  so->prc = rc;
  so->done = 1;
  pthread_cond_broadcast(&so->cv);
  pthread_mutex_unlock(&so->mu);
  return NULL;
}

/* The consumer's side with a helper thread. */
static int consume(sorter *so, cl_error *err) {
  int rc = 0;
  for (;;) {
    pthread_mutex_lock(&so->mu);
    while (!so->full[so->get] && !so->done) pthread_cond_wait(&so->cv, &so->mu);
    int have = so->full[so->get];
    pthread_mutex_unlock(&so->mu);
    if (!have) break;
    rc = drain(so, &so->slot[so->get], err);
    pthread_mutex_lock(&so->mu);
    so->full[so->get] = 0;
    so->get ^= 1;
    if (rc) so->stop = 1;
    pthread_cond_broadcast(&so->cv);
    pthread_mutex_unlock(&so->mu);
    if (rc) break;
  }
  return rc;
}

int state_spill_sorted(state_spill *s, state_sorted_fn fn, void *ud, cl_error *err) {
  int rc = 0;
  for (unsigned p = 0; p < STATE_PARTS && !rc; p++) rc = part_flush(s, p, err);
  for (unsigned p = 0; p < STATE_PARTS; p++) buf_free(&s->b[p]);
  if (rc) return rc;
  sorter so;
  memset(&so, 0, sizeof so);
  so.s = s;
  so.fn = fn;
  so.ud = ud;
  so.threaded = s->helper;
  pthread_t tid;
  if (so.threaded) {
    pthread_mutex_init(&so.mu, NULL);
    pthread_cond_init(&so.cv, NULL);
    if (pthread_create(&tid, NULL, producer_main, &so) != 0) {
      pthread_mutex_destroy(&so.mu);
      pthread_cond_destroy(&so.cv);
      so.threaded = 0; /* no thread to be had: sort inline */
    }
  }
  if (so.threaded) {
    rc = consume(&so, err);
    pthread_join(tid, NULL);
    pthread_mutex_destroy(&so.mu);
    pthread_cond_destroy(&so.cv);
    if (!rc && so.prc) {
      *err = so.perr;
      rc = so.prc;
    }
  } else rc = produce(&so, err);
  for (int i = 0; i < 2; i++) free(so.slot[i].p);
  free(so.raw);
  free(so.e);
  free(so.tmp);
  return rc;
}
