/* SPDX-License-Identifier: MIT */
/*
** cleave/plugin.h -- the criterion plugin ABI. This header is the whole
** contract between the cleave engine and a criterion plugin; a plugin
** includes nothing else from cleave and links no engine symbol.
**
** A plugin is a shared object that exports exactly one symbol:
**
**     CLEAVE_EXPORT const cleave_plugin *cleave_plugin_entry(void);
**
** For every *.so in its plugin directory the engine first checks, running
** nothing of the file: that the file, its folder and every folder above it
** are owned by root or the user running cleave and writable by no one else
** (docs/plugins.md, "Plugin trust"), and, reading the file as data, that it
** is an ELF shared object for this machine whose .dynsym exports
** cleave_plugin_entry. Only then does it dlopen the file (RTLD_NOW|
** RTLD_LOCAL) -- which runs the plugin's ELF constructors, if any: keep work
** out of them and in init -- call cleave_plugin_entry, and refuse the plugin,
** naming the file, when abi_major differs from CLEAVE_ABI_MAJOR or abi_minor
** is newer than the engine's. Fields are only ever appended to the structs
** below (minor bump); anything else is a major bump.
**
** Lifecycle, all on the engine's main thread unless said otherwise:
**   init(host, config)           once, with the [plugin.<name>] section
**   compile(...)                 once per use of a criterion in a rule file
**   thread_init / thread_fini    once per worker thread (may run concurrently)
**   eval(...)                    per record, on worker threads, concurrently;
**                                inst is shared read-only, thread_state is the
**                                worker's own
**   free_inst, fini              at shutdown; plugins are never dlclosed
**
** Ownership and lifetimes: every pointer the engine hands to a plugin stays
** owned by the engine. Text values (cleave_str) are NOT NUL-terminated. The
** cleave_config given to init is valid during init only (copy what you keep);
** the host table stays valid until after fini. eval's arguments are valid
** during the call. A TEXT result in *out must stay valid until the plugin's
** next eval call on the same thread_state: point into inst, into
** thread_state, or into an argument; the engine copies it before it calls
** the plugin again.
**
** Versioning: cleave_plugin and cleave_host carry their own struct_size and
** may grow at the end in a minor version. cleave_criterion, cleave_arg,
** cleave_value and cleave_config_entry are used in arrays and are frozen for
** a major version.
*/
#ifndef CLEAVE_PLUGIN_H
#define CLEAVE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CLEAVE_ABI_MAJOR 1
#define CLEAVE_ABI_MINOR 0

#if defined(__GNUC__)
#define CLEAVE_EXPORT __attribute__((visibility("default")))
#define CLEAVE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLEAVE_EXPORT
#define CLEAVE_PRINTF(f, a)
#endif

/* A criterion takes at most this many arguments. */
#define CLEAVE_MAX_ARGS 16

/* The name of the one symbol a plugin exports. */
#define CLEAVE_PLUGIN_ENTRY "cleave_plugin_entry"

/* A view of bytes; not NUL-terminated. */
typedef struct cleave_str {
  const char *ptr;
  size_t len;
} cleave_str;

/* Value types. TAGS is a list of tags as the raw field text ("a;b;c"); the
** separator is in cleave_value.sep. */
typedef enum cleave_type {
  CLEAVE_BOOL = 1,
  CLEAVE_NUMBER = 2,
  CLEAVE_TEXT = 3,
  CLEAVE_DATE = 4, /* days since 1970-01-01 (proleptic Gregorian) */
  CLEAVE_TAGS = 5,
  CLEAVE_TEXT_LIST = 6 /* constants only: a list of strings */
} cleave_type;

typedef struct cleave_list {
  const cleave_str *items;
  size_t n;
} cleave_list;

/* A typed value. When missing is nonzero the union is meaningless. */
typedef struct cleave_value {
  int32_t type;    /* cleave_type */
  int32_t missing; /* nonzero: no value (empty field, failed conversion...) */
  union {
    int32_t boolean;  /* CLEAVE_BOOL: 0 or 1 */
    double number;    /* CLEAVE_NUMBER */
    int32_t date;     /* CLEAVE_DATE */
    cleave_str str;   /* CLEAVE_TEXT, CLEAVE_TAGS */
    cleave_list list; /* CLEAVE_TEXT_LIST */
  } u;
  char sep; /* CLEAVE_TAGS: the tag separator */
} cleave_value;

/* How an argument is given in a rule file.
**  CLEAVE_ARG_VALUE: a per-record value of the declared type: a field, an
**    expression, or a constant (the engine converts constants). The plugin
**    sees it in eval's args[] and sees a missing value in compile's consts[].
**  CLEAVE_ARG_CONST: a load-time constant (number, text or list of texts).
**    The plugin sees it in compile's consts[] and a missing value in eval.
**  CLEAVE_ARG_OPTIONAL may be or-ed in for trailing arguments that a rule
**    may leave out; the plugin then sees a missing value. */
enum { CLEAVE_ARG_VALUE = 1, CLEAVE_ARG_CONST = 2, CLEAVE_ARG_OPTIONAL = 0x100 };

typedef struct cleave_arg {
  const char *name; /* shown in error messages and docs */
  int32_t kind;     /* CLEAVE_ARG_VALUE or CLEAVE_ARG_CONST, | OPTIONAL */
  int32_t type;     /* cleave_type */
} cleave_arg;

/* Error reporting: fill msg (plain words for a marketer; the engine adds the
** rule file and line, or the input line) and return CLEAVE_ERR. */
#define CLEAVE_OK 0
#define CLEAVE_ERR (-1)
#define CLEAVE_ERR_MSG_MAX 256
typedef struct cleave_err {
  char msg[CLEAVE_ERR_MSG_MAX];
} cleave_err;

/* One key = value line of the plugin's [plugin.<name>] section. */
typedef struct cleave_config_entry {
  const char *key;
  const char *value;
  int line; /* line in engine.ini, for messages */
} cleave_config_entry;

typedef struct cleave_config {
  const char *path; /* the ini file, for messages */
  const cleave_config_entry *entries;
  size_t n;
} cleave_config;

/* What the engine offers a plugin. Plugins call the engine only through this
** table (so they link with -Wl,-z,defs and no engine symbol). */
typedef struct cleave_host {
  uint32_t abi_major, abi_minor, struct_size;
  /* Logging (level: 0 error, 1 warning, 2 info, 3 debug). */
  void (*log)(void *host_ctx, int level, const char *fmt, ...) CLEAVE_PRINTF(3, 4);
  /* Format into err->msg; returns CLEAVE_ERR so it can be returned. */
  int (*errorf)(cleave_err *err, const char *fmt, ...) CLEAVE_PRINTF(2, 3);
  /* Value of key in cfg, or NULL. */
  const char *(*config_get)(const cleave_config *cfg, const char *key);
  /* Parse YYYY-MM-DD into days since 1970-01-01; 0 on success. */
  int (*parse_date)(cleave_str s, int32_t *days);
  void *host_ctx; /* first argument of log */
} cleave_host;

/* What compile sees about the run. */
typedef struct cleave_compile_ctx {
  const cleave_host *host;
  int32_t as_of;      /* the run's evaluation date, days since 1970-01-01 */
  const char *where;  /* "scripts/x.lua:12", for the plugin's own logs */
} cleave_compile_ctx;

enum {
  CLEAVE_PURE = 1 /* result depends only on args: may be reordered/cached */
};

typedef struct cleave_criterion {
  const char *name; /* rule files call it as <plugin>.<name>(...) */
  const char *help; /* one line, shown by `cleave check --list` and docs */
  int32_t result;   /* cleave_type of the result: BOOL, NUMBER, TEXT, DATE */
  uint32_t flags;   /* CLEAVE_PURE */
  const cleave_arg *args;
  uint32_t nargs;
  double cost; /* rough relative cost of eval; a field comparison is 1 */
  /* Validate constant args and build the immutable instance. consts[i] is the
  ** constant for CONST args, missing for VALUE args. May be NULL (no inst). */
  int (*compile)(void *plugin_state, const cleave_compile_ctx *ctx,
                 const cleave_value *consts, void **inst, cleave_err *err);
  /* Compute the result. args[i] holds VALUE args (possibly missing); set
  ** out->missing when there is no answer. Must not fail: a value it cannot
  ** use is a missing result. */
  void (*eval)(const void *inst, void *thread_state, const cleave_value *args,
               cleave_value *out);
  void (*free_inst)(void *inst); /* may be NULL */
} cleave_criterion;

typedef struct cleave_plugin {
  uint32_t abi_major;   /* CLEAVE_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor;   /* CLEAVE_ABI_MINOR the plugin was built with */
  uint32_t struct_size; /* sizeof(cleave_plugin) the plugin was built with */
  const char *name;     /* namespace in rule files: [a-z][a-z0-9_]* */
  const char *version;  /* the plugin's own version, for logs */
  const char *summary;  /* one line */
  /* Keys the plugin accepts in [plugin.<name>]; NULL-terminated. The engine
  ** rejects any other key, naming its line. May be NULL (no keys). */
  const char *const *config_keys;
  /* All hooks may be NULL. init returns CLEAVE_OK or CLEAVE_ERR. */
  int (*init)(const cleave_host *host, const cleave_config *cfg,
              void **plugin_state, cleave_err *err);
  /* Make one worker's state (*thread_state may stay NULL). The engine may
  ** call it on any thread, before that worker starts. */
  int (*thread_init)(void *plugin_state, void **thread_state, cleave_err *err);
  void (*thread_fini)(void *plugin_state, void *thread_state);
  void (*fini)(void *plugin_state);
  const cleave_criterion *criteria;
  uint32_t ncriteria;
} cleave_plugin;

typedef const cleave_plugin *(*cleave_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif
#endif /* CLEAVE_PLUGIN_H */
