/* SPDX-License-Identifier: MIT */
/*
** txt.h -- what the files of the txt plugin share (hidden: only
** cleave_plugin_entry is exported from txt.so).
**
**   txt.c   the descriptor, plugin/thread state, every criterion
**   rx.c    PCRE2: compiling patterns (matches, ignore_case tests) and
**           matching them under the limits
**   chars.c UTF-8: counting characters, lower-casing
*/
#ifndef TXT_H
#define TXT_H

#include <locale.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cleave/plugin.h"

/* ---- limits ---------------------------------------------------------------- */

#define TXT_MATCH_LIMIT_DEFAULT 100000 /* [plugin.txt] match_limit */
#define TXT_MATCH_LIMIT_MIN 1000
#define TXT_MATCH_LIMIT_MAX 100000000
#define TXT_HEAP_LIMIT_KIB 16384u      /* interpreter backtracking memory per worker */
#define TXT_JIT_STACK_MIN (32u << 10)  /* JIT stack per worker: starts at 32 KiB */
#define TXT_JIT_STACK_MAX (1u << 20)   /* ... and may grow to 1 MiB */
#define TXT_PATTERN_MAX 4096           /* bytes in one pattern or text to look for */
#define TXT_SLOT 4096                  /* bytes of one lower() result per call site */

/* ---- state ----------------------------------------------------------------- */

/* Built by init; nsites grows as compile numbers lower() call sites (main
** thread only, before any thread_init reads it). */
typedef struct txt_state {
  const cleave_host *host;
  unsigned long match_limit;
  int jit;          /* 1 if PCRE2 has a JIT compiler for this machine */
  locale_t lower_l; /* C.UTF-8 for towlower_l, or (locale_t)0: ASCII only */
  uint32_t nsites;  /* lower() call sites compiled so far */
} txt_state;

/* One worker's: PCRE2 match data and context (with the limits and its own
** JIT stack), and one TXT_SLOT area per lower() call site known at
** thread_init plus an overflow slot shared by later ones. */
typedef struct txt_thread {
  pcre2_match_data *md;
  pcre2_match_context *mc;
  pcre2_jit_stack *js;
  uint32_t nslots;
  char buf[]; /* nslots * TXT_SLOT */
} txt_thread;

/* What one call site of a criterion needs. */
typedef struct txt_inst {
  const txt_state *st;
  int ignore_case;
  uint32_t site;        /* lower(): its slot */
  pcre2_code *re;       /* matches(), and the ignore_case tests; else NULL */
  atomic_ulong undecided; /* values the match limit stopped (eval adds) */
  char *where;          /* "rules.lua:12", for the end-of-run warning */
  const char *fname;    /* "txt.matches" */
  size_t plen;          /* the searched text (case-sensitive tests) */
  char part[];          /* ... its bytes */
} txt_inst;

/* ---- rx.c ------------------------------------------------------------------ */

/* How a pattern is anchored (the ignore_case variants of the plain tests). */
enum { RX_ANYWHERE, RX_START, RX_END, RX_REGEX };

/* Compile pat[0..len) (a regular expression for RX_REGEX, else a literal
** text) in UTF-8 mode; JIT-compiled when st->jit. NULL with a marketer's
** message in err (via host->errorf) when it is unusable. */
pcre2_code *rx_compile(const txt_state *st, const char *pat, size_t len, int how,
                       int ignore_case, cleave_err *err);
/* 1 match, 0 no match, -1 stopped by a limit (or an error) */
int rx_match(const pcre2_code *re, txt_thread *t, const char *s, size_t len);
/* Make and free a worker's PCRE2 match data, context and JIT stack. */
int rx_thread_init(const txt_state *st, txt_thread *t);
void rx_thread_fini(txt_thread *t);
/* 1 if this PCRE2 can JIT-compile on this machine. */
int rx_have_jit(void);

/* ---- chars.c --------------------------------------------------------------- */

/* Characters in s[0..len): each valid UTF-8 sequence counts one, so does
** each byte of an invalid one. */
size_t chars_count(const char *s, size_t len);
/* s[0..len) lower-cased into dst (at most cap bytes): characters through
** towlower_l(loc) (ASCII only when loc is 0), invalid bytes copied as they
** are. Returns the bytes written, or (size_t)-1 if it does not fit. */
size_t chars_lower(const char *s, size_t len, char *dst, size_t cap, locale_t loc);

#endif
