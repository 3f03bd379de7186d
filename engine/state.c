/* SPDX-License-Identifier: MIT */
/*
** state.c -- a run with state: the previous memberships against this run's,
** merge-joined in store order (see state.h for the steps, docs/state.md for
** the files and the rules).
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsafe.h"
#include "state.h"
#include "state_history.h"
#include "state_internal.h"
#include "strset.h"
#include "utf8.h"

#define DELTA_FLUSH (64u * 1024)

struct state_run {
  state_opts o;
  char *state_path, *delta_dir;
  uint32_t nkeys;        /* this run's keys (the record bits) */
  size_t nb;
  char **keys;
  int *kinds;
  state_reader old;
  int have_old;
  int identity;          /* the old keys are exactly these, in this order */
  int32_t *old_pos;      /* per old key: its position among the delta keys */
  state_delta d;         /* keys: this run's, then the removed ones */
  size_t nwords;         /* 64-bit words over the delta keys */
  uint64_t *ow, *nw;
  uint64_t (*bytecnt)[256]; /* members: per byte of the new bits, per byte value */
  int32_t *file_of;      /* per delta key: its entered file (exited = +1), -1 none */
  outfile *files;
  buf *fbuf;
  size_t nfiles;
  outfile state_out, hist_out;
  int outs_open;
  state_writer w;
  state_spill sp;
  int spill_open;
  state_history hist;
  const char *last;      /* the last new record, for duplicates: only read when
                         ** a record has its hash (so is in the same sorted batch) */
  uint64_t last_hash;
  char *as_of;
};

static char *path2(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 2;
  char *p = cl_malloc(n);
  snprintf(p, n, "%s/%s", a, b);
  return p;
}

static char *delta_name(const char *delta_dir, const char *key, const char *what) {
  size_t n = strlen(delta_dir) + strlen(key) + strlen(what) + 8;
  char *p = cl_malloc(n);
  snprintf(p, n, "%s/%s.%s.csv", delta_dir, key, what);
  return p;
}

/* This run's keys: the micro segments, then every macro value. */
static uint32_t graph_keys(const graph *g, char ***keys, int **kinds) {
  uint32_t n = state_nbits(g), k = 0;
  *keys = cl_calloc(n ? n : 1, sizeof **keys);
  *kinds = cl_calloc(n ? n : 1, sizeof **kinds);
  for (uint32_t i = 0; i < g->nmicros; i++, k++) {
    (*keys)[k] = cl_strdup(g->micros[i].name);
    (*kinds)[k] = STATE_MICRO;
  }
  for (uint32_t m = 0; m < g->nmacros; m++)
    for (uint32_t v = 0; v < g->macros[m].nvalues; v++, k++) {
      size_t l = strlen(g->macros[m].name) + strlen(g->macros[m].values[v]) + 2;
      (*keys)[k] = cl_malloc(l);
      snprintf((*keys)[k], l, "%s=%s", g->macros[m].name, g->macros[m].values[v]);
      (*kinds)[k] = STATE_VALUE;
    }
  return n;
}

static void keys_free(char **keys, int *kinds, uint32_t n) {
  for (uint32_t i = 0; keys && i < n; i++) free(keys[i]);
  free(keys);
  free(kinds);
}

static int wants_files(const state_run *sr, int kind) {
  return kind == STATE_MICRO || sr->o.macro_files;
}

char **state_targets(const char *dir, const graph *g, int macro_files, size_t *n) {
  char **keys = NULL, **okeys = NULL;
  int *kinds = NULL, *okinds = NULL;
  uint32_t nk = graph_keys(g, &keys, &kinds), nok = 0;
  char *sp = path2(dir, "state.bin"), *dd = path2(dir, "delta");
  if (state_reader_keys(sp, &okeys, &okinds, &nok) != 0) nok = 0; /* a killed run's removed keys */
  char **t = cl_calloc(2 + 2 * (size_t)(nk + nok), sizeof *t);
  size_t c = 0;
  t[c++] = sp;
  t[c++] = path2(dir, "history.jsonl");
  for (uint32_t pass = 0; pass < 2; pass++) {
    char **kk = pass ? okeys : keys;
    int *kd = pass ? okinds : kinds;
    for (uint32_t i = 0; i < (pass ? nok : nk); i++) {
      if (kd[i] != STATE_MICRO && !macro_files) continue;
      t[c++] = delta_name(dd, kk[i], "entered");
      t[c++] = delta_name(dd, kk[i], "exited");
    }
  }
  free(dd);
  keys_free(keys, kinds, nk);
  keys_free(okeys, okinds, nok);
  *n = c;
  return t;
}

void state_targets_free(char **t, size_t n) {
  for (size_t i = 0; i < n; i++) free(t[i]);
  free(t);
}

/* The state folder and its delta folder: as every output folder (fsafe.h),
** so never through a symbolic link. */
static int make_dir(const char *p, cl_error *err) {
  char why[FSAFE_WHY_MAX];
  int created;
  if (fsafe_output_dir(p, 0700, &created, why) != 0)
    return cl_fail(err, CL_EXIT_OUTPUT, "cannot use state folder %s: %s", p, why);
  return 0;
}

/* Enough descriptors for the partitions and two files per key. */
static void raise_nofile(size_t need) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need) return;
  rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl); /* best effort: opening fails clearly otherwise */
}

/* Match the previous state's keys to this run's by kind and name. */
static void map_keys(state_run *sr) {
  const state_reader *r = &sr->old;
  strset names;
  strset_init(&names);
  buf k = {0};
  for (uint32_t i = 0; i < sr->nkeys; i++) {
    k.len = 0;
    buf_printf(&k, "%d:%s", sr->kinds[i], sr->keys[i]);
    strset_add(&names, k.p, k.len);
  }
  sr->old_pos = cl_calloc(r->nkeys ? r->nkeys : 1, sizeof *sr->old_pos);
  int *seen = cl_calloc(sr->nkeys ? sr->nkeys : 1, sizeof *seen);
  size_t removed = 0;
  sr->identity = r->nkeys == sr->nkeys;
  for (uint32_t i = 0; i < r->nkeys; i++) {
    k.len = 0;
    buf_printf(&k, "%d:%s", r->kinds[i], r->keys[i]);
    int64_t at = strset_find(&names, k.p, k.len);
    if (at >= 0) seen[at] = 1;
    sr->old_pos[i] = at >= 0 ? (int32_t)at : (int32_t)(sr->nkeys + removed++);
    if (at != (int64_t)i) sr->identity = 0;
  }
  sr->d.nkeys = sr->nkeys + removed;
  sr->d.keys = cl_calloc(sr->d.nkeys ? sr->d.nkeys : 1, sizeof *sr->d.keys);
  for (uint32_t i = 0; i < sr->nkeys; i++) {
    sr->d.keys[i].name = cl_strdup(sr->keys[i]);
    sr->d.keys[i].kind = sr->kinds[i];
    sr->d.keys[i].is_new = !seen[i];
  }
  for (uint32_t i = 0; i < r->nkeys; i++)
    if (sr->old_pos[i] >= (int32_t)sr->nkeys) {
      state_key_delta *kd = &sr->d.keys[sr->old_pos[i]];
      kd->name = cl_strdup(r->keys[i]);
      kd->kind = r->kinds[i];
      kd->removed = 1;
    }
  free(seen);
  buf_free(&k);
  strset_free(&names);
}

char *state_lock_path(const char *dir) { return path2(dir, "lock"); }

int state_prepare_dir(const char *dir, cl_error *err) {
  char *dd = path2(dir, "delta");
  int rc = make_dir(dir, err) || make_dir(dd, err) ? err->code : 0;
  free(dd);
  return rc;
}

int state_begin(state_run **out, const state_opts *o, cl_error *err) {
  state_run *sr = cl_calloc(1, sizeof *sr);
  *out = sr;
  sr->o = *o;
  sr->as_of = cl_strdup(o->as_of);
  sr->o.as_of = sr->as_of;
  sr->d.dir = o->dir;
  sr->delta_dir = path2(o->dir, "delta");
  sr->state_path = path2(o->dir, "state.bin");
  if (make_dir(o->dir, err) || make_dir(sr->delta_dir, err)) return err->code;
  char *scratch = path2(o->dir, "scratch");
  fsafe_sweep(scratch); /* a killed run's named scratch files (no O_TMPFILE) */
  free(scratch);
  sr->nkeys = graph_keys(o->g, &sr->keys, &sr->kinds);
  sr->nb = (sr->nkeys + 7) / 8;
  int rc = state_reader_open(&sr->old, sr->state_path, err);
  if (rc > 1 || rc < 0) return err->code;
  sr->have_old = rc == 0;
  sr->d.baseline = !sr->have_old;
  if (sr->have_old) {
    map_keys(sr);
    sr->d.previous = sr->old.count;
  } else {
    sr->d.nkeys = sr->nkeys;
    sr->d.keys = cl_calloc(sr->nkeys ? sr->nkeys : 1, sizeof *sr->d.keys);
    for (uint32_t i = 0; i < sr->nkeys; i++) {
      sr->d.keys[i].name = cl_strdup(sr->keys[i]);
      sr->d.keys[i].kind = sr->kinds[i];
    }
  }
  sr->nwords = (sr->d.nkeys + 63) / 64;
  sr->ow = cl_calloc(sr->nwords ? sr->nwords : 1, sizeof *sr->ow);
  sr->nw = cl_calloc(sr->nwords ? sr->nwords : 1, sizeof *sr->nw);
  sr->bytecnt = cl_calloc(sr->nb ? sr->nb : 1, sizeof *sr->bytecnt);
  raise_nofile(STATE_PARTS + 2 * sr->d.nkeys + 256);
  if (state_history_read(o->dir, &sr->hist, err)) return err->code;
  if (state_spill_open(&sr->sp, o->dir, sr->nb, err)) return err->code;
  sr->sp.helper = o->threads > 1;
  sr->spill_open = 1;
  return 0;
}

int state_rows(state_run *sr, const char *p, size_t n, cl_error *err) {
  for (size_t at = 0; at < n;) {
    size_t rs = rec_size(p + at, sr->nb);
    if (state_spill_add(&sr->sp, p + at, rs, err)) return err->code;
    at += rs;
  }
  return 0;
}

/* --- the merge ------------------------------------------------------------------ */

static int put_id(state_run *sr, int32_t f, const char *rec, size_t nb, cl_error *err) {
  buf *b = &sr->fbuf[f];
  utf8_csv_field(b, rec_id(rec, nb), rec_idlen(rec), ',');
  buf_putc(b, '\n');
  if (b->len < DELTA_FLUSH) return 0;
  int rc = outfile_write(&sr->files[f], b->p, b->len, err);
  b->len = 0;
  return rc;
}

/* The old record's bits, at their delta-key positions, into sr->ow. */
static void old_bits(state_run *sr, const char *rec) {
  memset(sr->ow, 0, sr->nwords * sizeof *sr->ow);
  const uint8_t *b = rec_bits(rec);
  size_t onb = sr->old.nb;
  if (sr->identity) {
    memcpy(sr->ow, b, onb);
    return;
  }
  for (size_t i = 0; i < onb; i++)
    for (unsigned x = b[i]; x; x &= x - 1) {
      uint32_t pos = (uint32_t)sr->old_pos[i * 8 + (unsigned)__builtin_ctz(x)];
      sr->ow[pos >> 6] |= 1ull << (pos & 63);
    }
}

static void new_bits(state_run *sr, const char *rec) {
  memset(sr->nw, 0, sr->nwords * sizeof *sr->nw);
  memcpy(sr->nw, rec_bits(rec), sr->nb);
}

/* members: one count per byte of the new bits (expanded to keys at the end,
** members_total), not one per set bit. */
static inline void count_members(state_run *sr, const uint8_t *b) {
  for (size_t i = 0; i < sr->nb; i++) sr->bytecnt[i][b[i]]++;
}

static void members_total(state_run *sr) {
  for (size_t i = 0; i < sr->nb; i++)
    for (unsigned v = 1; v < 256; v++)
      for (unsigned x = v; sr->bytecnt[i][v] && x; x &= x - 1) {
        size_t key = i * 8 + (unsigned)__builtin_ctz(x); /* < nkeys: no padding bit is set */
        if (key < sr->nkeys) sr->d.keys[key].members += sr->bytecnt[i][v];
      }
  /* previous = stayed + exited, members = stayed + entered (docs/state.md) */
  for (size_t i = 0; !sr->d.baseline && i < sr->d.nkeys; i++) {
    state_key_delta *k = &sr->d.keys[i];
    k->stayed = k->members - k->entered;
    k->previous = k->stayed + k->exited;
  }
}

/* One customer: old bits in ow (zero if new), new bits in nw (zero if gone);
** ids written from whichever record has it. Only the changed bits cost:
** stayed and previous follow from members, entered and exited. */
static int diff(state_run *sr, const char *oldrec, const char *newrec, cl_error *err) {
  state_key_delta *k = sr->d.keys;
  for (size_t w = 0; w < sr->nwords; w++) {
    uint64_t o = sr->ow[w], n = sr->nw[w];
    if (o == n) continue;
    for (uint64_t x = n & ~o; x; x &= x - 1) {
      size_t i = w * 64 + (unsigned)__builtin_ctzll(x);
      k[i].entered++;
      if (sr->file_of[i] >= 0 && put_id(sr, sr->file_of[i], newrec, sr->nb, err)) return err->code;
    }
    for (uint64_t x = o & ~n; x; x &= x - 1) {
      size_t i = w * 64 + (unsigned)__builtin_ctzll(x);
      k[i].exited++;
      if (sr->file_of[i] >= 0 && put_id(sr, sr->file_of[i] + 1, oldrec, sr->old.nb, err))
        return err->code;
    }
  }
  return 0;
}

static int gone(state_run *sr, cl_error *err) {
  old_bits(sr, sr->old.rec);
  memset(sr->nw, 0, sr->nwords * sizeof *sr->nw);
  sr->d.gone++;
  if (diff(sr, sr->old.rec, NULL, err)) return err->code;
  return state_reader_next(&sr->old, err);
}

static inline int bits_equal(const uint8_t *a, const uint8_t *b, size_t nb) {
  uint8_t x = 0;
  for (size_t i = 0; i < nb; i++) x |= a[i] ^ b[i];
  return !x;
}

static int on_sorted(void *ud, const char *rec, cl_error *err) {
  state_run *sr = ud;
  uint64_t h = rec_hash(rec);
  const char *id = rec_id(rec, sr->nb);
  uint32_t idl = rec_idlen(rec);
  const char *l = sr->last;
  if (l && h == sr->last_hash && idl == rec_idlen(l) && memcmp(id, rec_id(l, sr->nb), idl) == 0) {
    sr->d.duplicates++; /* the first row with this id (in input order) counts */
    return 0;
  }
  sr->last = rec;
  sr->last_hash = h;
  sr->d.customers++;
  count_members(sr, rec_bits(rec));
  if (!sr->have_old) return state_writer_put(&sr->w, rec, rec_size(rec, sr->nb), err);
  const char *o;
  int c = 1;
  while ((o = sr->old.rec) != NULL &&
         (c = state_rec_cmp(rec_hash(o), rec_id(o, sr->old.nb), rec_idlen(o), h, id, idl)) < 0)
    if (gone(sr, err)) return err->code;
  if (o && c == 0) {
    /* the same keys in the same order and the same bits: nothing changed */
    if (!(sr->identity && bits_equal(rec_bits(o), rec_bits(rec), sr->nb))) {
      new_bits(sr, rec);
      old_bits(sr, o);
      if (diff(sr, o, rec, err)) return err->code;
    }
    if (state_reader_next(&sr->old, err)) return err->code;
  } else {
    new_bits(sr, rec);
    memset(sr->ow, 0, sr->nwords * sizeof *sr->ow);
    sr->d.arrived++;
    if (diff(sr, NULL, rec, err)) return err->code;
  }
  return state_writer_put(&sr->w, rec, rec_size(rec, sr->nb), err);
}

/* --- files ---------------------------------------------------------------------- */

static int open_delta_files(state_run *sr, commit *c, cl_error *err) {
  sr->file_of = cl_calloc(sr->d.nkeys ? sr->d.nkeys : 1, sizeof *sr->file_of);
  size_t n = 0;
  for (size_t i = 0; i < sr->d.nkeys; i++) {
    int want = sr->have_old && wants_files(sr, sr->d.keys[i].kind);
    sr->file_of[i] = want ? (int32_t)n : -1;
    n += want ? 2 : 0;
  }
  sr->files = cl_calloc(n ? n : 1, sizeof *sr->files);
  sr->fbuf = cl_calloc(n ? n : 1, sizeof *sr->fbuf);
  for (size_t i = 0; i < sr->d.nkeys; i++) {
    if (sr->file_of[i] < 0) continue;
    sr->d.keys[i].files = 1;
    for (int e = 0; e < 2; e++) {
      size_t f = (size_t)sr->file_of[i] + (size_t)e;
      char *p = delta_name(sr->delta_dir, sr->d.keys[i].name, e ? "exited" : "entered");
      int rc = outfile_open(&sr->files[f], p, err);
      free(p);
      if (rc) return err->code;
      sr->nfiles++;
      commit_add(c, &sr->files[f]);
      utf8_csv_field(&sr->fbuf[f], sr->o.id_column, strlen(sr->o.id_column), ',');
      buf_putc(&sr->fbuf[f], '\n');
    }
  }
  return 0;
}

static char *history_line(const state_run *sr) {
  buf b = {0};
  char now[32];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
  buf_printf(&b, "{\"run_at\": \"%s\", \"as_of\": ", now);
  utf8_json_str(&b, sr->o.as_of, strlen(sr->o.as_of));
  buf_puts(&b, ", \"rules_sha256\": ");
  utf8_json_str(&b, sr->o.rules_sha256, strlen(sr->o.rules_sha256));
  buf_printf(&b, ", \"customers\": %llu, \"sizes\": {", (unsigned long long)sr->d.customers);
  for (uint32_t i = 0; i < sr->nkeys; i++) {
    if (i) buf_puts(&b, ", ");
    utf8_json_str(&b, sr->keys[i], strlen(sr->keys[i]));
    buf_printf(&b, ": %llu", (unsigned long long)sr->d.keys[i].members);
  }
  buf_puts(&b, "}}");
  char *line = cl_strdup(buf_cstr(&b));
  buf_free(&b);
  return line;
}

int state_finish(state_run *sr, commit *c, uint64_t rows, cl_error *err) {
  (void)rows;
  if (open_delta_files(sr, c, err)) return err->code;
  char *hp = path2(sr->o.dir, "history.jsonl");
  int rc = outfile_open(&sr->hist_out, hp, err);
  free(hp);
  if (rc) return err->code;
  commit_add(c, &sr->hist_out);
  if (outfile_open(&sr->state_out, sr->state_path, err)) return err->code;
  commit_add(c, &sr->state_out); /* last: while it is the old one, recovery knows its keys */
  sr->outs_open = 1;
  state_writer_start(&sr->w, &sr->state_out, sr->keys, sr->kinds, sr->nkeys, err);
  if (state_spill_sorted(&sr->sp, on_sorted, sr, err)) return err->code;
  while (sr->have_old && sr->old.rec)
    if (gone(sr, err)) return err->code;
  members_total(sr);
  if (state_writer_end(&sr->w, err)) return err->code;
  for (size_t f = 0; f < sr->nfiles; f++)
    if (sr->fbuf[f].len && outfile_write(&sr->files[f], sr->fbuf[f].p, sr->fbuf[f].len, err))
      return err->code;
  state_history_add(&sr->hist, history_line(sr));
  buf hb = {0};
  for (size_t i = 0; i < sr->hist.n; i++) {
    buf_puts(&hb, sr->hist.lines[i]);
    buf_putc(&hb, '\n');
  }
  rc = outfile_write(&sr->hist_out, hb.p, hb.len, err);
  buf_free(&hb);
  return rc;
}

const state_delta *state_run_delta(const state_run *sr) { return sr ? &sr->d : NULL; }

const struct state_history *state_run_history(const state_run *sr) {
  return sr ? &sr->hist : NULL;
}

/* Delta files of keys this run did not write (a segment removed a run ago,
** a baseline after the state was moved away): removed, best effort. */
void state_after_commit(state_run *sr, logger *log) {
  if (sr->d.baseline)
    log_msg(log, LOG_INFO, "state: baseline of %llu customers kept in %s (no delta: there "
            "was no previous state)", (unsigned long long)sr->d.customers, sr->state_path);
  else
    log_msg(log, LOG_INFO, "state: delta in %s/ (%llu customers before, %llu now, %llu gone, "
            "%llu arrived)", sr->delta_dir, (unsigned long long)sr->d.previous,
            (unsigned long long)sr->d.customers, (unsigned long long)sr->d.gone,
            (unsigned long long)sr->d.arrived);
  if (sr->d.duplicates)
    log_msg(log, LOG_WARNING, "state: %llu rows repeat an earlier row's %s; the state keeps "
            "the first row of each", (unsigned long long)sr->d.duplicates, sr->o.id_column);
  strset mine;
  strset_init(&mine);
  for (size_t f = 0; f < sr->nfiles; f++) {
    const char *slash = strrchr(sr->files[f].path, '/');
    const char *base = slash ? slash + 1 : sr->files[f].path;
    strset_add(&mine, base, strlen(base));
  }
  DIR *d = opendir(sr->delta_dir);
  if (d) {
    int dfd = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      size_t l = strlen(e->d_name);
      int ours = (l > 12 && strcmp(e->d_name + l - 12, ".entered.csv") == 0) ||
                 (l > 11 && strcmp(e->d_name + l - 11, ".exited.csv") == 0);
      struct stat st;
      if (!ours || strset_find(&mine, e->d_name, l) >= 0 ||
          fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        continue;
      unlinkat(dfd, e->d_name, 0);
    }
    closedir(d);
  }
  strset_free(&mine);
}

void state_free(state_run *sr) {
  if (!sr) return;
  if (sr->spill_open) state_spill_close(&sr->sp);
  if (sr->have_old || sr->old.path) state_reader_close(&sr->old);
  keys_free(sr->keys, sr->kinds, sr->nkeys);
  for (size_t i = 0; i < sr->d.nkeys; i++) free(sr->d.keys[i].name);
  free(sr->d.keys);
  free(sr->old_pos);
  free(sr->ow);
  free(sr->nw);
  free(sr->bytecnt);
  free(sr->file_of);
  for (size_t f = 0; f < sr->nfiles; f++) buf_free(&sr->fbuf[f]);
  free(sr->fbuf);
  free(sr->files); /* the outfiles themselves are the commit's to free */
  buf_free(&sr->w.b);
  state_history_free(&sr->hist);
  free(sr->state_path);
  free(sr->as_of);
  free(sr->delta_dir);
  free(sr);
}
