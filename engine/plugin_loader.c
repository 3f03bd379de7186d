/* SPDX-License-Identifier: MIT */
/*
** plugin_loader.c -- find, check, dlopen and initialise criterion plugins.
**
** Every refusal names the .so file and says what to do about it.
**
** What runs when. A plugin is code that will run as the user running cleave
** (often root, from cron), so the order is:
**   1. Trust (plugin_trust.c), before anything of the file is mapped: the
**      .so, its folder and every folder up to / are owned by root or by the
**      user running cleave and writable by no one else (a sticky folder
**      owned by root, like /tmp, is allowed above the plugin folder). The
**      file is opened once (O_NOFOLLOW, O_CLOEXEC) and read as data: its ELF
**      header must match this process (class, byte order, machine, a shared
**      object) and its .dynsym must export cleave_plugin_entry. A foreign,
**      damaged or entry-less file is refused here, having run nothing.
**   2. dlopen of that same open file ("/proc/self/fd/N", so the file checked
**      is the file loaded). THIS RUNS CODE OF THE PLUGIN: the dynamic linker
**      maps it with the libraries it needs and runs their ELF constructors
**      and IFUNC resolvers, before cleave can look at the descriptor. Step 1
**      is what makes that acceptable: only a file that no one but root and
**      the user running cleave could have written is ever mapped. Without
**      /proc the checked path is dlopened instead; every folder on it passed
**      step 1, so only root or that user could swap the file in between.
**   3. cleave_plugin_entry is called (it should only return a pointer), and
**      the descriptor is checked (ABI version, names, criteria). A plugin
**      refused here is dlclosed: its constructors have run, but none of its
**      functions has been called by cleave and nothing points into it.
**   4. init, compile, thread_init, eval, fini: only for plugins that passed.
**
** Unloading: a plugin that passed the checks is never dlclosed, not even by
** plugins_free. Descriptors, criterion names and help strings live in the
** .so and other parts of the engine (the Lua namespace tables, compiled rule
** trees, `cleave plugins`) may still point at them when the set is
** freed; a plugin may also have registered thread-local destructors or
** atexit handlers that would run into unmapped code. Keeping the mapping is
** what SQLite and Redis do for loaded extensions, costs nothing in a batch
** process, and keeps valgrind able to symbolise plugin frames in its leak
** reports.
**
** File descriptors: the dynamic linker knows an object loaded through
** /proc/self/fd/N by that name, and dlopen of a name it already knows returns
** the object it knows. So the descriptor of every object that stays mapped
** stays open for the life of the process (one per plugin); it is closed only
** when the object is gone (dlopen failed, or a refused plugin was really
** unmapped by dlclose).
*/
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "env_names.h"
#include "plugin_config.h"
#include "plugin_loader.h"
#include "plugin_trust.h"
#include "suggest.h"

/* The bytes of cleave_plugin this engine reads: every field of ABI 1.0.
** A later minor that appends fields must read them only when struct_size
** covers them, and keep this as the minimum. */
#define PLUGIN_MIN_SIZE (offsetof(cleave_plugin, ncriteria) + sizeof(uint32_t))
/* 1.1's config_decls, read when struct_size covers them. */
#define PLUGIN_SIZE_11 (offsetof(cleave_plugin, nconfig_decls) + sizeof(uint32_t))
/* ABI 1.0's criterion and argument (no struct_size), and 1.1's smallest. */
#define CRIT_SIZE_10 offsetof(cleave_criterion, struct_size)
#define CRIT_SIZE_11 (offsetof(cleave_criterion, struct_size) + sizeof(uint32_t))
#define ARG_SIZE_10 offsetof(cleave_arg, struct_size)
#define ARG_SIZE_11 (offsetof(cleave_arg, struct_size) + sizeof(uint32_t))
#define DECL_SIZE_11 (offsetof(cleave_config_decl, max) + sizeof(double))

/* The most arguments a criterion may declare: the rule compiler and the
** evaluator (dsl_extras.c, eval.c) pass them in a cleave_value[16]. */
#define MAX_ARGS 16

/* Room for the "(loaded: a, b, c)" and "accepts: x, y" lists. */
#define LIST_MAX 512

/* ---- small helpers ----------------------------------------------------- */

/* Lua keywords cannot follow a dot (`dates.end(x)` does not parse), so they
** are refused as plugin and criterion names. */
static int is_lua_keyword(const char *s) {
  static const char *const kw[] = {
      "and",   "break", "do",     "else", "elseif", "end",   "false",
      "for",   "function", "goto", "if",  "in",     "local", "nil",
      "not",   "or",    "repeat", "return", "then", "true",  "until",
      "while"};
  for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
    if (strcmp(s, kw[i]) == 0) return 1;
  return 0;
}

/* [a-z][a-z0-9_]* and not a Lua keyword. */
static int valid_name(const char *s) {
  if (!s || !(*s >= 'a' && *s <= 'z')) return 0;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
      return 0;
  return !is_lua_keyword(s);
}

/* Append "sep item" to buf (cap bytes), truncating safely with "...". */
static void list_append(char *buf, size_t cap, const char *item) {
  size_t len = strlen(buf);
  int n = snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", item);
  if (n < 0 || (size_t)n >= cap - len) memcpy(buf + cap - 4, "...", 4);
}

const char *plugins_type_name(int32_t t, const char *unknown) {
  switch (t) {
  case CLEAVE_BOOL: return "BOOL";
  case CLEAVE_NUMBER: return "NUMBER";
  case CLEAVE_TEXT: return "TEXT";
  case CLEAVE_DATE: return "DATE";
  case CLEAVE_TAGS: return "TAGS";
  case CLEAVE_TEXT_LIST: return "TEXT_LIST";
  default: return unknown;
  }
}

/* ---- descriptor checks --------------------------------------------------- */

static int check_version(const char *path, const cleave_plugin *d, cl_error *err) {
  if (d->abi_major != CLEAVE_ABI_MAJOR)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: built for plugin ABI %u.%u, this cleave provides %d.%d; "
                   "rebuild it against include/cleave/plugin.h",
                   path, d->abi_major, d->abi_minor, CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR);
  if (d->abi_minor > CLEAVE_ABI_MINOR)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: built for plugin ABI %u.%u, this cleave provides %d.%d; "
                   "upgrade cleave or rebuild the plugin against this cleave's "
                   "include/cleave/plugin.h",
                   path, d->abi_major, d->abi_minor, CLEAVE_ABI_MAJOR, CLEAVE_ABI_MINOR);
  if (d->struct_size < PLUGIN_MIN_SIZE)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: descriptor struct_size is %u bytes, plugin ABI %u.%u needs at "
                   "least %zu; set struct_size = sizeof(cleave_plugin) and rebuild",
                   path, d->struct_size, d->abi_major, d->abi_minor, PLUGIN_MIN_SIZE);
  return 0;
}

static int check_identity(const char *path, const cleave_plugin *d,
                          const plugin_set *set, cl_error *err) {
  if (!d->name)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: the descriptor has no name; set name to the namespace rule "
                   "files will use (lower case, [a-z][a-z0-9_]*)", path);
  if (!valid_name(d->name))
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: plugin name '%s' is not usable in rule files; use lower case "
                   "letters, digits and '_', starting with a letter, and not a Lua "
                   "keyword", path, d->name);
  if (env_name_reserved(d->name)) {
    char names[LIST_MAX];
    env_names_list(names, sizeof names);
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: plugin name '%s' is reserved: rule files use it for the rule "
                   "language itself; rename the plugin (not one of %s)", path, d->name,
                   names);
  }
  if (!d->version || !d->summary)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: plugin '%s' has no %s; set it in the descriptor (it is shown "
                   "in logs and by `cleave plugins`)",
                   path, d->name, d->version ? "summary" : "version");
  for (size_t i = 0; i < set->n; i++)
    if (strcmp(set->v[i].desc->name, d->name) == 0)
      return cl_fail(err, CL_EXIT_PLUGIN,
                     "%s: plugin name '%s' is already taken by %s; remove one of the "
                     "two files from the plugin directory or rename one plugin",
                     path, d->name, set->v[i].path);
  return 0;
}

/* Kind and type of argument i of criterion c; optional ones trail. */
static int check_arg(const char *path, const char *plug, const cleave_criterion *c,
                     uint32_t i, cl_error *err) {
  const cleave_arg *a = &c->args[i];
  int32_t kind = a->kind & ~CLEAVE_ARG_OPTIONAL;
  if (!a->name || !*a->name)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: %s.%s: argument %u has no name; name it (it is shown in "
                   "error messages and docs)", path, plug, c->name, i + 1);
  if (kind != CLEAVE_ARG_VALUE && kind != CLEAVE_ARG_CONST)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: %s.%s: argument '%s' has kind %d; use CLEAVE_ARG_VALUE or "
                   "CLEAVE_ARG_CONST, optionally | CLEAVE_ARG_OPTIONAL",
                   path, plug, c->name, a->name, (int)a->kind);
  if (kind == CLEAVE_ARG_VALUE &&
      (a->type < CLEAVE_BOOL || a->type > CLEAVE_TAGS))
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: %s.%s: argument '%s' is a VALUE of type %s (%d); a VALUE "
                   "argument is BOOL, NUMBER, TEXT, DATE or TAGS",
                   path, plug, c->name, a->name, plugins_type_name(a->type, "an unknown type"),
                   (int)a->type);
  if (kind == CLEAVE_ARG_CONST && a->type != CLEAVE_NUMBER &&
      a->type != CLEAVE_TEXT && a->type != CLEAVE_TEXT_LIST)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: %s.%s: argument '%s' is a CONST of type %s (%d); a CONST "
                   "argument is NUMBER, TEXT or TEXT_LIST",
                   path, plug, c->name, a->name, plugins_type_name(a->type, "an unknown type"),
                   (int)a->type);
  if (i > 0 && (c->args[i - 1].kind & CLEAVE_ARG_OPTIONAL) &&
      !(a->kind & CLEAVE_ARG_OPTIONAL))
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: %s.%s: argument '%s' follows an optional argument but is not "
                   "optional; only trailing arguments may be CLEAVE_ARG_OPTIONAL",
                   path, plug, c->name, a->name);
  return 0;
}

/* ---- normalising: the plugin's structs as this engine's ------------------- */

/* A plugin's array of elements of stride bytes copied into n elements of
** this engine's size (elem), zero-filled past what the plugin declared. */
static void *copy_array(const void *src, uint32_t n, size_t stride, size_t elem) {
  char *dst = cl_calloc(n ? n : 1, elem);
  for (uint32_t i = 0; i < n; i++)
    memcpy(dst + i * elem, (const char *)src + i * stride, stride < elem ? stride : elem);
  return dst;
}

/* The stride of a 1.1+ array: the struct_size at offset off of element 0,
** the same in every element and at least min. 0 (err set) if not. */
static size_t array_stride(const char *path, const char *what, const void *base, uint32_t n,
                           size_t off, size_t min, cl_error *err) {
  uint32_t sz;
  memcpy(&sz, (const char *)base + off, sizeof sz);
  if (sz < min) {
    cl_fail(err, CL_EXIT_PLUGIN,
            "%s: %s struct_size is %u, plugin ABI 1.1 needs at least %zu; set "
            ".struct_size = sizeof the struct in every entry and rebuild", path, what, sz, min);
    return 0;
  }
  for (uint32_t i = 1; i < n; i++) {
    uint32_t si;
    memcpy(&si, (const char *)base + (size_t)i * sz + off, sizeof si);
    if (si != sz) {
      cl_fail(err, CL_EXIT_PLUGIN,
              "%s: %s entry %u has struct_size %u, entry 1 has %u; every entry of one "
              "array has the same size (sizeof the struct)", path, what, i + 1, si, sz);
      return 0;
    }
  }
  return sz;
}

/* Criterion k's arguments, normalised into the engine's copy c (whose args
** still point at the plugin's array). */
static int normalise_args(const char *path, const cleave_plugin *raw, cleave_criterion *c,
                          cl_error *err) {
  size_t stride = ARG_SIZE_10;
  char what[200];
  snprintf(what, sizeof what, "%s.%s: argument", raw->name, c->name);
  if (c->nargs && raw->abi_minor >= 1 &&
      !(stride = array_stride(path, what, c->args, c->nargs,
                              offsetof(cleave_arg, struct_size), ARG_SIZE_11, err)))
    return err->code;
  c->args = copy_array(c->args, c->nargs, stride, sizeof(cleave_arg));
  return 0;
}

static void free_norm(cleave_plugin *d) {
  if (!d) return;
  for (uint32_t k = 0; d->criteria && k < d->ncriteria; k++)
    free((void *)d->criteria[k].args);
  free((void *)d->criteria);
  free((void *)d->config_decls);
  free(d);
}

/* The descriptor as this engine's struct, its criteria, their arguments and
** its config declarations copied at this engine's sizes (only what the
** plugin's struct_size fields cover is read). NULL (err set) on error. */
static cleave_plugin *normalise(const char *path, const cleave_plugin *raw, cl_error *err) {
  cleave_plugin *d = copy_array(raw, 1, raw->struct_size, sizeof *d);
  if (raw->struct_size < PLUGIN_SIZE_11) d->config_decls = NULL, d->nconfig_decls = 0;
  const cleave_criterion *rc = d->criteria;
  const cleave_config_decl *rd = d->config_decls;
  d->criteria = NULL;
  d->config_decls = NULL;
  size_t stride = CRIT_SIZE_10;
  if (rc && d->ncriteria) {
    char what[160];
    snprintf(what, sizeof what, "criteria of '%s':", d->name ? d->name : "?");
    if (raw->abi_minor >= 1 &&
        !(stride = array_stride(path, what, rc, d->ncriteria,
                                offsetof(cleave_criterion, struct_size), CRIT_SIZE_11, err))) {
      free_norm(d);
      return NULL;
    }
    cleave_criterion *cs = copy_array(rc, d->ncriteria, stride, sizeof *cs);
    for (uint32_t k = 0; k < d->ncriteria; k++) cs[k].args = NULL;
    d->criteria = cs;
    for (uint32_t k = 0; k < d->ncriteria; k++) {
      const cleave_criterion *src = (const void *)((const char *)rc + (size_t)k * stride);
      cs[k].args = src->args;
      if (cs[k].nargs > MAX_ARGS || (cs[k].nargs && !cs[k].args) || !cs[k].name) {
        cs[k].args = NULL; /* refused by check_criterion, with its message */
        continue;
      }
      if (normalise_args(path, d, &cs[k], err)) {
        for (uint32_t j = k; j < d->ncriteria; j++) cs[j].args = NULL;
        free_norm(d);
        return NULL;
      }
    }
  } /* else criteria stays NULL: check_criteria refuses ncriteria > 0 */
  if (d->nconfig_decls && !rd) {
    cl_fail(err, CL_EXIT_PLUGIN, "%s: plugin '%s' declares %u config keys but config_decls "
            "is NULL; set config_decls to its array", path, d->name ? d->name : "?",
            d->nconfig_decls);
    free_norm(d);
    return NULL;
  }
  if (d->nconfig_decls) {
    char what[160];
    snprintf(what, sizeof what, "config_decls of '%s':", d->name ? d->name : "?");
    size_t ds = array_stride(path, what, rd, d->nconfig_decls, 0, DECL_SIZE_11, err);
    if (!ds) {
      free_norm(d);
      return NULL;
    }
    d->config_decls = copy_array(rd, d->nconfig_decls, ds, sizeof(cleave_config_decl));
  }
  return d;
}

static int check_criterion(const char *path, const cleave_plugin *d, uint32_t k,
                           cl_error *err) {
  const cleave_criterion *c = &d->criteria[k];
  if (!c->name)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: criterion %u of '%s' has no name; name it (rule files call "
                   "it as %s.<name>)", path, k + 1, d->name, d->name);
  if (!valid_name(c->name))
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: criterion name '%s' (entry %u of '%s') is not usable in rule "
                   "files; use lower case letters, digits and '_', starting with a "
                   "letter, and not a Lua keyword", path, c->name, k + 1, d->name);
  if (!c->help)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: %s.%s has no help text; give it one line (shown by "
                   "`cleave plugins`)", path, d->name, c->name);
  if (!c->eval)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: %s.%s has no eval function; every criterion needs one",
                   path, d->name, c->name);
  if (c->result != CLEAVE_BOOL && c->result != CLEAVE_NUMBER &&
      c->result != CLEAVE_TEXT && c->result != CLEAVE_DATE)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: %s.%s returns %s (%d); a result is BOOL, NUMBER, TEXT or DATE",
                   path, d->name, c->name, plugins_type_name(c->result, "an unknown type"),
                   (int)c->result);
  if (c->nargs > MAX_ARGS)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: %s.%s has nargs = %u, more than the %d cleave accepts; is "
                   "nargs set to the length of args?", path, d->name, c->name,
                   c->nargs, MAX_ARGS);
  if (c->nargs > 0 && !c->args)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: %s.%s has nargs = %u but args is NULL; point args at an "
                   "array of nargs cleave_arg", path, d->name, c->name, c->nargs);
  if (!(c->cost >= 0) || isinf(c->cost))
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: %s.%s has cost %g; use a finite number >= 0 (a field "
                   "comparison costs 1)", path, d->name, c->name, c->cost);
  for (uint32_t i = 0; i < c->nargs; i++)
    if (check_arg(path, d->name, c, i, err)) return err->code;
  for (uint32_t j = 0; j < k; j++)
    if (strcmp(d->criteria[j].name, c->name) == 0)
      return cl_fail(err, CL_EXIT_PLUGIN,
                     "%s: criterion %s.%s is declared twice (entries %u and %u); "
                     "rename or remove one", path, d->name, c->name, j + 1, k + 1);
  return 0;
}

static int check_criteria(const char *path, const cleave_plugin *d, cl_error *err) {
  if (d->ncriteria > 0 && !d->criteria)
    return cl_fail(err, CL_EXIT_PLUGIN,
                   "%s: plugin '%s' declares %u criteria but criteria is NULL; set "
                   "criteria to its array", path, d->name, d->ncriteria);
  for (uint32_t k = 0; k < d->ncriteria; k++)
    if (check_criterion(path, d, k, err)) return err->code;
  return 0;
}

/* The checked, normalised descriptor, or NULL (err set). */
static cleave_plugin *check_descriptor(const char *path, const cleave_plugin *raw,
                                       const plugin_set *set, cl_error *err) {
  if (check_version(path, raw, err)) return NULL;
  cleave_plugin *d = normalise(path, raw, err);
  if (!d) return NULL;
  if (check_identity(path, d, set, err) || check_criteria(path, d, err) ||
      plugin_config_check_decls(path, d, err)) {
    free_norm(d);
    return NULL;
  }
  return d;
}

/* ---- loading ------------------------------------------------------------- */

/* dlerror() text, minus a leading "name: " that would repeat ours. */
static const char *dl_reason(const char *name) {
  const char *e = dlerror();
  size_t n = strlen(name);
  if (!e) return "unknown dlopen error";
  if (strncmp(e, name, n) == 0 && e[n] == ':' && e[n + 1] == ' ') return e + n + 2;
  return e;
}

/* How a checked file is dlopened: "/proc/self/fd/N" when that names the very
** file pf holds open, else (no /proc) its checked real path. */
static void open_name(const plugin_file *pf, char *name, size_t cap, int *by_fd) {
  struct stat st;
  snprintf(name, cap, "/proc/self/fd/%d", pf->fd);
  *by_fd = stat(name, &st) == 0 && st.st_dev == pf->st.st_dev && st.st_ino == pf->st.st_ino;
  if (!*by_fd) snprintf(name, cap, "%s", pf->real);
}

/* Refused after dlopen: unmap it, and close its descriptor unless the object
** is still known by the /proc name (see "File descriptors" at the top). */
static void unload_refused(void *h, plugin_file *pf, const char *name, int by_fd) {
  dlclose(h);
  if (by_fd) {
    void *still = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
    if (still) {
      dlclose(still);
      pf->fd = -1; /* stays open: the name must keep naming this file */
    }
  }
  plugin_file_close(pf);
}

static const cleave_plugin *call_entry(const char *path, void *h, cl_error *err) {
  void *sym = dlsym(h, CLEAVE_PLUGIN_ENTRY);
  if (!sym) {
    cl_fail(err, CL_EXIT_PLUGIN,
            "%s: no %s symbol (is it a cleave plugin? export it with CLEAVE_EXPORT "
            "and build with -fvisibility=hidden; see docs/plugins.md)",
            path, CLEAVE_PLUGIN_ENTRY);
    return NULL;
  }
  cleave_plugin_entry_fn entry = (cleave_plugin_entry_fn)sym;
  const cleave_plugin *d = entry();
  if (!d)
    cl_fail(err, CL_EXIT_PLUGIN,
            "%s: %s returned NULL; it must return the plugin's descriptor "
            "(a static const cleave_plugin)", path, CLEAVE_PLUGIN_ENTRY);
  return d;
}

/* "loaded plugins: dates 1.0 (build/plugins/dates.so), geo 1.0 (...)", kept
** by cleanup.c for its crash message. */
static void crash_info(const plugin_set *set) {
  char text[CLEANUP_INFO_MAX] = "";
  size_t len = 0;
  for (size_t i = 0; i < set->n && len + 1 < sizeof text; i++) {
    int n = snprintf(text + len, sizeof text - len, "%s%s %s (%s)", i ? ", " : "loaded plugins: ",
                     set->v[i].desc->name, set->v[i].desc->version, set->v[i].path);
    if (n < 0) break;
    len += (size_t)n < sizeof text - len ? (size_t)n : sizeof text - len - 1;
  }
  cleanup_crash_info(text);
}

static void set_add(plugin_set *set, const char *path, void *h, const cleave_plugin *raw,
                    cleave_plugin *d) {
  set->v = cl_realloc(set->v, (set->n + 1) * sizeof *set->v);
  loaded_plugin *lp = &set->v[set->n++];
  memset(lp, 0, sizeof *lp);
  lp->path = cl_strdup(path);
  lp->handle = h;
  lp->raw = raw;
  lp->desc = d;
  crash_info(set);
}

int plugins_load_file(plugin_set *set, const char *path, cl_error *err) {
  plugin_file pf;
  char name[PATH_MAX];
  int by_fd;
  if (plugin_trust_open(path, &pf, err)) return err->code; /* nothing mapped */
  open_name(&pf, name, sizeof name, &by_fd);
  void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL); /* runs its constructors */
  if (!h) {
    cl_fail(err, CL_EXIT_PLUGIN,
            "%s: cannot load plugin: %s (check the path, and that it was built for "
            "this machine with `make`)", path, dl_reason(name));
    plugin_file_close(&pf);
    return err->code;
  }
  const cleave_plugin *raw = call_entry(path, h, err);
  cleave_plugin *d = raw ? check_descriptor(path, raw, set, err) : NULL;
  if (!d) {
    unload_refused(h, &pf, name, by_fd);
    return err->code;
  }
  if (!by_fd) close(pf.fd); /* known by its path: the descriptor is not needed */
  free(pf.real);
  set_add(set, path, h, raw, d);
  return 0;
}

/* ---- directories --------------------------------------------------------- */

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A plugin file: "*.so", not hidden (editor and backup files start with '.'). */
static int is_so_name(const char *name) {
  size_t n = strlen(name);
  return name[0] != '.' && n > 3 && strcmp(name + n - 3, ".so") == 0;
}

static char *join_path(const char *dir, const char *name) {
  size_t dn = strlen(dir), nn = strlen(name);
  int slash = dn > 0 && dir[dn - 1] == '/';
  char *p = cl_malloc(dn + nn + 2);
  memcpy(p, dir, dn);
  if (!slash) p[dn++] = '/';
  memcpy(p + dn, name, nn + 1);
  return p;
}

/* The *.so names in dir, sorted; NULL (err set) if dir cannot be read. */
static char **list_so(const char *dir, size_t *count, cl_error *err) {
  DIR *d = opendir(dir);
  if (!d) {
    cl_fail(err, CL_EXIT_PLUGIN,
            "%s: cannot open the plugin directory: %s; set plugins = DIR in "
            "[engine] of engine.ini (or CLEAVE_PLUGIN_PATH) to the directories holding "
            "the .so files, separated by ':' (make builds them in build/plugins)",
            dir, strerror(errno));
    return NULL;
  }
  char **names = NULL;
  size_t n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (!is_so_name(e->d_name)) continue;
    names = cl_realloc(names, (n + 1) * sizeof *names);
    names[n++] = cl_strdup(e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_names);
  *count = n;
  return names ? names : cl_calloc(1, sizeof *names);
}

static const char *base_name(const char *path) {
  const char *b = strrchr(path, '/');
  return b ? b + 1 : path;
}

int plugins_loaded_file(const plugin_set *set, const char *path) {
  for (size_t i = 0; i < set->n; i++)
    if (strcmp(base_name(set->v[i].path), base_name(path)) == 0) return 1;
  return 0;
}

/* Load dir/name if it is a regular file (directories named x.so are skipped)
** and no file of that name was loaded before (an earlier folder of the path
** wins, as in PATH). */
static int load_entry(plugin_set *set, const char *dir, const char *name, cl_error *err) {
  char *path = join_path(dir, name);
  struct stat st;
  int rc = 0;
  if (!plugins_loaded_file(set, name) && stat(path, &st) == 0 && S_ISREG(st.st_mode))
    rc = plugins_load_file(set, path, err);
  free(path);
  return rc;
}

int plugins_load_dir(plugin_set *set, const char *dir, cl_error *err) {
  size_t n = 0;
  char **names = list_so(dir, &n, err);
  int rc = 0;
  if (!names) return err->code;
  if (plugin_trust_dir(dir, err)) rc = err->code; /* before any file in it */
  for (size_t i = 0; i < n; i++) {
    if (!rc) rc = load_entry(set, dir, names[i], err);
    free(names[i]);
  }
  free(names);
  return rc;
}

/* ---- configuration and init --------------------------------------------- */

static const char *ini_name(const config *cfg) {
  return cfg && cfg->path ? cfg->path : "engine.ini";
}

/* config_plugin() without depending on config.c: the first section named. */
static const config_section *find_section(const config *cfg, const char *name) {
  if (!cfg) return NULL;
  for (size_t i = 0; i < cfg->nplugins_cfg; i++)
    if (cfg->plugins_cfg[i].name && strcmp(cfg->plugins_cfg[i].name, name) == 0)
      return &cfg->plugins_cfg[i];
  return NULL;
}

static int unknown_section(const plugin_set *set, const config *cfg,
                           const config_section *s, cl_error *err) {
  char loaded[LIST_MAX] = "";
  const char **names = cl_calloc(set->n, sizeof *names);
  for (size_t i = 0; i < set->n; i++) {
    names[i] = set->v[i].desc->name;
    list_append(loaded, sizeof loaded, names[i]);
  }
  const char *g = plugin_config_guess(s->name, names, set->n);
  if (g)
    cl_fail(err, CL_EXIT_CONFIG,
            "%s:%d: [plugin.%s] names no loaded plugin (loaded: %s); did you mean "
            "[plugin.%s]?", ini_name(cfg), s->line, s->name, loaded, g);
  else
    cl_fail(err, CL_EXIT_CONFIG,
            "%s:%d: [plugin.%s] names no loaded plugin (loaded: %s); remove the "
            "section or put %s.so on the plugin path (see cleave plugins)", ini_name(cfg), s->line,
            s->name, set->n ? loaded : "none", s->name);
  free(names);
  return err->code;
}

/* Every [plugin.X] names a loaded plugin, once. Its keys are checked when
** the plugin is first used (plugins_use). */
static int check_sections(const plugin_set *set, const config *cfg, cl_error *err) {
  for (size_t i = 0; cfg && i < cfg->nplugins_cfg; i++) {
    const config_section *s = &cfg->plugins_cfg[i];
    const config_section *first = find_section(cfg, s->name);
    if (first != s)
      return cl_fail(err, CL_EXIT_CONFIG,
                     "%s:%d: [plugin.%s] appears twice (first at line %d); merge "
                     "the two sections", ini_name(cfg), s->line, s->name, first->line);
    if (!plugins_find(set, s->name)) return unknown_section(set, cfg, s, err);
  }
  return 0;
}

/* The section checked against the declarations (exit 3), then init (exit 7),
** with the crash marker naming the plugin. */
static int init_one(loaded_plugin *lp, const cleave_host *host, const config *cfg,
                    cl_error *err) {
  const config_section *s = find_section(cfg, lp->desc->name);
  if (plugin_config_check(cfg ? cfg->path : NULL, s, lp->desc, &lp->typed, err))
    return err->code;
  cleave_config cc = {cfg ? cfg->path : NULL, s ? s->entries : NULL, s ? s->n : 0,
                      &lp->typed};
  cleave_err perr;
  perr.msg[0] = '\0';
  lp->state = NULL;
  int rc = CLEAVE_OK;
  if (lp->desc->init) {
    cleanup_mark("init", lp->desc->name);
    rc = lp->desc->init(host, &cc, &lp->state, &perr);
    cleanup_mark(NULL, NULL);
  }
  if (rc != CLEAVE_OK) {
    perr.msg[sizeof perr.msg - 1] = '\0';
    lp->state = NULL;
    plugin_config_free(&lp->typed);
    return cl_fail(err, CL_EXIT_PLUGIN, "%s: init failed: %s", lp->path,
                   perr.msg[0] ? perr.msg : "(the plugin gave no reason)");
  }
  lp->initialised = 1;
  return 0;
}

int plugins_configure(plugin_set *set, const cleave_host *host, const config *cfg,
                      cl_error *err) {
  set->host = host;
  set->cfg = cfg;
  return check_sections(set, cfg, err);
}

int plugins_use(plugin_set *set, size_t i, cl_error *err) {
  if (i >= set->n) return cl_fail(err, CL_EXIT_INTERNAL, "plugins_use: no plugin %zu", i);
  if (set->v[i].initialised) return 0;
  return init_one(&set->v[i], set->host, set->cfg, err);
}

int plugins_init(plugin_set *set, const cleave_host *host, const config *cfg,
                 cl_error *err) {
  if (plugins_configure(set, host, cfg, err)) return err->code;
  for (size_t i = 0; i < set->n; i++)
    if (plugins_use(set, i, err)) return err->code;
  return 0;
}

const loaded_plugin *plugins_find(const plugin_set *set, const char *name) {
  for (size_t i = 0; name && i < set->n; i++)
    if (strcmp(set->v[i].desc->name, name) == 0) return &set->v[i];
  return NULL;
}

void plugins_free(plugin_set *set) {
  for (size_t i = set->n; i-- > 0;) {
    loaded_plugin *lp = &set->v[i];
    if (lp->initialised && lp->desc->fini) lp->desc->fini(lp->state);
    lp->initialised = 0;
    plugin_config_free(&lp->typed);
    free_norm((cleave_plugin *)lp->desc);
    free(lp->path); /* lp->handle stays open: see the comment at the top */
  }
  free(set->v);
  set->v = NULL;
  set->n = 0;
  cleanup_crash_info("");
}

static void threads_fini_n(const plugin_set *set, void **ts, size_t n) {
  for (size_t i = 0; set && i < n; i++)
    if (set->v[i].initialised && set->v[i].desc->thread_fini)
      set->v[i].desc->thread_fini(set->v[i].state, ts[i]);
  free(ts);
}

/* Only for initialised plugins: one the rule file does not use has no
** thread state (NULL in ts). */
int plugins_thread_init(const plugin_set *set, void ***out, cl_error *err) {
  size_t n = set ? set->n : 0;
  void **ts = cl_calloc(n ? n : 1, sizeof *ts);
  for (size_t i = 0; i < n; i++) {
    const loaded_plugin *lp = &set->v[i];
    cleave_err e = {""};
    if (!lp->initialised || !lp->desc->thread_init) continue;
    cleanup_mark("thread_init", lp->desc->name);
    int rc = lp->desc->thread_init(lp->state, &ts[i], &e);
    cleanup_mark(NULL, NULL);
    if (rc != CLEAVE_OK) {
      threads_fini_n(set, ts, i);
      return cl_fail(err, CL_EXIT_PLUGIN, "%s: cannot start a worker: %s", lp->path,
                     e.msg[0] ? e.msg : "thread_init failed");
    }
  }
  *out = ts;
  return 0;
}

void plugins_thread_fini(const plugin_set *set, void **ts) {
  threads_fini_n(set, ts, set ? set->n : 0);
}
