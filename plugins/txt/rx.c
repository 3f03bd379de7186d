/* SPDX-License-Identifier: MIT */
/*
** rx.c -- PCRE2 for the txt plugin.
**
** Every pattern is compiled in UTF-8 mode with PCRE2_MATCH_INVALID_UTF (and
** PCRE2_UCP: \w, \b, \d are Unicode-aware, as in Python 3's re), so
** a field holding invalid UTF-8 is searched (an invalid byte matches no
** pattern character) instead of being an error; the JIT compiles it when
** this PCRE2 has one for the machine, else the interpreter runs it.
**
** Matching is bounded: each worker's match context carries the match limit
** ([plugin.txt] match_limit), the same depth limit, a heap limit for the
** interpreter's backtracking frames and its own JIT stack. A subject that
** needs more (a nested repeat such as (a+)+$ on a long text) stops at the
** limit with an error, which rx_match reports as -1: the criterion gives a
** missing result and the call site counts it.
**
** Allocation: the match data, context and JIT stack are made once per
** worker by thread_init. PCRE2's interpreter keeps its backtracking frames
** in the match data and grows them when a pattern needs more (bounded by the
** heap limit), so after the first few records a worker allocates nothing.
*/
#include <stdio.h>
#include <string.h>

#include "txt.h"

int rx_have_jit(void) {
  uint32_t jit = 0;
  return pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0 && jit;
}

pcre2_code *rx_compile(const txt_state *st, const char *pat, size_t len, int how,
                       int ignore_case, cleave_err *err) {
  uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  int ec = 0;
  PCRE2_SIZE off = 0;
  if (ignore_case) opts |= PCRE2_CASELESS;
  /* patterns: \w, \d, \b and [[:alpha:]] know Unicode letters (PCRE2_UCP);
  ** \C (one byte, even inside a character) is refused */
  opts |= how == RX_REGEX ? PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C : PCRE2_LITERAL;
  if (how == RX_START) opts |= PCRE2_ANCHORED;
  if (how == RX_END) opts |= PCRE2_ENDANCHORED;
  pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
  if (!cc) {
    st->host->errorf(err, "out of memory");
    return NULL;
  }
  pcre2_set_max_pattern_length(cc, TXT_PATTERN_MAX);
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, len, opts, &ec, &off, cc);
  pcre2_compile_context_free(cc);
  if (!re) {
    PCRE2_UCHAR why[160];
    if (pcre2_get_error_message(ec, why, sizeof why) < 0)
      snprintf((char *)why, sizeof why, "error %d", ec);
    if (how == RX_REGEX)
      st->host->errorf(err, "cannot use the pattern \"%.*s\": %s (at character %zu "
                       "of the pattern); see docs/rules.md, Text tests",
                       len > 200 ? 200 : (int)len, pat, (const char *)why, (size_t)off + 1);
    else /* a literal fails only on invalid UTF-8 or its length */
      st->host->errorf(err, "cannot look for \"%.*s\" ignoring case: %s",
                       len > 200 ? 200 : (int)len, pat, (const char *)why);
    return NULL;
  }
  /* JIT where this PCRE2 has it; when it fails (no executable memory, say)
  ** pcre2_match runs the interpreter on the same code. */
  if (st->jit) (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  return re;
}

int rx_thread_init(const txt_state *st, txt_thread *t) {
  t->md = pcre2_match_data_create(1, NULL); /* a yes/no answer needs one pair */
  t->mc = pcre2_match_context_create(NULL);
  if (!t->md || !t->mc) return -1;
  pcre2_set_match_limit(t->mc, (uint32_t)st->match_limit);
  pcre2_set_depth_limit(t->mc, (uint32_t)st->match_limit);
  pcre2_set_heap_limit(t->mc, TXT_HEAP_LIMIT_KIB);
  if (st->jit) {
    t->js = pcre2_jit_stack_create(TXT_JIT_STACK_MIN, TXT_JIT_STACK_MAX, NULL);
    if (t->js) pcre2_jit_stack_assign(t->mc, NULL, t->js);
  }
  return 0;
}

void rx_thread_fini(txt_thread *t) {
  pcre2_jit_stack_free(t->js);
  pcre2_match_context_free(t->mc);
  pcre2_match_data_free(t->md);
}

int rx_match(const pcre2_code *re, txt_thread *t, const char *s, size_t len) {
  /* an empty field: a valid pointer all the same */
  int rc = pcre2_match(re, (PCRE2_SPTR)(len ? s : ""), len, 0, 0, t->md, t->mc);
  if (rc >= 0) return 1; /* 0: matched, the match data too small for groups */
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  return -1; /* PCRE2_ERROR_MATCHLIMIT, DEPTHLIMIT, HEAPLIMIT, JIT_STACKLIMIT, NOMEMORY */
}
