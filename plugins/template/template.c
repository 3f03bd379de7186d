/* SPDX-License-Identifier: MIT */
/*
** template.c -- a minimal, complete cleave criterion plugin to copy from.
**
** It adds one criterion to rule files:
**
**     template.word_count(text)                 -> NUMBER
**     template.word_count(text, min_length)     -> NUMBER
**
** the number of words in text (runs of bytes that are not separators), only
** counting words of at least min_length bytes when that constant is given.
** A missing text gives a missing count. In a rule file:
**
**     template.word_count(notes):at_least(3)
**     template.word_count(notes, 5):above(0)
**
** and in engine.ini (both keys optional):
**
**     [plugin.template]
**     separators = ,;/     ; more bytes that separate words, besides blanks
**     log_calls  = yes     ; log how many texts each worker thread counted
**
** Build it on its own with `make -C plugins/template` (see Makefile), or as
** part of cleave with `make` (build/plugins-extra/template.so). Copy the
** .so into the directory named by `plugins =` in engine.ini to use it.
**
** Rules for every plugin, which this file follows:
**  - include only <cleave/plugin.h> from cleave and call the engine only
**    through the cleave_host table (the .so links with -Wl,-z,defs);
**  - export only cleave_plugin_entry (build with -fvisibility=hidden);
**  - no global mutable state: everything lives in the plugin state (init),
**    the instance (compile) or the thread state (thread_init);
**  - eval never fails and never allocates: a value it cannot use gives a
**    missing result.
** docs/plugins.md explains the ABI in full.
*/
#include <math.h>   /* floor */
#include <stdlib.h> /* malloc, calloc, free */
#include <string.h> /* strcmp, strlen */

#include "cleave/plugin.h"

/* ---- plugin state: built once by init from [plugin.template] ------------- */

typedef struct tpl_state {
  const cleave_host *host;    /* kept for logging later (thread_fini) */
  unsigned char is_sep[256];  /* is_sep[c]: byte c separates words */
  int log_calls;              /* log_calls = yes */
} tpl_state;

/* The keys [plugin.template] may set, with their types (ABI 1.1). Before
** init is called, the engine refuses any other key (naming its engine.ini
** line, with a did-you-mean), a value not of its type or out of range, and a
** missing CLEAVE_CFG_REQUIRED key, all with exit code 3; `cleave plugins`
** lists them with their help. init then reads checked values through
** host->config_string/config_int/config_number/config_bool. (An ABI 1.0
** plugin lists bare names in config_keys and parses config_get's text.) */
static const cleave_config_decl config[] = {
    {sizeof(cleave_config_decl), /* struct_size: the engine reads no more */
     CLEAVE_CFG_STRING, "separators",
     "bytes that separate words besides blanks, e.g. ,;", "",
     CLEAVE_CFG_MAX, 0, 32 /* at most 32 bytes */},
    {sizeof(cleave_config_decl), CLEAVE_CFG_BOOL, "log_calls",
     "log each worker's call count (info) when it stops", "no", 0, 0, 0},
};

/* Called once, on the main thread, before any rule is compiled. cfg holds the
** [plugin.template] lines (valid only during this call: copy what you keep).
** On error, free what was allocated, fill err through host->errorf (the
** engine prints "<file.so>: init failed: <your message>") and return its
** result, CLEAVE_ERR. */
static int tpl_init(const cleave_host *host, const cleave_config *cfg,
                    void **plugin_state, cleave_err *err) {
  const char *seps = host->config_string(cfg, "separators"); /* checked: <= 32 bytes */
  int lc = host->config_bool(cfg, "log_calls");              /* checked: yes or no */

  tpl_state *st = calloc(1, sizeof *st);
  if (!st) return host->errorf(err, "out of memory");
  st->host = host;
  st->log_calls = lc;
  st->is_sep[' '] = st->is_sep['\t'] = st->is_sep['\r'] = st->is_sep['\n'] = 1;
  for (const unsigned char *p = (const unsigned char *)seps; p && *p; p++)
    st->is_sep[*p] = 1;
  *plugin_state = st;
  /* Levels: 0 error, 1 warning, 2 info, 3 debug. Name yourself: the engine
  ** only adds "plugin: ". */
  host->log(host->host_ctx, 3, "template: ready (extra separators: %s)",
            seps && *seps ? seps : "none");
  return CLEAVE_OK;
}

/* Called once at shutdown, after every instance and thread state is freed. */
static void tpl_fini(void *plugin_state) { free(plugin_state); }

/* ---- thread state: one per worker thread --------------------------------- */

/* Per-thread mutable data: here a call counter. eval may write to its own
** thread state freely -- no other thread sees it -- but must treat inst and
** the plugin state as read-only, since every worker shares them. A plugin
** whose results are computed text (not a slice of an argument) keeps the
** bytes here too; see plugins/geo. */
typedef struct tpl_thread {
  unsigned long calls;
} tpl_thread;

/* Runs once per worker, before the worker starts: touch only what it
** allocates. A failure stops the run with the message. */
static int tpl_thread_init(void *plugin_state, void **thread_state, cleave_err *err) {
  const tpl_state *st = plugin_state;
  tpl_thread *t = calloc(1, sizeof *t);
  if (!t) return st->host->errorf(err, "template: out of memory for a worker");
  *thread_state = t;
  return CLEAVE_OK;
}

static void tpl_thread_fini(void *plugin_state, void *thread_state) {
  const tpl_state *st = plugin_state;
  const tpl_thread *t = thread_state;
  if (t && st->log_calls)
    st->host->log(st->host->host_ctx, 2, "template: a worker counted %lu texts",
                  t->calls);
  free(thread_state);
}

/* ---- compile: once per use in a rule file -------------------------------- */

/* The instance: what one call site needs at eval time, immutable after
** compile. Here the plugin state and the min_length constant. */
typedef struct tpl_inst {
  const tpl_state *st;
  size_t min_length;
} tpl_inst;

/* consts[i] holds argument i when it is CLEAVE_ARG_CONST (a missing value
** when an optional one was left out); VALUE arguments are missing here.
** Messages are for the marketer who wrote the rule: the engine adds the rule
** file and line. ctx->where ("scripts/x.lua:12") is for your own logs. */
static int word_count_compile(void *plugin_state, const cleave_compile_ctx *ctx,
                              const cleave_value *consts, void **inst,
                              cleave_err *err) {
  const cleave_value *ml = &consts[1];
  size_t min_length = 1;

  if (!ml->missing) {
    if (ml->type != CLEAVE_NUMBER || !(ml->u.number >= 1 && ml->u.number <= 1000) ||
        ml->u.number != floor(ml->u.number))
      return ctx->host->errorf(err, "min_length must be a whole "
                               "number from 1 to 1000");
    min_length = (size_t)ml->u.number;
  }
  tpl_inst *ti = malloc(sizeof *ti);
  if (!ti) return ctx->host->errorf(err, "out of memory");
  ti->st = plugin_state;
  ti->min_length = min_length;
  *inst = ti;
  return CLEAVE_OK;
}

static void word_count_free(void *inst) { free(inst); }

/* ---- eval: per record, on worker threads, concurrently ------------------- */

/* args[i] holds VALUE argument i, converted to its declared type, possibly
** missing; its text is NOT NUL-terminated (use ptr and len). Always set
** out->type and out->missing, and the value when not missing. Never fail,
** never allocate, never block. */
static void word_count_eval(const void *inst, void *thread_state,
                            const cleave_value *args, cleave_value *out) {
  const tpl_inst *ti = inst;
  tpl_thread *t = thread_state;
  const cleave_str s = args[0].u.str;
  size_t words = 0, run = 0;

  out->type = CLEAVE_NUMBER;
  if (args[0].missing) {
    out->missing = 1;
    return;
  }
  if (t) t->calls++;
  for (size_t i = 0; i <= s.len; i++) {
    if (i < s.len && !ti->st->is_sep[(unsigned char)s.ptr[i]]) {
      run++;
      continue;
    }
    if (run >= ti->min_length) words++;
    run = 0;
  }
  out->missing = 0;
  out->u.number = (double)words;
}

/* ---- the descriptor: what the engine reads from this file ---------------- */

/* Arguments: a VALUE is per record (a field or expression), a CONST is fixed
** when the rule is loaded; CLEAVE_ARG_OPTIONAL may be or-ed into trailing
** ones. */
static const cleave_arg word_count_args[] = {
    {"text", CLEAVE_ARG_VALUE, CLEAVE_TEXT, sizeof(cleave_arg)},
    {"min_length", CLEAVE_ARG_CONST | CLEAVE_ARG_OPTIONAL, CLEAVE_NUMBER, sizeof(cleave_arg)},
};

static const cleave_criterion criteria[] = {
    {
        "word_count", /* rule files call template.word_count(...) */
        "number of words in text (of at least min_length bytes, default 1); "
        "missing text -> missing",
        CLEAVE_NUMBER,      /* the result type */
        CLEAVE_PURE,        /* depends only on its arguments */
        word_count_args, 2, /* args and nargs */
        2,                  /* cost: a field comparison is 1 */
        word_count_compile, word_count_eval, word_count_free,
        sizeof(cleave_criterion), /* struct_size (ABI 1.1): the engine reads no more */
    },
};

static const cleave_plugin plugin = {
    CLEAVE_ABI_MAJOR, /* the ABI this file is compiled against: the engine */
    CLEAVE_ABI_MINOR, /* refuses another major or a newer minor */
    sizeof(cleave_plugin),
    "template", /* the namespace in rule files: [a-z][a-z0-9_]* */
    "1.0",      /* this plugin's own version, for logs */
    "example plugin: counts words in a text",
    NULL,     /* config_keys: the ABI 1.0 way; config below */
    tpl_init,
    tpl_thread_init,
    tpl_thread_fini,
    tpl_fini,
    criteria,
    sizeof criteria / sizeof criteria[0],
    config, /* config_decls (ABI 1.1) */
    sizeof config / sizeof config[0],
};

/* The one exported symbol. It must only return the descriptor: it runs
** before any check, so it must not allocate or touch the host. */
CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
const cleave_plugin *cleave_plugin_entry(void) { return &plugin; }
