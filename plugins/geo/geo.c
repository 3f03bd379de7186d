/*
** geo.c -- the "geo" criterion plugin: postal area, outward code and prefix
** of postal codes.
**
** postal_area and outward return an upper-cased copy of part of their
** argument. The copy lives in a per-thread buffer (thread_init/thread_fini):
** inst is shared by every worker and read-only, and eval must not allocate,
** so the per-thread state is where a result that is not a slice of the
** argument can live. It stays valid until the next eval on the same thread,
** as the ABI requires. Results longer than the buffer are cut to its size.
*/
#include <math.h>
#include <stdlib.h>

#include "cleave/plugin.h"

#define GEO_BUF 1024 /* bytes; UK postcodes need 8 */

typedef struct geo_thread {
  char buf[GEO_BUF];
} geo_thread;

typedef struct geo_prefix {
  size_t n;
} geo_prefix;

static void *geo_thread_init(void *state) {
  (void)state;
  return malloc(sizeof(geo_thread));
}

static void geo_thread_fini(void *state, void *ts) {
  (void)state;
  free(ts);
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

/* Upper-case s[0..n) into the thread buffer (at most GEO_BUF bytes) and
** return it. Copying forwards makes this safe when s itself points into the
** buffer, as when one geo criterion feeds another on the same thread. */
static void set_upper(cleave_value *out, geo_thread *t, const char *s, size_t n) {
  if (n > GEO_BUF) n = GEO_BUF;
  for (size_t i = 0; i < n; i++) t->buf[i] = upper(s[i]);
  set_text(out, t->buf, n);
}

/* ---- criteria ------------------------------------------------------------ */

static void postal_area_eval(const void *inst, void *ts, const cleave_value *args,
                             cleave_value *out) {
  const cleave_str s = args[0].u.str;
  size_t n = 0;
  (void)inst;
  if (args[0].missing || !ts) {
    set_missing(out);
    return;
  }
  while (n < s.len && is_letter(s.ptr[n])) n++;
  set_upper(out, ts, s.ptr, n); /* n == 0 (leading digit): empty, not missing */
}

/* Outward code: before the first blank, else all but the inward 3 bytes. */
static void outward_eval(const void *inst, void *ts, const cleave_value *args,
                         cleave_value *out) {
  const char *p = args[0].u.str.ptr;
  size_t len = args[0].u.str.len, cut = 0;
  (void)inst;
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
    set_upper(out, ts, p, cut);
}

static int prefix_compile(void *state, const cleave_compile_ctx *ctx,
                          const cleave_value *consts, void **inst, cleave_err *err) {
  const cleave_value *n = &consts[1];
  (void)state;
  if (n->missing || n->type != CLEAVE_NUMBER || !(n->u.number >= 1) ||
      n->u.number > 1e6 || n->u.number != floor(n->u.number))
    return ctx->host->errorf(err, "geo.prefix: n must be a whole number of "
                             "characters from 1 to 1000000");
  geo_prefix *gp = malloc(sizeof *gp);
  if (!gp) return ctx->host->errorf(err, "out of memory");
  gp->n = (size_t)n->u.number;
  *inst = gp;
  return CLEAVE_OK;
}

/* The first n bytes, as they are (a slice of the argument). */
static void prefix_eval(const void *inst, void *ts, const cleave_value *args,
                        cleave_value *out) {
  const geo_prefix *gp = inst;
  (void)ts;
  if (args[0].missing || args[0].u.str.len < gp->n)
    set_missing(out);
  else
    set_text(out, args[0].u.str.ptr, gp->n);
}

static void free_inst(void *inst) { free(inst); }

/* ---- descriptor ---------------------------------------------------------- */

static const cleave_arg code_arg[] = {{"code", CLEAVE_ARG_VALUE, CLEAVE_TEXT}};
static const cleave_arg prefix_args[] = {{"code", CLEAVE_ARG_VALUE, CLEAVE_TEXT},
                                         {"n", CLEAVE_ARG_CONST, CLEAVE_NUMBER}};

static const cleave_criterion criteria[] = {
    {"postal_area",
     "leading letters of code, upper-cased (sw1a 1aa -> SW, EH1 1YZ -> EH); empty "
     "text when code starts with a digit; missing code -> missing",
     CLEAVE_TEXT, CLEAVE_PURE, code_arg, 1, 2, NULL, postal_area_eval, NULL},
    {"prefix",
     "the first n bytes of code, as written; a shorter or missing code -> missing",
     CLEAVE_TEXT, CLEAVE_PURE, prefix_args, 2, 1, prefix_compile, prefix_eval,
     free_inst},
    {"outward",
     "UK outward code, upper-cased: the part before the space, or all but the last "
     "3 characters (sw1a1aa -> SW1A); missing or 3 characters or fewer -> missing",
     CLEAVE_TEXT, CLEAVE_PURE, code_arg, 1, 2, NULL, outward_eval, NULL},
};

static const cleave_plugin plugin = {
    CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, sizeof(cleave_plugin), "geo", "1.0",
    "postal code parts: area, outward code, prefix", NULL, NULL, geo_thread_init,
    geo_thread_fini, NULL, criteria, sizeof criteria / sizeof criteria[0]};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
