/* SPDX-License-Identifier: MIT */
/*
** geo.c -- the "geo" criterion plugin: postal area, outward code and prefix
** of postal codes.
**
** postal_area and outward return an upper-cased copy of part of their
** argument. The copy lives in the worker's thread state (thread_init /
** thread_fini): inst is shared by every worker and read-only, and eval must
** not allocate, so per-thread state is where a computed text can live.
**
** Each call site (each compiled instance) gets its own GEO_BUF-byte slot in
** that state, so a result stays valid until the same call site is evaluated
** again on the thread -- not merely until the next geo eval, which is all
** the ABI promises. That matters to an engine that caches one call's result
** for the record while evaluating others (postal_area(a) used by two rules
** while outward(b) runs in between), and to nested calls such as
** geo.postal_area(geo.outward(code)). Sites are numbered at compile; a
** thread state made before a site was compiled has no slot for it, and such
** late sites share one overflow slot (back to the ABI's minimum promise).
** Results longer than a slot are cut to GEO_BUF bytes.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleave/plugin.h"

#define GEO_BUF 1024 /* bytes per call site; UK postcodes need 8 */

/* Written only by compile (main thread); read by thread_init. */
typedef struct geo_state {
  uint32_t nsites; /* call sites of postal_area and outward compiled so far */
} geo_state;

typedef struct geo_inst {
  uint32_t site; /* its slot in geo_thread */
  size_t n;      /* prefix: the byte count */
} geo_inst;

typedef struct geo_thread {
  uint32_t nslots; /* nsites at thread_init, plus the overflow slot */
  char buf[];      /* nslots * GEO_BUF bytes */
} geo_thread;

static int geo_init(const cleave_host *host, const cleave_config *cfg, void **state,
                    cleave_err *err) {
  (void)cfg;
  geo_state *st = calloc(1, sizeof *st);
  if (!st) return host->errorf(err, "out of memory");
  *state = st;
  return CLEAVE_OK;
}

static void geo_fini(void *state) { free(state); }

static int geo_thread_init(void *state, void **thread_state, cleave_err *err) {
  const geo_state *st = state;
  uint32_t nslots = st->nsites + 1;
  geo_thread *t = malloc(sizeof *t + (size_t)nslots * GEO_BUF);
  if (!t) {
    snprintf(err->msg, sizeof err->msg, "out of memory for a worker's buffers");
    return CLEAVE_ERR;
  }
  t->nslots = nslots;
  *thread_state = t;
  return CLEAVE_OK;
}

static void geo_thread_fini(void *state, void *ts) {
  (void)state;
  free(ts);
}

/* The call site's slot, or the shared overflow slot for a late site. */
static char *slot_of(geo_thread *t, const geo_inst *gi) {
  uint32_t i = gi->site < t->nslots - 1 ? gi->site : t->nslots - 1;
  return t->buf + (size_t)i * GEO_BUF;
}

/* ---- helpers ------------------------------------------------------------- */

static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c; }

static int is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static void set_missing(cleave_value *out) {
  out->type = CLEAVE_TEXT;
  out->missing = 1;
}

static void set_text(cleave_value *out, const char *p, size_t n) {
  out->type = CLEAVE_TEXT;
  out->missing = 0;
  out->u.str.ptr = p;
  out->u.str.len = n;
}

/* Upper-case s[0..n) into the site's slot (at most GEO_BUF bytes) and
** return it. Copying forwards keeps this right even when s points into the
** same slot (two late sites sharing the overflow slot, nested). */
static void set_upper(cleave_value *out, geo_thread *t, const geo_inst *gi,
                      const char *s, size_t n) {
  char *dst = slot_of(t, gi);
  if (n > GEO_BUF) n = GEO_BUF;
  for (size_t i = 0; i < n; i++) dst[i] = upper(s[i]);
  set_text(out, dst, n);
}

/* ---- criteria ------------------------------------------------------------ */

static void postal_area_eval(const void *inst, void *ts, const cleave_value *args,
                             cleave_value *out) {
  const cleave_str s = args[0].u.str;
  size_t n = 0;
  if (args[0].missing || !ts) { /* no thread state: thread_init ran out of memory */
    set_missing(out);
    return;
  }
  while (n < s.len && is_letter(s.ptr[n])) n++;
  set_upper(out, ts, inst, s.ptr, n); /* n == 0 (leading digit): empty, not missing */
}

/* Outward code: before the first blank, else all but the inward 3 bytes. */
static void outward_eval(const void *inst, void *ts, const cleave_value *args,
                         cleave_value *out) {
  const char *p = args[0].u.str.ptr;
  size_t len = args[0].u.str.len, cut = 0;
  if (args[0].missing || !ts) {
    set_missing(out);
    return;
  }
  while (len > 0 && is_blank(*p)) p++, len--;
  while (len > 0 && is_blank(p[len - 1])) len--;
  while (cut < len && !is_blank(p[cut])) cut++;
  if (cut == len) cut = len > 3 ? len - 3 : 0;
  if (cut == 0)
    set_missing(out);
  else
    set_upper(out, ts, inst, p, cut);
}

/* postal_area, outward: a new call site with its own slot. */
static int site_compile(void *state, const cleave_compile_ctx *ctx,
                        const cleave_value *consts, void **inst, cleave_err *err) {
  geo_state *st = state;
  (void)consts;
  geo_inst *gi = calloc(1, sizeof *gi);
  if (!gi) return ctx->host->errorf(err, "out of memory");
  gi->site = st->nsites++;
  *inst = gi;
  return CLEAVE_OK;
}

static int prefix_compile(void *state, const cleave_compile_ctx *ctx,
                          const cleave_value *consts, void **inst, cleave_err *err) {
  const cleave_value *n = &consts[1];
  (void)state;
  if (n->missing || n->type != CLEAVE_NUMBER || !(n->u.number >= 1) ||
      n->u.number > 1e6 || n->u.number != floor(n->u.number))
    return ctx->host->errorf(err, "n must be a whole number of "
                             "characters from 1 to 1000000");
  geo_inst *gi = calloc(1, sizeof *gi);
  if (!gi) return ctx->host->errorf(err, "out of memory");
  gi->n = (size_t)n->u.number;
  *inst = gi;
  return CLEAVE_OK;
}

/* The first n bytes, as they are (a slice of the argument). */
static void prefix_eval(const void *inst, void *ts, const cleave_value *args,
                        cleave_value *out) {
  const geo_inst *gi = inst;
  (void)ts;
  if (args[0].missing || args[0].u.str.len < gi->n)
    set_missing(out);
  else
    set_text(out, args[0].u.str.ptr, gi->n);
}

static void free_inst(void *inst) { free(inst); }

/* ---- descriptor ---------------------------------------------------------- */

static const cleave_arg code_arg[] = {{"code", CLEAVE_ARG_VALUE, CLEAVE_TEXT, sizeof(cleave_arg)}};
static const cleave_arg prefix_args[] = {{"code", CLEAVE_ARG_VALUE, CLEAVE_TEXT, sizeof(cleave_arg)},
                                         {"n", CLEAVE_ARG_CONST, CLEAVE_NUMBER, sizeof(cleave_arg)}};

static const cleave_criterion criteria[] = {
    {"postal_area",
     "leading letters of code, upper-cased (sw1a 1aa -> SW, EH1 1YZ -> EH); empty "
     "text when code starts with a digit; missing code -> missing",
     CLEAVE_TEXT, CLEAVE_PURE, code_arg, 1, 2, site_compile, postal_area_eval,
     free_inst, sizeof(cleave_criterion)},
    {"prefix",
     "the first n bytes of code, as written; a shorter or missing code -> missing",
     CLEAVE_TEXT, CLEAVE_PURE, prefix_args, 2, 1, prefix_compile, prefix_eval,
     free_inst, sizeof(cleave_criterion)},
    {"outward",
     "UK outward code, upper-cased: the part before the space, or all but the last "
     "3 characters (sw1a1aa -> SW1A); missing or 3 characters or fewer -> missing",
     CLEAVE_TEXT, CLEAVE_PURE, code_arg, 1, 2, site_compile, outward_eval, free_inst, sizeof(cleave_criterion)},
};

static const cleave_plugin plugin = {
    CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, sizeof(cleave_plugin), "geo", "1.0",
    "postal code parts: area, outward code, prefix", NULL, geo_init, geo_thread_init,
    geo_thread_fini, geo_fini, criteria, sizeof criteria / sizeof criteria[0],
    NULL, 0 /* config_decls (ABI 1.1): no [plugin.geo] keys */};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
