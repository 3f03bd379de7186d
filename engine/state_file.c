/* SPDX-License-Identifier: MIT */
/*
** state_file.c -- DIR/state.bin: the memberships of the last successful run.
**
**   cleave-state 1\n
**   hash fnv1a64-fmix64\n
**   keys <K>\n
**   m <micro name>\n  or  v <split>=<value>\n      (K lines, bit order)
**   data\n
**   <records, in store order (state_internal.h)>
**   "CLVSEND\n" <u64 record count>
**
** The file is only ever renamed into place complete and fsync'ed (commit.h),
** so a missing trailer, a record running past it or records out of order
** mean it was damaged afterwards: the run fails (exit 5) naming the file
** rather than computing a wrong delta.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "fsafe.h"
#include "state.h"
#include "state_internal.h"
#include "strset.h"

#define MAGIC "cleave-state 1\n"
#define HASH_LINE "hash fnv1a64-fmix64\n"
#define TRAILER "CLVSEND\n"
#define TRAILER_LEN 16
#define HEADER_MAX (16u << 20)
#define WINDOW (1u << 20)
#define WRITE_FLUSH (1u << 20)

uint64_t state_hash(const char *id, size_t len) {
  uint64_t h = strset_hash(id, len); /* FNV-1a 64, then fmix64 (MurmurHash3) for the top bits */
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

uint32_t state_nbits(const graph *g) {
  uint32_t n = g->nmicros;
  for (uint32_t m = 0; m < g->nmacros; m++) n += g->macros[m].nvalues;
  return n;
}

void state_record(buf *b, const char *id, size_t len, const uint8_t *bits, size_t nb) {
  if (len > STATE_ID_MAX) len = STATE_ID_MAX;
  uint64_t h = state_hash(id, len);
  uint32_t l = (uint32_t)len;
  size_t need = STATE_REC_HEAD + nb + len;
  if (b->cap - b->len < need) buf_grow(b, need);
  char *p = b->p + b->len;
  memcpy(p, &h, 8);
  memcpy(p + 8, &l, 4);
  memcpy(p + STATE_REC_HEAD, bits, nb);
  memcpy(p + STATE_REC_HEAD + nb, id, len);
  b->len += need;
}

int state_rec_cmp(uint64_t ha, const char *ida, uint32_t la, uint64_t hb, const char *idb,
                  uint32_t lb) {
  if (ha != hb) return ha < hb ? -1 : 1;
  int c = memcmp(ida, idb, la < lb ? la : lb);
  if (c) return c;
  return la < lb ? -1 : la > lb;
}

/* --- reading ------------------------------------------------------------------ */

static int damaged(state_reader *r, const char *what, cl_error *err) {
  return cl_fail(err, CL_EXIT_INPUT, "state file %s is damaged (%s); move it away to start "
                 "a new baseline", r->path, what);
}

static void keys_free(char **keys, int *kinds, uint32_t n) {
  for (uint32_t i = 0; keys && i < n; i++) free(keys[i]);
  free(keys);
  free(kinds);
}

/* Parse the header in p[0..len): 0 with r's keys and data offset set; else a reason. */
static const char *parse_header(state_reader *r, const char *p, size_t len, size_t *data_at) {
  size_t ml = strlen(MAGIC), hl = strlen(HASH_LINE);
  if (len < ml + hl || memcmp(p, MAGIC, ml) != 0) return "not a cleave state file";
  if (memcmp(p + ml, HASH_LINE, hl) != 0) return "another id hash";
  const char *q = p + ml + hl, *end = p + len;
  if (end - q < 6 || memcmp(q, "keys ", 5) != 0) return "no key count";
  char *nl;
  unsigned long k = strtoul(q + 5, &nl, 10);
  if (nl >= end || *nl != '\n' || k > (1u << 20)) return "bad key count";
  q = nl + 1;
  r->keys = cl_calloc(k ? k : 1, sizeof *r->keys);
  r->kinds = cl_calloc(k ? k : 1, sizeof *r->kinds);
  r->nkeys = (uint32_t)k;
  for (unsigned long i = 0; i < k; i++) {
    const char *e = memchr(q, '\n', (size_t)(end - q));
    if (!e || e - q < 3 || (q[0] != 'm' && q[0] != 'v') || q[1] != ' ') return "bad key line";
    r->kinds[i] = q[0] == 'm' ? STATE_MICRO : STATE_VALUE;
    r->keys[i] = cl_malloc((size_t)(e - q - 1));
    memcpy(r->keys[i], q + 2, (size_t)(e - q - 2));
    r->keys[i][e - q - 2] = '\0';
    q = e + 1;
  }
  if (end - q < 5 || memcmp(q, "data\n", 5) != 0) return "no data line";
  *data_at = (size_t)(q + 5 - p);
  return NULL;
}

/* Read the header: 0, or the reason in *why. */
static const char *read_header(state_reader *r, off_t size) {
  size_t want = 64 * 1024, got = 0;
  char *p = NULL;
  const char *why = "too short";
  for (;;) {
    size_t n = (size_t)(size < (off_t)want ? size : (off_t)want);
    p = cl_realloc(p, n + 1);
    if (io_pread_all(r->fd, p + got, n - got, (off_t)got)) {
      why = "cannot read it";
      break;
    }
    got = n;
    if (memmem(p, got, "\ndata\n", 6) || got >= (size_t)size || got >= HEADER_MAX) {
      size_t data_at = 0;
      why = parse_header(r, p, got, &data_at);
      if (!why) r->pos = (off_t)data_at;
      break;
    }
    want *= 4;
  }
  free(p);
  return why;
}

int state_reader_open(state_reader *r, const char *path, cl_error *err) {
  memset(r, 0, sizeof *r);
  r->fd = -1;
  r->path = cl_strdup(path);
  char why[FSAFE_WHY_MAX];
  r->fd = fsafe_open_read(NULL, path, FSAFE_REGULAR, 0, why);
  if (r->fd < 0) {
    if (errno == ENOENT) return 1;
    return cl_fail(err, CL_EXIT_INPUT, "cannot read state file %s: %s", path, why);
  }
  struct stat st;
  if (fstat(r->fd, &st) != 0) return cl_fail(err, CL_EXIT_INPUT, "cannot read state file %s: %s",
                                             path, strerror(errno));
  const char *bad = read_header(r, st.st_size);
  if (bad) return damaged(r, bad, err);
  char tr[TRAILER_LEN];
  if (st.st_size < r->pos + TRAILER_LEN || io_pread_all(r->fd, tr, TRAILER_LEN, st.st_size - TRAILER_LEN) ||
      memcmp(tr, TRAILER, 8) != 0)
    return damaged(r, "no end marker: cut short", err);
  memcpy(&r->count, tr + 8, 8);
  r->data_end = st.st_size - TRAILER_LEN;
  r->nb = (r->nkeys + 7) / 8;
  r->cap = WINDOW;
  r->buf = cl_malloc(r->cap);
  return state_reader_next(r, err);
}

int state_reader_keys(const char *path, char ***keys, int **kinds, uint32_t *n) {
  state_reader r;
  memset(&r, 0, sizeof r);
  r.path = (char *)path;
  char why[FSAFE_WHY_MAX];
  r.fd = fsafe_open_read(NULL, path, FSAFE_REGULAR, 0, why);
  if (r.fd < 0) return errno == ENOENT ? 1 : -1;
  struct stat st;
  const char *bad = fstat(r.fd, &st) != 0 ? "stat" : read_header(&r, st.st_size);
  close(r.fd);
  if (bad) {
    keys_free(r.keys, r.kinds, r.nkeys);
    return -1;
  }
  *keys = r.keys;
  *kinds = r.kinds;
  *n = r.nkeys;
  return 0;
}

/* Make sure the window holds n bytes from r->at (refilling it); the
** previous record stays in it, at r->prev_at. */
static int window(state_reader *r, size_t n, cl_error *err) {
  if (r->len - r->at >= n) return 0;
  size_t from = r->seen ? r->prev_at : r->at, keep = r->len - from;
  memmove(r->buf, r->buf + from, keep);
  r->at -= from;
  r->prev_at = r->seen ? r->prev_at - from : 0;
  r->len = keep;
  if (r->at + n > r->cap) {
    r->cap = r->at + n + WINDOW;
    r->buf = cl_realloc(r->buf, r->cap);
  }
  off_t left = r->data_end - r->pos;
  size_t want = r->cap - r->len;
  if ((off_t)want > left) want = (size_t)left;
  if (want && io_pread_all(r->fd, r->buf + r->len, want, r->pos))
    return cl_fail(err, CL_EXIT_INPUT, "cannot read state file %s: %s", r->path,
                   strerror(errno ? errno : EIO));
  r->len += want;
  r->pos += (off_t)want;
  if (r->len - r->at < n) return damaged(r, "a record runs past the end", err);
  return 0;
}

int state_reader_next(state_reader *r, cl_error *err) {
  if (r->rec) {
    r->prev_at = r->at;
    r->at += rec_size(r->rec, r->nb);
    r->seen++;
  }
  r->rec = NULL;
  if (r->pos == r->data_end && r->at == r->len) {
    if (r->seen != r->count) return damaged(r, "record count differs from the end marker", err);
    return 0;
  }
  if (window(r, STATE_REC_HEAD, err)) return err->code;
  uint32_t idl = rec_idlen(r->buf + r->at);
  if (idl > STATE_ID_MAX) return damaged(r, "an id longer than 1 MB", err);
  if (window(r, STATE_REC_HEAD + r->nb + idl, err)) return err->code;
  const char *rec = r->buf + r->at, *pr = r->buf + r->prev_at;
  if (r->seen && state_rec_cmp(rec_hash(pr), rec_id(pr, r->nb), rec_idlen(pr), rec_hash(rec),
                               rec_id(rec, r->nb), idl) >= 0)
    return damaged(r, "records out of order", err);
  r->rec = rec;
  return 0;
}

void state_reader_close(state_reader *r) {
  if (r->fd >= 0) close(r->fd);
  keys_free(r->keys, r->kinds, r->nkeys);
  free(r->buf);
  free(r->path);
  memset(r, 0, sizeof *r);
  r->fd = -1;
}

/* --- writing -------------------------------------------------------------------- */

int state_writer_start(state_writer *w, outfile *f, char *const *keys, const int *kinds,
                       uint32_t nkeys, cl_error *err) {
  memset(w, 0, sizeof *w);
  w->f = f;
  buf_puts(&w->b, MAGIC);
  buf_puts(&w->b, HASH_LINE);
  buf_printf(&w->b, "keys %u\n", nkeys);
  for (uint32_t i = 0; i < nkeys; i++)
    buf_printf(&w->b, "%c %s\n", kinds[i] == STATE_MICRO ? 'm' : 'v', keys[i]);
  buf_puts(&w->b, "data\n");
  (void)err;
  return 0;
}

int state_writer_put(state_writer *w, const char *rec, size_t len, cl_error *err) {
  buf_put(&w->b, rec, len);
  w->count++;
  if (w->b.len < WRITE_FLUSH) return 0;
  int rc = outfile_write(w->f, w->b.p, w->b.len, err);
  w->b.len = 0;
  return rc;
}

int state_writer_end(state_writer *w, cl_error *err) {
  buf_put(&w->b, TRAILER, 8);
  buf_put(&w->b, (const char *)&w->count, 8);
  int rc = outfile_write(w->f, w->b.p, w->b.len, err);
  buf_free(&w->b);
  return rc;
}
