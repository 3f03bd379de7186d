/* SPDX-License-Identifier: MIT */
/*
** txt.c -- the "txt" criterion plugin: text tests a rule file can write
** without listing every value by hand.
**
**   txt.contains(text, part [, "ignore_case"])      BOOL
**   txt.starts_with(text, part [, "ignore_case"])   BOOL
**   txt.ends_with(text, part [, "ignore_case"])     BOOL
**   txt.matches(text, pattern [, "ignore_case"])    BOOL  (a PCRE2 pattern)
**   txt.length(text)                                NUMBER (characters)
**   txt.lower(text)                                 TEXT
**
** Case-sensitive tests compare bytes. "ignore_case" tests and every
** pattern run through PCRE2 in UTF-8 mode, which ignores case by Unicode's
** simple case folding (É matches é). A missing text gives a missing result
** (a false condition). A pattern that a value makes PCRE2 give up on (the
** match limit) gives a missing result too; each call site counts them and
** warns with the count when the rules are freed, at the end of the command.
**
** Named txt, not text: text is the rule language's column reader.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "txt.h"


/* ---- results --------------------------------------------------------------- */

static void set_missing(cleave_value *out, int32_t type) {
  out->type = type;
  out->missing = 1;
}

static void set_bool(cleave_value *out, int b) {
  out->type = CLEAVE_BOOL;
  out->missing = 0;
  out->u.boolean = b != 0;
}

/* ---- plugin and thread state ----------------------------------------------- */

static int txt_init(const cleave_host *host, const cleave_config *cfg, void **state,
                    cleave_err *err) {
  /* the engine has checked it against config_decls (a whole number in range)
  ** and gives the default when the section does not set it */
  unsigned long limit = (unsigned long)host->config_int(cfg, "match_limit");
  txt_state *st = calloc(1, sizeof *st);
  if (!st) return host->errorf(err, "out of memory");
  st->host = host;
  st->match_limit = limit;
  st->jit = rx_have_jit();
  /* lower(): Unicode case mapping from glibc's built-in C.UTF-8, through an
  ** explicit locale object (the process locale is left alone). */
  st->lower_l = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
  if (!st->lower_l)
    host->log(host->host_ctx, 1, "txt: no C.UTF-8 locale; txt.lower() lower-cases "
              "ASCII letters only");
  *state = st;
  return CLEAVE_OK;
}

static void txt_fini(void *state) {
  txt_state *st = state;
  if (st->lower_l) freelocale(st->lower_l);
  free(st);
}

static void txt_thread_fini(void *state, void *ts) {
  (void)state;
  if (!ts) return;
  rx_thread_fini(ts);
  free(ts);
}

static int txt_thread_init(void *state, void **ts, cleave_err *err) {
  const txt_state *st = state;
  uint32_t nslots = st->nsites + 1;
  txt_thread *t = calloc(1, sizeof *t + (size_t)nslots * TXT_SLOT);
  if (!t || rx_thread_init(st, t)) {
    txt_thread_fini(state, t);
    return st->host->errorf(err, "out of memory for a worker's pattern matching");
  }
  t->nslots = nslots;
  *ts = t;
  return CLEAVE_OK;
}

/* ---- compile --------------------------------------------------------------- */

static txt_inst *new_inst(const txt_state *st, const cleave_compile_ctx *ctx,
                          const char *fname, size_t extra, cleave_err *err) {
  txt_inst *ti = calloc(1, sizeof *ti + extra);
  if (ti) ti->where = strdup(ctx->where ? ctx->where : "");
  if (!ti || !ti->where) {
    free(ti);
    ctx->host->errorf(err, "out of memory");
    return NULL;
  }
  ti->st = st;
  ti->fname = fname;
  atomic_init(&ti->undecided, 0);
  return ti;
}

static void free_inst(void *inst) {
  txt_inst *ti = inst;
  if (!ti) return;
  unsigned long n = atomic_load(&ti->undecided);
  if (n)
    ti->st->host->log(ti->st->host->host_ctx, 1,
                      "%s: %s(): %lu value%s stopped at the pattern match limit "
                      "(%lu) and counted as no match; simplify the pattern (a "
                      "repeat inside a repeat such as (a+)+ is the usual cause) or "
                      "raise [plugin.txt] match_limit",
                      ti->where, ti->fname, n, n == 1 ? "" : "s", ti->st->match_limit);
  pcre2_code_free(ti->re);
  free(ti->where);
  free(ti);
}

/* The optional options argument: 1 for "ignore_case", 0 when left out. */
static int options_of(const cleave_compile_ctx *ctx, const cleave_value *v,
                      int *ignore_case, cleave_err *err) {
  *ignore_case = 0;
  if (v->missing) return CLEAVE_OK;
  if (v->u.str.len == 11 && memcmp(v->u.str.ptr, "ignore_case", 11) == 0) {
    *ignore_case = 1;
    return CLEAVE_OK;
  }
  return ctx->host->errorf(err, "unknown option \"%.*s\"; the only option is "
                           "\"ignore_case\" (or leave the argument out)",
                           v->u.str.len > 60 ? 60 : (int)v->u.str.len, v->u.str.ptr);
}

/* contains, starts_with, ends_with: the part to look for, not empty. */
static int part_compile(void *state, const cleave_compile_ctx *ctx,
                        const cleave_value *consts, void **inst, cleave_err *err,
                        int how, const char *fname) {
  const cleave_value *p = &consts[1];
  int ic;
  if (options_of(ctx, &consts[2], &ic, err)) return CLEAVE_ERR;
  if (p->missing || p->u.str.len == 0)
    return ctx->host->errorf(err, "the text to look for is empty, which every "
                             "text %s; write the text, e.g. \"(automatic)\"",
                             how == RX_START ? "starts with" : how == RX_END ? "ends with"
                                                                           : "contains");
  if (p->u.str.len > TXT_PATTERN_MAX)
    return ctx->host->errorf(err, "the text to look for has %zu bytes, more than "
                             "the %d allowed", p->u.str.len, TXT_PATTERN_MAX);
  txt_inst *ti = new_inst(state, ctx, fname, ic ? 0 : p->u.str.len, err);
  if (!ti) return CLEAVE_ERR;
  ti->ignore_case = ic;
  if (ic) {
    ti->re = rx_compile(state, p->u.str.ptr, p->u.str.len, how, 1, err);
    if (!ti->re) {
      free_inst(ti);
      return CLEAVE_ERR;
    }
  } else {
    memcpy(ti->part, p->u.str.ptr, p->u.str.len);
    ti->plen = p->u.str.len;
  }
  *inst = ti;
  return CLEAVE_OK;
}

static int contains_compile(void *state, const cleave_compile_ctx *ctx,
                            const cleave_value *consts, void **inst, cleave_err *err) {
  return part_compile(state, ctx, consts, inst, err, RX_ANYWHERE, "txt.contains");
}

static int starts_compile(void *state, const cleave_compile_ctx *ctx,
                          const cleave_value *consts, void **inst, cleave_err *err) {
  return part_compile(state, ctx, consts, inst, err, RX_START, "txt.starts_with");
}

static int ends_compile(void *state, const cleave_compile_ctx *ctx,
                        const cleave_value *consts, void **inst, cleave_err *err) {
  return part_compile(state, ctx, consts, inst, err, RX_END, "txt.ends_with");
}

static int matches_compile(void *state, const cleave_compile_ctx *ctx,
                           const cleave_value *consts, void **inst, cleave_err *err) {
  const cleave_value *p = &consts[1];
  int ic;
  if (options_of(ctx, &consts[2], &ic, err)) return CLEAVE_ERR;
  if (p->missing || p->u.str.len == 0)
    return ctx->host->errorf(err, "the pattern is empty, which every text matches; "
                             "write a pattern such as \"^(gold|silver)\"");
  if (p->u.str.len > TXT_PATTERN_MAX)
    return ctx->host->errorf(err, "the pattern has %zu bytes, more than the %d "
                             "allowed", p->u.str.len, TXT_PATTERN_MAX);
  txt_inst *ti = new_inst(state, ctx, "txt.matches", 0, err);
  if (!ti) return CLEAVE_ERR;
  ti->ignore_case = ic;
  ti->re = rx_compile(state, p->u.str.ptr, p->u.str.len, RX_REGEX, ic, err);
  if (!ti->re) {
    free_inst(ti);
    return CLEAVE_ERR;
  }
  *inst = ti;
  return CLEAVE_OK;
}

/* lower: a new call site with its own result slot in every worker. */
static int lower_compile(void *state, const cleave_compile_ctx *ctx,
                         const cleave_value *consts, void **inst, cleave_err *err) {
  txt_state *st = state;
  (void)consts;
  txt_inst *ti = new_inst(st, ctx, "txt.lower", 0, err);
  if (!ti) return CLEAVE_ERR;
  ti->site = st->nsites++;
  *inst = ti;
  return CLEAVE_OK;
}

/* ---- eval ------------------------------------------------------------------ */

/* A pattern test: missing when the text is, or when a limit stopped it. */
static void rx_eval(const txt_inst *ti, void *ts, const cleave_value *a,
                    cleave_value *out) {
  if (a->missing || !ts) {
    set_missing(out, CLEAVE_BOOL);
    return;
  }
  int r = rx_match(ti->re, ts, a->u.str.ptr, a->u.str.len);
  if (r < 0) {
    /* the instance is the plugin's own memory: only this counter changes */
    atomic_fetch_add_explicit((atomic_ulong *)&ti->undecided, 1, memory_order_relaxed);
    set_missing(out, CLEAVE_BOOL);
  } else {
    set_bool(out, r);
  }
}

static void contains_eval(const void *inst, void *ts, const cleave_value *args,
                          cleave_value *out) {
  const txt_inst *ti = inst;
  if (ti->re) {
    rx_eval(ti, ts, &args[0], out);
  } else if (args[0].missing) {
    set_missing(out, CLEAVE_BOOL);
  } else {
    const cleave_str s = args[0].u.str;
    set_bool(out, s.len >= ti->plen && memmem(s.ptr, s.len, ti->part, ti->plen));
  }
}

static void starts_eval(const void *inst, void *ts, const cleave_value *args,
                        cleave_value *out) {
  const txt_inst *ti = inst;
  if (ti->re) {
    rx_eval(ti, ts, &args[0], out);
  } else if (args[0].missing) {
    set_missing(out, CLEAVE_BOOL);
  } else {
    const cleave_str s = args[0].u.str;
    set_bool(out, s.len >= ti->plen && memcmp(s.ptr, ti->part, ti->plen) == 0);
  }
}

static void ends_eval(const void *inst, void *ts, const cleave_value *args,
                      cleave_value *out) {
  const txt_inst *ti = inst;
  if (ti->re) {
    rx_eval(ti, ts, &args[0], out);
  } else if (args[0].missing) {
    set_missing(out, CLEAVE_BOOL);
  } else {
    const cleave_str s = args[0].u.str;
    set_bool(out, s.len >= ti->plen &&
                      memcmp(s.ptr + s.len - ti->plen, ti->part, ti->plen) == 0);
  }
}

static void matches_eval(const void *inst, void *ts, const cleave_value *args,
                         cleave_value *out) {
  rx_eval(inst, ts, &args[0], out);
}

static void length_eval(const void *inst, void *ts, const cleave_value *args,
                        cleave_value *out) {
  (void)inst, (void)ts;
  if (args[0].missing) {
    set_missing(out, CLEAVE_NUMBER);
    return;
  }
  out->type = CLEAVE_NUMBER;
  out->missing = 0;
  out->u.number = (double)chars_count(args[0].u.str.ptr, args[0].u.str.len);
}

static void lower_eval(const void *inst, void *ts, const cleave_value *args,
                       cleave_value *out) {
  const txt_inst *ti = inst;
  txt_thread *t = ts;
  if (args[0].missing || !t) {
    set_missing(out, CLEAVE_TEXT);
    return;
  }
  /* the site's slot; a site compiled after this worker's thread_init uses
  ** the shared last one */
  uint32_t i = ti->site < t->nslots - 1 ? ti->site : t->nslots - 1;
  char *dst = t->buf + (size_t)i * TXT_SLOT;
  size_t n = chars_lower(args[0].u.str.ptr, args[0].u.str.len, dst, TXT_SLOT,
                         ti->st->lower_l);
  if (n == (size_t)-1) { /* longer than a slot */
    set_missing(out, CLEAVE_TEXT);
    return;
  }
  out->type = CLEAVE_TEXT;
  out->missing = 0;
  out->u.str.ptr = dst;
  out->u.str.len = n;
}

/* ---- descriptor ------------------------------------------------------------ */

static const cleave_arg part_args[] = {
    {"text", CLEAVE_ARG_VALUE, CLEAVE_TEXT, sizeof(cleave_arg)},
    {"part", CLEAVE_ARG_CONST, CLEAVE_TEXT, sizeof(cleave_arg)},
    {"options", CLEAVE_ARG_CONST | CLEAVE_ARG_OPTIONAL, CLEAVE_TEXT, sizeof(cleave_arg)}};
static const cleave_arg pattern_args[] = {
    {"text", CLEAVE_ARG_VALUE, CLEAVE_TEXT, sizeof(cleave_arg)},
    {"pattern", CLEAVE_ARG_CONST, CLEAVE_TEXT, sizeof(cleave_arg)},
    {"options", CLEAVE_ARG_CONST | CLEAVE_ARG_OPTIONAL, CLEAVE_TEXT, sizeof(cleave_arg)}};
static const cleave_arg text_arg[] = {{"text", CLEAVE_ARG_VALUE, CLEAVE_TEXT, sizeof(cleave_arg)}};

static const cleave_criterion criteria[] = {
    {"contains",
     "true when text contains part (exact bytes; \"ignore_case\" as a third argument "
     "ignores case, Unicode-aware); missing text -> missing (false)",
     CLEAVE_BOOL, CLEAVE_PURE, part_args, 3, 2, contains_compile, contains_eval, free_inst, sizeof(cleave_criterion)},
    {"starts_with",
     "true when text begins with part (\"ignore_case\" as a third argument ignores "
     "case); missing text -> missing (false)",
     CLEAVE_BOOL, CLEAVE_PURE, part_args, 3, 1, starts_compile, starts_eval, free_inst, sizeof(cleave_criterion)},
    {"ends_with",
     "true when text ends with part (\"ignore_case\" as a third argument ignores "
     "case); missing text -> missing (false)",
     CLEAVE_BOOL, CLEAVE_PURE, part_args, 3, 1, ends_compile, ends_eval, free_inst, sizeof(cleave_criterion)},
    {"matches",
     "true when the PCRE2 pattern matches somewhere in text (anchor with ^ and $; "
     "\"ignore_case\" as a third argument); missing text, or a value that stops "
     "at [plugin.txt] match_limit -> missing (false, counted)",
     CLEAVE_BOOL, CLEAVE_PURE, pattern_args, 3, 5, matches_compile, matches_eval, free_inst, sizeof(cleave_criterion)},
    {"length",
     "number of characters in text (UTF-8; an invalid byte counts as one); "
     "empty text -> 0, missing text -> missing",
     CLEAVE_NUMBER, CLEAVE_PURE, text_arg, 1, 1, NULL, length_eval, NULL, sizeof(cleave_criterion)},
    {"lower",
     "text in lower case (Unicode letters; invalid bytes kept as they are); "
     "missing text, or a result over 4096 bytes -> missing",
     CLEAVE_TEXT, CLEAVE_PURE, text_arg, 1, 2, lower_compile, lower_eval, free_inst, sizeof(cleave_criterion)},
};

/* [plugin.txt]: checked by the engine before init (engine.ini:LINE, exit 3). */
#define STR_(x) #x
#define STR(x) STR_(x)
static const cleave_config_decl config[] = {
    {sizeof(cleave_config_decl), CLEAVE_CFG_INT, "match_limit",
     "PCRE2 match and depth limit per value; a value that needs more is no match "
     "(counted, warned)",
     STR(TXT_MATCH_LIMIT_DEFAULT), CLEAVE_CFG_MIN | CLEAVE_CFG_MAX,
     TXT_MATCH_LIMIT_MIN, TXT_MATCH_LIMIT_MAX},
};

static const cleave_plugin plugin = {
    CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR, sizeof(cleave_plugin), "txt", "1.0",
    "text tests: contains, starts/ends with, PCRE2 patterns, length, lower case",
    NULL, txt_init, txt_thread_init, txt_thread_fini, txt_fini,
    criteria, sizeof criteria / sizeof criteria[0],
    config, sizeof config / sizeof config[0]};

CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
