/* SPDX-License-Identifier: MIT */
/*
** t_plugin_loader.c -- the plugin loader's checks and messages, the host
** table, and every criterion of the dates, geo and rfm plugins called
** directly through their descriptors.
**
** Test plugins are found in <dir of argv[0]>/plugins/, the real ones in
** <dir of argv[0]>/../plugins/ (build/tests/ and build/plugins/, or the same
** under build/asan/).
*/
#include <elf.h>
#include <errno.h>
#include <libgen.h>
#include <link.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datecalc.h"
#include "host_api.h"
#include "plugin_loader.h"
#include "tap.h"

/* The ELF header of this test program (defined by the linker). */
extern const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));

typedef struct paths {
  char test[PATH_MAX]; /* test plugins, with a trailing '/' */
  char real[PATH_MAX]; /* dates, geo, rfm, txt */
  char extra[PATH_MAX]; /* template.so */
} paths;

/* What a test needs to run plugins: the host table and its log sink. */
typedef struct env {
  paths p;
  logger lg;
  cleave_host host;
  int32_t as_of; /* 2026-11-01, retail-v1's */
} env;

static void path_of(char *buf, const char *dir, const char *name) {
  if (snprintf(buf, PATH_MAX, "%s%s", dir, name) >= PATH_MAX) {
    printf("Bail out! path too long: %s%s\n", dir, name);
    exit(1);
  }
}

/* ---- values -------------------------------------------------------------- */

static cleave_value v_missing(int32_t type) {
  cleave_value v;
  memset(&v, 0, sizeof v);
  v.type = type;
  v.missing = 1;
  return v;
}

static cleave_value v_num(double x) {
  cleave_value v = v_missing(CLEAVE_NUMBER);
  v.missing = 0;
  v.u.number = x;
  return v;
}

static cleave_value v_text(const char *s) {
  cleave_value v = v_missing(CLEAVE_TEXT);
  v.missing = 0;
  v.u.str.ptr = s;
  v.u.str.len = strlen(s);
  return v;
}

static cleave_value v_date(int y, int m, int d) {
  cleave_value v = v_missing(CLEAVE_DATE);
  v.missing = 0;
  v.u.date = date_from_civil(y, m, d);
  return v;
}

/* A result as text for is_str: "missing", a number, a date, true/false, or
** the text in quotes. */
static const char *show(const cleave_value *v, char *buf, size_t n) {
  if (v->missing) snprintf(buf, n, "missing");
  else if (v->type == CLEAVE_NUMBER) snprintf(buf, n, "%g", v->u.number);
  else if (v->type == CLEAVE_BOOL) snprintf(buf, n, "%s", v->u.boolean ? "true" : "false");
  else if (v->type == CLEAVE_DATE) date_format_iso(v->u.date, buf);
  else if (v->type == CLEAVE_TEXT)
    snprintf(buf, n, "'%.*s'", (int)v->u.str.len, v->u.str.ptr);
  else snprintf(buf, n, "type %d", (int)v->type);
  return buf;
}

/* ---- calling criteria ---------------------------------------------------- */

/* One compiled use of a criterion, with a thread state of its own. */
typedef struct call {
  const loaded_plugin *lp;
  const cleave_criterion *c;
  void *inst, *ts;
  int rc;
  cleave_err err;
} call;

static const cleave_criterion *find_crit(const loaded_plugin *lp, const char *name) {
  for (uint32_t i = 0; lp && i < lp->desc->ncriteria; i++)
    if (strcmp(lp->desc->criteria[i].name, name) == 0) return &lp->desc->criteria[i];
  return NULL;
}

/* Compile plugin.name with consts (NULL: all missing); rc says how it went. */
static call call_open(const env *e, const plugin_set *set, const char *plugin,
                      const char *name, const cleave_value *consts) {
  call k;
  cleave_value none[8];
  cleave_compile_ctx ctx = {&e->host, e->as_of, "t_plugin_loader.c:1"};
  memset(&k, 0, sizeof k);
  k.lp = plugins_find(set, plugin);
  k.c = find_crit(k.lp, name);
  if (!k.c) {
    k.rc = -2;
    return k;
  }
  for (size_t i = 0; i < 8; i++) none[i] = v_missing(CLEAVE_NUMBER);
  if (k.c->compile)
    k.rc = k.c->compile(k.lp->state, &ctx, consts ? consts : none, &k.inst, &k.err);
  if (k.rc == CLEAVE_OK && k.lp->desc->thread_init)
    k.rc = k.lp->desc->thread_init(k.lp->state, &k.ts, &k.err);
  return k;
}

static cleave_value call_eval(const call *k, const cleave_value *args) {
  cleave_value out = v_missing(0);
  out.missing = 0;
  k->c->eval(k->inst, k->ts, args, &out);
  return out;
}

static void call_close(call *k) {
  if (k->ts && k->lp->desc->thread_fini) k->lp->desc->thread_fini(k->lp->state, k->ts);
  if (k->inst && k->c->free_inst) k->c->free_inst(k->inst);
  k->inst = k->ts = NULL;
}

/* Evaluate a one-VALUE-argument criterion (other args missing) on arg. */
static const char *eval1(const call *k, cleave_value arg, char *buf, size_t n) {
  cleave_value args[4] = {arg, v_missing(CLEAVE_NUMBER), v_missing(CLEAVE_NUMBER),
                          v_missing(CLEAVE_NUMBER)};
  cleave_value out = call_eval(k, args);
  return show(&out, buf, n);
}

/* ---- config by hand ------------------------------------------------------ */

typedef struct ini {
  config cfg;
  config_section sec[4];
  cleave_config_entry ent[4][4];
} ini;

static void ini_init(ini *i) {
  memset(i, 0, sizeof *i);
  i->cfg.path = "engine.ini";
  i->cfg.plugins_cfg = i->sec;
}

static void ini_section(ini *i, const char *name, int line) {
  config_section *s = &i->sec[i->cfg.nplugins_cfg];
  s->name = (char *)name;
  s->line = line;
  s->entries = i->ent[i->cfg.nplugins_cfg];
  i->cfg.nplugins_cfg++;
}

static void ini_key(ini *i, const char *key, const char *value, int line) {
  config_section *s = &i->sec[i->cfg.nplugins_cfg - 1];
  cleave_config_entry *ent = &s->entries[s->n++];
  ent->key = key;
  ent->value = value;
  ent->line = line;
}

/* ---- loader tests -------------------------------------------------------- */

static void test_good(env *e) {
  char path[PATH_MAX], buf[64];
  plugin_set set = {0};
  cl_error err = {0};
  ini in;
  path_of(path, e->p.test, "good.so");
  is_int(plugins_load_file(&set, path, &err), 0, "good.so loads");
  if (err.code) diag("%s", err.msg);
  is_int(set.n, 1, "one plugin in the set");
  const loaded_plugin *lp = plugins_find(&set, "testplug");
  ok(lp != NULL, "plugins_find finds testplug");
  ok(plugins_find(&set, "nope") == NULL, "plugins_find: unknown name -> NULL");
  if (!lp) return;
  is_str(lp->path, path, "loaded_plugin.path is the file");
  ok(lp->handle != NULL && !lp->initialised, "handle set, not yet initialised");
  ok(find_crit(lp, "double_it") && find_crit(lp, "is_even"), "its two criteria are there");

  ini_init(&in);
  ini_section(&in, "testplug", 4);
  ini_key(&in, "factor", "3", 5);
  is_int(plugins_init(&set, &e->host, &in.cfg, &err), 0, "init with factor = 3");
  ok(lp->initialised && lp->state != NULL, "initialised with a state");

  call k = call_open(e, &set, "testplug", "double_it", NULL);
  is_int(k.rc, 0, "double_it compiles");
  is_str(eval1(&k, v_num(4), buf, sizeof buf), "12", "double_it(4) = 12 with factor 3");
  is_str(eval1(&k, v_missing(CLEAVE_NUMBER), buf, sizeof buf), "missing",
         "double_it(missing) = missing");
  call_close(&k);
  k = call_open(e, &set, "testplug", "is_even", NULL);
  is_int(k.rc, 0, "is_even has no compile: fine");
  is_str(eval1(&k, v_num(4), buf, sizeof buf), "true", "is_even(4)");
  is_str(eval1(&k, v_num(3), buf, sizeof buf), "false", "is_even(3)");
  call_close(&k);

  memset(&err, 0, sizeof err);
  is_int(plugins_load_file(&set, path, &err), CL_EXIT_PLUGIN, "the same plugin twice");
  like(err.msg, "plugin name 'testplug' is already taken by", "duplicate name refused");
  is_int(set.n, 1, "the set is unchanged");
  plugins_free(&set);
  ok(set.n == 0 && set.v == NULL, "plugins_free empties the set");
}

/* Load file (under the test dir) and expect a refusal mentioning want. */
static void refused(env *e, const char *file, const char *want, const char *what) {
  char path[PATH_MAX];
  plugin_set set = {0};
  cl_error err = {0};
  path_of(path, e->p.test, file);
  int rc = plugins_load_file(&set, path, &err);
  ok(rc == CL_EXIT_PLUGIN && err.code == CL_EXIT_PLUGIN && set.n == 0,
     "%s: refused with exit code %d", what, CL_EXIT_PLUGIN);
  like(err.msg, path, "%s: the message names the file", what);
  like(err.msg, want, "%s: the message says what is wrong", what);
  diag("%s", err.msg);
  plugins_free(&set);
}

static void test_refusals(env *e) {
  refused(e, "wrong_abi.so", "built for plugin ABI 2.0, this cleave provides 1.1; "
          "rebuild it against include/cleave/plugin.h", "wrong major");
  refused(e, "newer_minor.so", "built for plugin ABI 1.2, this cleave provides 1.1",
          "newer minor");
  refused(e, "no_entry.so", "no cleave_plugin_entry symbol (is it a cleave plugin? "
          "export it with CLEAVE_EXPORT", "no entry symbol");
  refused(e, "bad_desc.so", "bad_desc.noop has no eval function", "no eval");
  refused(e, "does_not_exist.so", "cannot load plugin: No such file or directory",
          "missing file");
}

/* bad_desc.so picks its defect from CLEAVE_TEST_BAD_DESC. */
static void test_bad_descriptors(env *e) {
  static const char *const cases[][2] = {
      {"bad_name", "plugin name 'Bad-Name' is not usable in rule files"},
      {"keyword_name", "plugin name 'while' is not usable"},
      {"no_name", "the descriptor has no name"},
      {"small_struct", "struct_size is 16 bytes, plugin ABI 1.1 needs at least"},
      {"null_criteria", "declares 2 criteria but criteria is NULL"},
      {"crit_bad_name", "criterion name 'DaysSince' (entry 1 of 'bad_desc') is not usable"},
      {"crit_no_name", "criterion 1 of 'bad_desc' has no name"},
      {"crit_keyword", "criterion name 'end'"},
      {"crit_dup", "criterion bad_desc.noop is declared twice (entries 1 and 3)"},
      {"bad_result", "bad_desc.noop returns TAGS (5); a result is BOOL, NUMBER, TEXT or DATE"},
      {"bad_kind", "argument 'x' has kind 7"},
      {"const_bool", "argument 'flag' is a CONST of type BOOL"},
      {"value_list", "argument 'xs' is a VALUE of type TEXT_LIST"},
      {"no_arg_name", "argument 1 has no name"},
      {"optional_gap", "argument 'c' follows an optional argument but is not optional"},
      {"args_null", "bad_desc.noop has nargs = 1 but args is NULL"},
      {"too_many_args", "has nargs = 100000, more than the 16 cleave accepts"},
      {"no_help", "bad_desc.noop has no help text"},
      {"neg_cost", "bad_desc.noop has cost -1"},
      {"null_desc", "cleave_plugin_entry returned NULL"},
      {"reserved_text", "plugin name 'text' is reserved: rule files use it for the rule "
                        "language itself; rename the plugin (not one of text, number, date, "
                        "tags, "},
      {"reserved_micro", "plugin name 'micro' is reserved"},
      {"reserved_print", "plugin name 'print' is reserved"},
      {"crit_size0", "criteria of 'bad_desc': struct_size is 0, plugin ABI 1.1 needs at least"},
      {"crit_size_mixed", "criteria of 'bad_desc': entry 2 has struct_size 200, entry 1 has"},
      {"arg_size0", "bad_desc.noop: argument struct_size is 0, plugin ABI 1.1 needs"},
      {"decl_bad_default", "config key 'window' of 'bad_desc' has default 'ten', which is not "
                           "a whole number"},
      {"decl_default_range", "has default '0', which is not a whole number of at least 1"},
      {"decl_no_help", "config key 'fast' of 'bad_desc' has no help text"},
      {"decl_dup", "config key 'fast' of 'bad_desc' is declared twice (entries 1 and 2)"},
      {"decl_bad_type", "config key 'fast' of 'bad_desc' has type 9"},
      {"decl_bad_key", "config key 1 of 'bad_desc' (Fast-Mode) is not usable in engine.ini"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    setenv("CLEAVE_TEST_BAD_DESC", cases[i][0], 1);
    refused(e, "bad_desc.so", cases[i][1], cases[i][0]);
  }
  unsetenv("CLEAVE_TEST_BAD_DESC");
}

static void test_dirs(env *e) {
  plugin_set set = {0};
  cl_error err = {0};
  char dir[PATH_MAX], tmpl[] = "/tmp/cleave-plugins-XXXXXX", path[PATH_MAX];

  path_of(dir, e->p.test, "no-such-dir");
  is_int(plugins_load_dir(&set, dir, &err), CL_EXIT_PLUGIN, "missing dir: error");
  like(err.msg, dir, "missing dir: the message names it");
  like(err.msg, "cannot open the plugin directory: No such file or directory",
       "missing dir: says why");

  is_int(plugins_load_dir(&set, e->p.real, &err), 0, "the real plugin dir loads");
  is_int(set.n, 4, "four real plugins");
  if (set.n == 4)
    ok(!strcmp(set.v[0].desc->name, "dates") && !strcmp(set.v[1].desc->name, "geo") &&
           !strcmp(set.v[2].desc->name, "rfm") && !strcmp(set.v[3].desc->name, "txt"),
       "in name order: dates, geo, rfm, txt");
  plugins_free(&set);

  memset(&err, 0, sizeof err);
  is_int(plugins_load_dir(&set, e->p.test, &err), CL_EXIT_PLUGIN,
         "the test plugin dir stops at the first bad plugin");
  like(err.msg, "bad_desc.so: ", "... which is bad_desc.so, first by name");
  plugins_free(&set);

  /* A dir with one plugin and things to skip. */
  if (!mkdtemp(tmpl)) {
    ok(0, "mkdtemp: %s", strerror(errno));
    return;
  }
  char good[PATH_MAX], real_good[PATH_MAX];
  path_of(good, e->p.test, "good.so");
  if (!realpath(good, real_good)) snprintf(real_good, sizeof real_good, "%s", good);
  snprintf(path, sizeof path, "%s/b.so", tmpl);
  int linked = symlink(real_good, path) == 0;
  snprintf(path, sizeof path, "%s/a.txt", tmpl);
  FILE *f = fopen(path, "w");
  if (f) fclose(f);
  snprintf(path, sizeof path, "%s/c.so.bak", tmpl);
  f = fopen(path, "w");
  if (f) fclose(f);
  snprintf(path, sizeof path, "%s/d.so", tmpl);
  int made_dir = mkdir(path, 0700) == 0;
  memset(&err, 0, sizeof err);
  snprintf(dir, sizeof dir, "%s/", tmpl);
  is_int(plugins_load_dir(&set, dir, &err), 0, "a dir with one .so and other files");
  if (err.code) diag("%s", err.msg);
  ok(linked && made_dir && set.n == 1, "only b.so is loaded (a.txt, c.so.bak, dir d.so skipped)");
  snprintf(path, sizeof path, "%s/b.so", tmpl);
  if (set.n == 1) is_str(set.v[0].path, path, "dir/ + name: no double slash");
  plugins_free(&set);
  for (const char *n = "b.so\0a.txt\0c.so.bak\0"; *n; n += strlen(n) + 1) {
    snprintf(path, sizeof path, "%s/%s", tmpl, n);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/d.so", tmpl);
  rmdir(path);
  rmdir(tmpl);
}

static void test_init_fails(env *e) {
  char path[PATH_MAX];
  plugin_set set = {0};
  cl_error err = {0};
  path_of(path, e->p.test, "init_fails.so");
  is_int(plugins_load_file(&set, path, &err), 0, "init_fails.so loads");
  is_int(plugins_init(&set, &e->host, NULL, &err), CL_EXIT_PLUGIN,
         "its init failure is CL_EXIT_PLUGIN");
  like(err.msg, "init_fails.so: init failed: cannot open lookup table "
       "/nonexistent/table.csv", "message: path, 'init failed', the plugin's words");
  ok(set.n == 1 && !set.v[0].initialised, "not marked initialised");
  plugins_free(&set); /* must not call fini on it */
}

/* An ABI 1.0 plugin (built against tests/plugins/abi10/cleave/plugin.h): the
** engine's copies of its structs read only 1.0's fields; it runs as before. */
static void test_abi10(env *e) {
  char path[PATH_MAX];
  plugin_set set = {0};
  cl_error err = {0};
  ini in;
  path_of(path, e->p.test, "abi10/old.so");
  is_int(plugins_load_file(&set, path, &err), 0, "abi10/old.so (ABI 1.0) loads in the 1.1 engine");
  if (err.code) {
    diag("%s", err.msg);
    return;
  }
  const loaded_plugin *lp = &set.v[0];
  ok(lp->raw->abi_minor == 0 && lp->raw->struct_size < sizeof(cleave_plugin) &&
         lp->desc != lp->raw,
     "its descriptor is 1.0-sized; the engine uses its own copy");
  ok(lp->desc->nconfig_decls == 0 && lp->desc->config_decls == NULL &&
         lp->desc->ncriteria == 2 && lp->desc->criteria[1].struct_size == 0 &&
         lp->desc->criteria[0].args[1].struct_size == 0 &&
         !strcmp(lp->desc->criteria[1].name, "tag") &&
         lp->desc->criteria[0].args[1].kind == CLEAVE_ARG_CONST,
     "criteria and args copied at the 1.0 stride; the 1.1 fields read 0");
  ini_init(&in);
  ini_section(&in, "old", 4);
  ini_key(&in, "offset", "100", 5);
  is_int(plugins_init(&set, &e->host, &in.cfg, &err), 0, "its init reads config_get");
  cleave_value consts[2] = {v_missing(CLEAVE_NUMBER), v_num(2)};
  call k = call_open(e, &set, "old", "add", consts);
  char buf[64];
  is_int(k.rc, 0, "old.add compiles with its constant");
  if (!k.rc) is_str(eval1(&k, v_num(40), buf, sizeof buf), "142", "old.add(40, 2) + offset 100");
  call_close(&k);
  k = call_open(e, &set, "old", "tag", NULL);
  if (!k.rc) is_str(eval1(&k, v_text("Bob"), buf, sizeof buf), "'old:Bob'", "old.tag(\"Bob\")");
  call_close(&k);
  plugins_free(&set);
}

/* The search path: folders and files, ':'-separated; first file name wins;
** a missing default folder is no error, a missing explicit one is. */
static void test_path(env *e) {
  char p[4 * PATH_MAX + 64];
  plugin_set set = {0};
  cl_error err = {0};
  snprintf(p, sizeof p, "%s:%sabi10/old.so::%scrash.so", e->p.real, e->p.test, e->p.test);
  is_int(plugins_load_path(&set, p, 0, &err), 0, "a folder, two files and an empty item");
  ok(plugins_find(&set, "dates") && plugins_find(&set, "old") && plugins_find(&set, "crash"),
     "all three items loaded");
  size_t n = set.n;
  snprintf(p, sizeof p, "%sabi10/old.so", e->p.test);
  ok(plugins_loaded_file(&set, p) && plugins_loaded_file(&set, "/elsewhere/dates.so") &&
         !plugins_loaded_file(&set, "/x/typed.so"),
     "plugins_loaded_file goes by file name");
  snprintf(p, sizeof p, "%s", e->p.real);
  is_int(plugins_load_path(&set, p, 0, &err), 0, "the same folder again: its files are skipped");
  is_int(set.n, n, "nothing loaded twice");
  plugins_free(&set);
  is_int(plugins_load_path(&set, "/nonexistent/cleave/plugins", 1, &err), 0,
         "a missing default folder: no error");
  is_int(set.n, 0, "and no plugins");
  is_int(plugins_load_path(&set, "/nonexistent/cleave/plugins", 0, &err), CL_EXIT_PLUGIN,
         "a missing folder named explicitly: CL_EXIT_PLUGIN");
  const char *src;
  int opt;
  setenv("CLEAVE_PLUGIN_PATH", "/a:/b", 1);
  ok(!strcmp(plugins_search_path("x", &src, &opt), "x") && !opt,
     "search path: the configured path first");
  ok(!strcmp(plugins_search_path(NULL, &src, &opt), "/a:/b") && !opt &&
         !strcmp(src, "CLEAVE_PLUGIN_PATH"), "then CLEAVE_PLUGIN_PATH");
  setenv("CLEAVE_PLUGIN_PATH", "", 1);
  ok(plugins_search_path(NULL, &src, &opt)[0] == '/' && opt && !strcmp(src, "the default"),
     "an empty CLEAVE_PLUGIN_PATH: the compiled-in default, optional");
  unsetenv("CLEAVE_PLUGIN_PATH");
}

/* plugins_configure initialises nothing; plugins_use does, once. */
static void test_lazy(env *e) {
  char path[PATH_MAX];
  plugin_set set = {0};
  cl_error err = {0};
  path_of(path, e->p.test, "init_fails.so");
  plugins_load_file(&set, path, &err);
  path_of(path, e->p.test, "good.so");
  plugins_load_file(&set, path, &err);
  is_int(plugins_configure(&set, &e->host, NULL, &err), 0,
         "configure with a plugin whose init fails: no error (nothing initialised)");
  ok(!set.v[0].initialised && !set.v[1].initialised, "neither is initialised");
  is_int(plugins_use(&set, 1, &err), 0, "using testplug initialises it");
  ok(set.v[1].initialised && !set.v[0].initialised, "only testplug");
  is_int(plugins_use(&set, 1, &err), 0, "a second use is a no-op");
  is_int(plugins_use(&set, 0, &err), CL_EXIT_PLUGIN, "using init_fails fails then");
  void **ts = NULL;
  is_int(plugins_thread_init(&set, &ts, &err), 0, "thread_init skips the uninitialised");
  ok(ts && ts[0] == NULL && ts[1] != NULL, "a thread state for testplug only");
  plugins_thread_fini(&set, ts);
  plugins_free(&set);
}

/* The real plugins, initialised with in; returns the plugins_init code. */
static int load_real(env *e, plugin_set *set, ini *in, cl_error *err) {
  memset(err, 0, sizeof *err);
  if (plugins_load_dir(set, e->p.real, err)) return err->code;
  return plugins_init(set, &e->host, in ? &in->cfg : NULL, err);
}

static void test_config_errors(env *e) {
  plugin_set set = {0};
  cl_error err;
  ini in;

  ini_init(&in);
  ini_section(&in, "goe", 7);
  is_int(load_real(e, &set, &in, &err), CL_EXIT_CONFIG, "[plugin.goe]: config error");
  like(err.msg, "engine.ini:7: [plugin.goe] names no loaded plugin (loaded: dates, "
       "geo, rfm, txt)", "names the line and the loaded plugins");
  like(err.msg, "did you mean [plugin.geo]?", "suggests geo");
  ok(!set.v[0].initialised, "nothing initialised");
  plugins_free(&set);

  ini_init(&in);
  ini_section(&in, "zzzzzz", 3);
  load_real(e, &set, &in, &err);
  like(err.msg, "engine.ini:3: [plugin.zzzzzz] names no loaded plugin (loaded: dates, "
       "geo, rfm, txt); remove the section", "no suggestion when nothing is close");
  plugins_free(&set);

  ini_init(&in);
  ini_section(&in, "rfm", 8);
  ini_key(&in, "recency_days", "30,60,120,240", 9);
  ini_key(&in, "recency", "1,2,3,4", 10);
  is_int(load_real(e, &set, &in, &err), CL_EXIT_CONFIG, "unknown key: config error");
  like(err.msg, "engine.ini:10: unknown key 'recency' in [plugin.rfm] (did you mean "
       "'recency_days'?); rfm accepts: recency_days, frequency, monetary",
       "names line, key, suggestion and the accepted keys");
  plugins_free(&set);

  ini_init(&in);
  ini_section(&in, "rfm", 8);
  ini_key(&in, "monetray", "1,2,3,4", 9);
  load_real(e, &set, &in, &err);
  like(err.msg, "engine.ini:9: unknown key 'monetray' in [plugin.rfm] (did you mean "
       "'monetary'?)", "a typo gets a suggestion");
  plugins_free(&set);

  ini_init(&in);
  ini_section(&in, "geo", 2);
  ini_key(&in, "country", "GB", 3);
  load_real(e, &set, &in, &err);
  like(err.msg, "engine.ini:3: unknown key 'country' in [plugin.geo]; geo accepts no "
       "keys", "a plugin without keys");
  plugins_free(&set);

  ini_init(&in);
  ini_section(&in, "rfm", 2);
  ini_section(&in, "rfm", 12);
  load_real(e, &set, &in, &err);
  like(err.msg, "engine.ini:12: [plugin.rfm] appears twice (first at line 2)",
       "a repeated section");
  plugins_free(&set);
}

static void test_rfm_config(env *e) {
  static const char *const bad[][3] = {
      {"recency_days", "30,60,120", "recency_days = 30,60,120: it has 3 numbers, not 4"},
      {"recency_days", "30,60,60,240", "recency_days = 30,60,60,240: the numbers must increase"},
      {"frequency", "2,5,10,20", "frequency = 2,5,10,20: the numbers must decrease"},
      {"monetary", "3000,1500,abc,200", "monetary = 3000,1500,abc,200: that is not a list"},
      {"monetary", "5,4,3,2,1", "it has more than 4 numbers"},
      {"frequency", "9,8,7,x", "frequency = 9,8,7,x: that is not a list of numbers"},
  };
  plugin_set set = {0};
  cl_error err;
  ini in;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ini_init(&in);
    ini_section(&in, "rfm", 20);
    ini_key(&in, bad[i][0], bad[i][1], 21);
    is_int(load_real(e, &set, &in, &err), CL_EXIT_PLUGIN, "rfm %s = %s refused",
           bad[i][0], bad[i][1]);
    like(err.msg, "rfm.so: init failed: engine.ini:21: [plugin.rfm] ", "names file and line");
    like(err.msg, bad[i][2], "says what is wrong");
    plugins_free(&set);
  }

  char buf[64];
  ini_init(&in);
  ini_section(&in, "rfm", 20);
  ini_key(&in, "recency_days", "1,2,3,4", 21);
  ini_key(&in, "recency_days", " 10, 20 ,30,40 ", 22);
  is_int(load_real(e, &set, &in, &err), 0, "rfm with recency_days set (twice: last wins)");
  call k = call_open(e, &set, "rfm", "recency", NULL);
  is_str(eval1(&k, v_num(10), buf, sizeof buf), "5", "configured recency: 10 -> 5");
  is_str(eval1(&k, v_num(11), buf, sizeof buf), "4", "configured recency: 11 -> 4");
  is_str(eval1(&k, v_num(41), buf, sizeof buf), "1", "configured recency: 41 -> 1");
  call_close(&k);
  k = call_open(e, &set, "rfm", "frequency", NULL);
  is_str(eval1(&k, v_num(20), buf, sizeof buf), "5", "frequency keeps its default");
  call_close(&k);
  plugins_free(&set);
}

/* ---- host table ---------------------------------------------------------- */

static void test_host(env *e) {
  cleave_err perr;
  cleave_config_entry ents[] = {{"a", "1", 1}, {"b", "2", 2}, {"a", "3", 3}};
  cleave_config cc = {"engine.ini", ents, 3, NULL};
  int32_t d = 0;
  const cleave_host *h = &e->host;
  ok(h->abi_major == CLEAVE_ABI_MAJOR && h->abi_minor == CLEAVE_ABI_MINOR &&
         h->struct_size == sizeof(cleave_host), "host: ABI version and size");
  is_int(h->errorf(&perr, "bad %s %d", "x", 3), CLEAVE_ERR, "errorf returns CLEAVE_ERR");
  is_str(perr.msg, "bad x 3", "errorf formats into msg");
  char longs[400];
  memset(longs, 'x', sizeof longs - 1);
  longs[sizeof longs - 1] = '\0';
  h->errorf(&perr, "%s", longs);
  is_int(strlen(perr.msg), CLEAVE_ERR_MSG_MAX - 1, "errorf truncates at the buffer");
  is_str(h->config_get(&cc, "a"), "3", "config_get: the last matching key");
  is_str(h->config_get(&cc, "b"), "2", "config_get: b");
  ok(h->config_get(&cc, "c") == NULL, "config_get: absent -> NULL");
  cleave_str s = {"2026-10-31xyz", 10};
  ok(h->parse_date(s, &d) == 0 && d == date_from_civil(2026, 10, 31), "parse_date");
  s.len = 13;
  ok(h->parse_date(s, &d) != 0, "parse_date refuses trailing text");
  cleave_str feb = {"2025-02-29", 10};
  ok(h->parse_date(feb, &d) != 0, "parse_date refuses 2025-02-29");

  char *logbuf = NULL;
  size_t loglen = 0;
  FILE *mem = open_memstream(&logbuf, &loglen);
  logger lg;
  cleave_host h2;
  log_init(&lg, LOG_WARNING, mem);
  host_api_make(&h2, &lg);
  h2.log(h2.host_ctx, LOG_WARNING, "geo: %d codes", 3);
  h2.log(h2.host_ctx, LOG_DEBUG, "dropped");
  fclose(mem);
  is_str(logbuf, "cleave: warning: plugin: geo: 3 codes\n", "log: prefixed, level-filtered");
  free(logbuf);
}

/* ---- dates --------------------------------------------------------------- */

static void test_dates(env *e, const plugin_set *set) {
  char buf[64];
  cleave_value c2[2], c3[3];
  call k = call_open(e, set, "dates", "days_since", NULL);
  is_int(k.rc, 0, "dates.days_since compiles");
  is_str(eval1(&k, v_date(2026, 10, 31), buf, sizeof buf), "1", "days_since(2026-10-31) = 1");
  is_str(eval1(&k, v_date(2026, 11, 1), buf, sizeof buf), "0", "days_since(as_of) = 0");
  is_str(eval1(&k, v_date(2026, 11, 5), buf, sizeof buf), "-4", "future date: negative");
  is_str(eval1(&k, v_date(2025, 11, 1), buf, sizeof buf), "365", "a year back: 365");
  is_str(eval1(&k, v_date(2024, 11, 1), buf, sizeof buf), "730", "two years (2025 not leap)");
  is_str(eval1(&k, v_missing(CLEAVE_DATE), buf, sizeof buf), "missing", "missing -> missing");
  call_close(&k);

  c2[0] = v_missing(CLEAVE_DATE);
  c2[1] = v_num(90);
  k = call_open(e, set, "dates", "within_days", c2);
  is_int(k.rc, 0, "within_days(d, 90) compiles");
  is_str(eval1(&k, v_date(2026, 11, 1), buf, sizeof buf), "true", "within_days: 0 days");
  is_str(eval1(&k, v_date(2026, 8, 3), buf, sizeof buf), "true", "within_days: 90 days");
  is_str(eval1(&k, v_date(2026, 8, 2), buf, sizeof buf), "false", "within_days: 91 days");
  is_str(eval1(&k, v_date(2026, 11, 2), buf, sizeof buf), "false", "within_days: -1 day");
  is_str(eval1(&k, v_missing(CLEAVE_DATE), buf, sizeof buf), "missing", "within_days: missing");
  call_close(&k);
  c2[1] = v_num(-1);
  k = call_open(e, set, "dates", "within_days", c2);
  is_int(k.rc, CLEAVE_ERR, "within_days(d, -1) refused");
  like(k.err.msg, "n is -1; it must be 0 or more", "... saying why");
  c2[1] = v_missing(CLEAVE_NUMBER);
  k = call_open(e, set, "dates", "within_days", c2);
  like(k.err.msg, "n must be a number of days", "within_days without n refused");

  c3[0] = v_missing(CLEAVE_DATE);
  c3[1] = v_num(60);
  c3[2] = v_num(180);
  k = call_open(e, set, "dates", "between_days", c3);
  is_int(k.rc, 0, "between_days(d, 60, 180) compiles");
  is_str(eval1(&k, v_date(2026, 9, 3), buf, sizeof buf), "false", "between: 59");
  is_str(eval1(&k, v_date(2026, 9, 2), buf, sizeof buf), "true", "between: 60 (inclusive)");
  is_str(eval1(&k, v_date(2026, 5, 5), buf, sizeof buf), "true", "between: 180 (inclusive)");
  is_str(eval1(&k, v_date(2026, 5, 4), buf, sizeof buf), "false", "between: 181");
  is_str(eval1(&k, v_missing(CLEAVE_DATE), buf, sizeof buf), "missing", "between: missing");
  call_close(&k);
  c3[1] = v_num(180);
  c3[2] = v_num(60);
  k = call_open(e, set, "dates", "between_days", c3);
  is_int(k.rc, CLEAVE_ERR, "between_days(d, 180, 60) refused");
  like(k.err.msg, "a (180) is above b (60); write the smaller number of days first", "why");
  c3[1] = v_num(-10);
  c3[2] = v_num(-1);
  k = call_open(e, set, "dates", "between_days", c3);
  is_str(eval1(&k, v_date(2026, 11, 5), buf, sizeof buf), "true", "between -10..-1: future ok");
  call_close(&k);

  k = call_open(e, set, "dates", "age", NULL);
  is_str(eval1(&k, v_num(1990), buf, sizeof buf), "36", "age(1990) = 36");
  is_str(eval1(&k, v_num(2026), buf, sizeof buf), "0", "age(2026) = 0");
  is_str(eval1(&k, v_num(1900), buf, sizeof buf), "126", "age(1900) = 126");
  is_str(eval1(&k, v_num(1899), buf, sizeof buf), "missing", "age(1899): missing");
  is_str(eval1(&k, v_num(2027), buf, sizeof buf), "missing", "age(2027): future, missing");
  is_str(eval1(&k, v_num(1990.5), buf, sizeof buf), "missing", "age(1990.5): missing");
  is_str(eval1(&k, v_num(NAN), buf, sizeof buf), "missing", "age(NaN): missing");
  is_str(eval1(&k, v_missing(CLEAVE_NUMBER), buf, sizeof buf), "missing", "age(missing)");
  call_close(&k);

  k = call_open(e, set, "dates", "years_since", NULL);
  is_str(eval1(&k, v_date(2000, 11, 1), buf, sizeof buf), "26", "years_since: on the day");
  is_str(eval1(&k, v_date(2000, 11, 2), buf, sizeof buf), "25", "years_since: day before");
  is_str(eval1(&k, v_date(2026, 1, 1), buf, sizeof buf), "0", "years_since: same year");
  is_str(eval1(&k, v_date(2027, 11, 1), buf, sizeof buf), "-1", "years_since: future");
  is_str(eval1(&k, v_date(2026, 11, 2), buf, sizeof buf), "0", "years_since: tomorrow 0");
  is_str(eval1(&k, v_missing(CLEAVE_DATE), buf, sizeof buf), "missing", "years_since: missing");
  call_close(&k);
  env e2 = *e;
  e2.as_of = date_from_civil(2025, 2, 28);
  k = call_open(&e2, set, "dates", "years_since", NULL);
  is_str(eval1(&k, v_date(2024, 2, 29), buf, sizeof buf), "0", "29 Feb: not yet on 28 Feb");
  call_close(&k);
  e2.as_of = date_from_civil(2025, 3, 1);
  k = call_open(&e2, set, "dates", "years_since", NULL);
  is_str(eval1(&k, v_date(2024, 2, 29), buf, sizeof buf), "1", "29 Feb: a year on 1 Mar");
  call_close(&k);
  e2.as_of = date_from_civil(2028, 2, 29);
  k = call_open(&e2, set, "dates", "years_since", NULL);
  is_str(eval1(&k, v_date(2024, 2, 29), buf, sizeof buf), "4", "29 Feb: 4 on 29 Feb 2028");
  call_close(&k);
}

/* dates.parse(text, fmt) on each text: the expected ISO date or "missing". */
static void parse_case(env *e, const plugin_set *set, const char *fmt, const char *text,
                       const char *want) {
  char buf[64];
  cleave_value c2[2] = {v_missing(CLEAVE_TEXT), v_text(fmt)};
  call k = call_open(e, set, "dates", "parse", c2);
  if (k.rc) {
    ok(0, "parse(\"%s\", \"%s\"): compile failed: %s", text, fmt, k.err.msg);
    return;
  }
  is_str(eval1(&k, v_text(text), buf, sizeof buf), want, "parse(\"%s\", \"%s\") = %s",
         text, fmt, want);
  call_close(&k);
}

static void bad_format(env *e, const plugin_set *set, const char *fmt, const char *want) {
  cleave_value c2[2] = {v_missing(CLEAVE_TEXT), v_text(fmt)};
  call k = call_open(e, set, "dates", "parse", c2);
  is_int(k.rc, CLEAVE_ERR, "format \"%s\" refused", fmt);
  like(k.err.msg, want, "... %s", want);
  call_close(&k);
}

static void test_parse(env *e, const plugin_set *set) {
  static const char *const cases[][3] = {
      {"%d-%b-%y", "4-Sep-12", "2012-09-04"},
      {"%d-%b-%y", "04-sep-12", "2012-09-04"},
      {"%d-%b-%y", "4-SEPTEMBER-12", "2012-09-04"},
      {"%d-%b-%y", "31-Feb-12", "missing"},
      {"%d-%b-%y", "4-Sept-12", "missing"},
      {"%d-%b-%y", "4-Sep-12 ", "missing"},
      {"%d-%b-%y", "", "missing"},
      {"%d-%b-%y", "123-Sep-12", "missing"},
      {"%d/%m/%Y", "29/02/2024", "2024-02-29"},
      {"%d/%m/%Y", "29/02/2023", "missing"},
      {"%d/%m/%Y", "29/02/2000", "2000-02-29"},
      {"%d/%m/%Y", "29/02/1900", "missing"},
      {"%d/%m/%Y", "1/1/2020", "2020-01-01"},
      {"%d/%m/%Y", "00/01/2020", "missing"},
      {"%d/%m/%Y", "01/13/2020", "missing"},
      {"%d/%m/%Y", "01/01/20", "missing"},
      {"%m/%d/%y", "12/31/69", "1969-12-31"},
      {"%m/%d/%y", "01/01/68", "2068-01-01"},
      {"%m/%d/%y", "01/01/00", "2000-01-01"},
      {"%m/%d/%y", "1/1/9", "2009-01-01"},
      {"%B %e, %Y", "September  4, 2012", "2012-09-04"},
      {"%B %e, %Y", "march 14,2015", "2015-03-14"},
      {"%Y%m%d", "20121004", "2012-10-04"},
      {"%Y%%%m%%%d", "2012%10%04", "2012-10-04"},
      {"%Y%%%m%%%d", "2012-10-04", "missing"},
      {"%Y-%m-%dT", "2012-10-04T", "2012-10-04"},
      {"%e.%m.%Y", " 7.10.2012", "2012-10-07"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    parse_case(e, set, cases[i][0], cases[i][1], cases[i][2]);

  call k = call_open(e, set, "dates", "parse", (cleave_value[]){v_missing(CLEAVE_TEXT),
                                                                  v_text("%Y-%m-%d")});
  char buf[64];
  is_str(eval1(&k, v_missing(CLEAVE_TEXT), buf, sizeof buf), "missing", "parse(missing)");
  call_close(&k);

  bad_format(e, set, "%d-%Q-%Y", "unknown directive %Q");
  bad_format(e, set, "%d-%m-%Y%", "a lone % at the end");
  bad_format(e, set, "%d-%m", "it has no year");
  bad_format(e, set, "%d %Y", "it has no month");
  bad_format(e, set, "%m %Y", "it has no day");
  bad_format(e, set, "%d %d %m %Y", "it gives the day twice");
  bad_format(e, set, "", "the format must be a text");
}

/* ---- geo ----------------------------------------------------------------- */

static void text_case(const call *k, const char *in, const char *want, const char *what) {
  char buf[2048];
  is_str(eval1(k, v_text(in), buf, sizeof buf), want, "%s(\"%s\") = %s", what, in, want);
}

static void test_geo(env *e, const plugin_set *set) {
  static const char *const areas[][2] = {
      {"sw1a 1aa", "'SW'"}, {"EC2V7HH", "'EC'"}, {"EH1 1YZ", "'EH'"}, {"E1 6AN", "'E'"},
      {"w1", "'W'"},        {"10012", "''"},     {"", "''"},           {" SW1", "''"},
      {"nw", "'NW'"},
  };
  static const char *const outwards[][2] = {
      {"SW1A 1AA", "'SW1A'"}, {"sw1a1aa", "'SW1A'"}, {"EC2V 7HH", "'EC2V'"},
      {"  e1 6an ", "'E1'"},  {"E16AN", "'E1'"},     {"1AA", "missing"},
      {"", "missing"},        {"   ", "missing"},    {"W1A  0AX", "'W1A'"},
  };
  char buf[2048];
  call k = call_open(e, set, "geo", "postal_area", NULL);
  ok(k.rc == 0 && k.ts != NULL, "postal_area compiles; geo has a thread state");
  for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++)
    text_case(&k, areas[i][0], areas[i][1], "postal_area");
  is_str(eval1(&k, v_missing(CLEAVE_TEXT), buf, sizeof buf), "missing", "postal_area(missing)");
  cleave_value out = call_eval(&k, (cleave_value[]){v_text("123")});
  ok(!out.missing && out.u.str.len == 0 && out.u.str.ptr != NULL,
     "a leading digit gives an empty text (not missing, non-NULL pointer)");
  char *big = malloc(3000);
  memset(big, 'q', 2999);
  big[2999] = '\0';
  out = call_eval(&k, (cleave_value[]){v_text(big)});
  ok(!out.missing && out.u.str.len == 1024 && out.u.str.ptr[1023] == 'Q',
     "an overlong area is cut to the 1024-byte thread buffer");
  free(big);
  /* thread_init failed (NULL state): missing rather than a crash */
  void *ts = k.ts;
  k.ts = NULL;
  is_str(eval1(&k, v_text("SW1"), buf, sizeof buf), "missing", "no thread state: missing");
  k.ts = ts;

  call o = call_open(e, set, "geo", "outward", NULL);
  for (size_t i = 0; i < sizeof outwards / sizeof outwards[0]; i++)
    text_case(&o, outwards[i][0], outwards[i][1], "outward");
  is_str(eval1(&o, v_missing(CLEAVE_TEXT), buf, sizeof buf), "missing", "outward(missing)");

  /* geo feeding geo on one thread: the argument is in the thread buffer. */
  void *o_ts = o.ts;
  o.ts = k.ts;
  out = call_eval(&o, (cleave_value[]){v_text("ec2v 7hh")});
  cleave_value nested = call_eval(&k, &out);
  is_str(show(&nested, buf, sizeof buf), "'EC'", "postal_area(outward(x)) on one thread");
  o.ts = o_ts;

  /* Results of two call sites on one thread state made after both were
  ** compiled: the first stays valid while the second runs (an engine may
  ** cache it for the record). */
  const loaded_plugin *geo = plugins_find(set, "geo");
  void *shared = NULL;
  cleave_err te;
  ok(geo->desc->thread_init(geo->state, &shared, &te) == CLEAVE_OK && shared,
     "geo thread_init makes a thread state");
  void *ks = k.ts, *os = o.ts;
  k.ts = o.ts = shared;
  cleave_value area = call_eval(&k, (cleave_value[]){v_text("sw1a 1aa")});
  out = call_eval(&o, (cleave_value[]){v_text("ec2v 7hh")});
  is_str(show(&area, buf, sizeof buf), "'SW'", "postal_area result survives outward");
  is_str(show(&out, buf, sizeof buf), "'EC2V'", "... and outward's is its own");
  /* a site compiled after the thread state was made shares the overflow slot */
  call late = call_open(e, set, "geo", "outward", NULL);
  void *ls = late.ts;
  late.ts = shared;
  cleave_value lo = call_eval(&late, (cleave_value[]){v_text("n1 9gu")});
  is_str(show(&lo, buf, sizeof buf), "'N1'", "a late call site still works");
  is_str(show(&area, buf, sizeof buf), "'SW'", "... without touching an earlier site's slot");
  late.ts = ls;
  call_close(&late);
  geo->desc->thread_fini(geo->state, shared);
  k.ts = ks;
  o.ts = os;
  call_close(&o);
  call_close(&k);

  cleave_value c2[2] = {v_missing(CLEAVE_TEXT), v_num(3)};
  k = call_open(e, set, "geo", "prefix", c2);
  is_int(k.rc, 0, "prefix(code, 3) compiles");
  text_case(&k, "10012", "'100'", "prefix3");
  text_case(&k, "100", "'100'", "prefix3");
  text_case(&k, "SW", "missing", "prefix3");
  text_case(&k, "", "missing", "prefix3");
  text_case(&k, "sw1a", "'sw1'", "prefix3");
  is_str(eval1(&k, v_missing(CLEAVE_TEXT), buf, sizeof buf), "missing", "prefix(missing)");
  call_close(&k);
  for (int i = 0; i < 3; i++) {
    double bad[] = {0, 2.5, -1};
    c2[1] = v_num(bad[i]);
    k = call_open(e, set, "geo", "prefix", c2);
    is_int(k.rc, CLEAVE_ERR, "prefix(code, %g) refused", bad[i]);
    like(k.err.msg, "n must be a whole number", "... saying why");
  }
}

/* ---- rfm ----------------------------------------------------------------- */

static void score_cases(const call *k, const double *in, const char *const *want,
                        size_t n, const char *what) {
  char buf[64];
  for (size_t i = 0; i < n; i++)
    is_str(eval1(k, v_num(in[i]), buf, sizeof buf), want[i], "%s(%g) = %s", what, in[i],
           want[i]);
  is_str(eval1(k, v_missing(CLEAVE_NUMBER), buf, sizeof buf), "1", "%s(missing) = 1", what);
  is_str(eval1(k, v_num(NAN), buf, sizeof buf), "1", "%s(NaN) = 1", what);
}

static void test_rfm(env *e, const plugin_set *set) {
  static const double rd[] = {-5, 0, 30, 31, 60, 61, 120, 121, 240, 241, 10000};
  static const char *const rw[] = {"5", "5", "5", "4", "4", "3", "3", "2", "2", "1", "1"};
  static const double fd[] = {60, 20, 19, 10, 9, 5, 4, 2, 1, 0};
  static const char *const fw[] = {"5", "5", "4", "4", "3", "3", "2", "2", "1", "1"};
  static const double md[] = {3000, 2999.99, 1500, 1499.99, 600, 599.99, 200, 199.99, 0};
  static const char *const mw[] = {"5", "4", "4", "3", "3", "2", "2", "1", "1"};
  call k = call_open(e, set, "rfm", "recency", NULL);
  is_int(k.rc, 0, "rfm.recency compiles");
  score_cases(&k, rd, rw, sizeof rd / sizeof rd[0], "recency");
  call_close(&k);
  k = call_open(e, set, "rfm", "frequency", NULL);
  score_cases(&k, fd, fw, sizeof fd / sizeof fd[0], "frequency");
  call_close(&k);
  k = call_open(e, set, "rfm", "monetary", NULL);
  score_cases(&k, md, mw, sizeof md / sizeof md[0], "monetary");
  call_close(&k);

  char buf[64];
  cleave_value c2[2] = {v_missing(CLEAVE_NUMBER), v_text("7,14,28,56")};
  k = call_open(e, set, "rfm", "recency", c2);
  is_int(k.rc, 0, "recency with a thresholds override compiles");
  is_str(eval1(&k, v_num(8), buf, sizeof buf), "4", "override: 8 -> 4");
  is_str(eval1(&k, v_num(57), buf, sizeof buf), "1", "override: 57 -> 1");
  call_close(&k);
  c2[1] = v_text("100,50,10,5");
  k = call_open(e, set, "rfm", "recency", c2);
  is_int(k.rc, CLEAVE_ERR, "a decreasing recency override is refused");
  like(k.err.msg, "thresholds \"100,50,10,5\": the numbers must increase",
       "... naming the criterion and the text");
  c2[1] = v_num(3);
  k = call_open(e, set, "rfm", "monetary", c2);
  like(k.err.msg, "thresholds must be a text", "a number override refused");

  /* retail-v1 rule 24 shape: rfm.recency(dates.days_since(last_purchase)) */
  call ds = call_open(e, set, "dates", "days_since", NULL);
  k = call_open(e, set, "rfm", "recency", NULL);
  cleave_value days = call_eval(&ds, (cleave_value[]){v_date(2026, 9, 2)});
  cleave_value r = call_eval(&k, (cleave_value[]){days, v_missing(CLEAVE_TEXT)});
  is_str(show(&r, buf, sizeof buf), "4", "recency(days_since(2026-09-02)) = 4 (60 days)");
  days = call_eval(&ds, (cleave_value[]){v_missing(CLEAVE_DATE)});
  r = call_eval(&k, (cleave_value[]){days, v_missing(CLEAVE_TEXT)});
  is_str(show(&r, buf, sizeof buf), "1", "recency(days_since(missing)) = 1");
  call_close(&k);
  call_close(&ds);
}

/* ---- the real plugins' descriptors --------------------------------------- */

static void test_descriptors(const plugin_set *set) {
  static const char *const want[][7] = {
      {"dates", "days_since", "within_days", "between_days", "age", "years_since", "parse"},
      {"geo", "postal_area", "prefix", "outward", NULL, NULL, NULL},
      {"rfm", "recency", "frequency", "monetary", NULL, NULL, NULL},
  };
  for (size_t i = 0; i < 3; i++) {
    const loaded_plugin *lp = plugins_find(set, want[i][0]);
    ok(lp != NULL, "%s is loaded", want[i][0]);
    for (size_t j = 1; lp && j < 7 && want[i][j]; j++)
      ok(find_crit(lp, want[i][j]) != NULL, "%s.%s exists", want[i][0], want[i][j]);
  }
  const loaded_plugin *rfm = plugins_find(set, "rfm");
  const cleave_criterion *c = find_crit(rfm, "recency");
  like(c ? c->help : NULL, "missing days -> 1", "rfm help documents missing -> 1");
}

static void test_real(env *e) {
  plugin_set set = {0};
  cl_error err;
  is_int(load_real(e, &set, NULL, &err), 0, "dates, geo, rfm load and init (no config)");
  if (err.code) {
    diag("%s", err.msg);
    return;
  }
  test_descriptors(&set);
  test_dates(e, &set);
  test_parse(e, &set);
  test_geo(e, &set);
  test_rfm(e, &set);
  plugins_free(&set);
}

/* ---- the template plugin ------------------------------------------------- */

static void test_template(env *e) {
  char path[PATH_MAX], buf[64];
  plugin_set set = {0};
  cl_error err = {0};
  ini in;
  path_of(path, e->p.extra, "template.so");
  is_int(plugins_load_file(&set, path, &err), 0, "plugins-extra/template.so loads");
  if (err.code) {
    diag("%s", err.msg);
    return;
  }
  ini_init(&in);
  ini_section(&in, "template", 1);
  ini_key(&in, "log_calls", "maybe", 2);
  is_int(plugins_init(&set, &e->host, &in.cfg, &err), CL_EXIT_CONFIG,
         "bad log_calls: a config error (typed key), exit 3");
  like(err.msg, "engine.ini:2: [plugin.template] log_calls = maybe: not yes or no; write "
       "yes or no", "the engine's message names the line");
  ini_init(&in);
  ini_section(&in, "template", 1);
  ini_key(&in, "separators", ",;", 2);
  ini_key(&in, "log_calls", "no", 3);
  is_int(plugins_init(&set, &e->host, &in.cfg, &err), 0, "template init");
  call k = call_open(e, &set, "template", "word_count", NULL);
  is_int(k.rc, 0, "word_count(text) compiles");
  text_case(&k, "a b  c", "3", "word_count");
  text_case(&k, "one,two;;three", "3", "word_count");
  text_case(&k, "", "0", "word_count");
  text_case(&k, " ,; ", "0", "word_count");
  is_str(eval1(&k, v_missing(CLEAVE_TEXT), buf, sizeof buf), "missing", "word_count(missing)");
  call_close(&k);
  cleave_value c2[2] = {v_missing(CLEAVE_TEXT), v_num(5)};
  k = call_open(e, &set, "template", "word_count", c2);
  text_case(&k, "the quick brown fox", "2", "word_count5");
  call_close(&k);
  c2[1] = v_num(0);
  k = call_open(e, &set, "template", "word_count", c2);
  is_int(k.rc, CLEAVE_ERR, "word_count(text, 0) refused");
  like(k.err.msg, "min_length must be a whole number from 1 to 1000", "... saying why");
  plugins_free(&set);
}

/* ---- trust and ELF checks (before dlopen) -------------------------------- */

/* A scratch tree under /tmp, modes set explicitly (not left to the umask). */
typedef struct scratch {
  char root[PATH_MAX]; /* mkdtemp, 0755 */
  int ok;
} scratch;

static int copy_file(const char *src, const char *dst, mode_t mode) {
  FILE *in = fopen(src, "rb"), *out = in ? fopen(dst, "wb") : NULL;
  char buf[8192];
  size_t n;
  int rc = in && out ? 0 : -1;
  while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, n, out) != n) rc = -1;
  if (in) fclose(in);
  if (out && fclose(out) != 0) rc = -1;
  return rc ? rc : chmod(dst, mode);
}

/* Overwrite n bytes at off of path. */
static int patch_file(const char *path, long off, const void *bytes, size_t n) {
  FILE *f = fopen(path, "r+b");
  int rc = f && fseek(f, off, SEEK_SET) == 0 && fwrite(bytes, 1, n, f) == n ? 0 : -1;
  if (f && fclose(f) != 0) rc = -1;
  return rc;
}

static int mkdir_mode(const char *path, mode_t mode) {
  return mkdir(path, 0700) == 0 && chmod(path, mode) == 0 ? 0 : -1;
}

static void sub(char *buf, const scratch *s, const char *rel) {
  if (snprintf(buf, PATH_MAX, "%s/%s", s->root, rel) >= PATH_MAX) {
    printf("Bail out! path too long: %s/%s\n", s->root, rel);
    exit(1);
  }
}

static void scratch_rm(const char *path) {
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
  if (system(cmd) != 0) diag("could not remove %s", path);
}

/* Load path; expect CL_EXIT_PLUGIN and a message holding path, want and
** want2 (NULL: not checked). */
static void trust_refused(const char *path, const char *want, const char *want2,
                          const char *what) {
  plugin_set set = {0};
  cl_error err = {0};
  int rc = plugins_load_file(&set, path, &err);
  ok(rc == CL_EXIT_PLUGIN && set.n == 0, "%s: refused with exit code %d", what,
     CL_EXIT_PLUGIN);
  like(err.msg, path, "%s: the message names the file", what);
  like(err.msg, want, "%s: the message says why", what);
  if (want2) like(err.msg, want2, "%s: ... and what to do", what);
  diag("%s", err.msg);
  plugins_free(&set);
}

static void trust_loads(const char *path, const char *what) {
  plugin_set set = {0};
  cl_error err = {0};
  is_int(plugins_load_file(&set, path, &err), 0, "%s: loads", what);
  if (err.code) diag("%s", err.msg);
  plugins_free(&set);
}

/* The folder and file modes, sticky folders above, symlinks. */
static void trust_modes(const env *e, const scratch *s) {
  char good[PATH_MAX], dir[PATH_MAX], so[PATH_MAX], msg[PATH_MAX + 128], real[PATH_MAX];
  path_of(good, e->p.test, "good.so");
  sub(dir, s, "p");
  sub(so, s, "p/good.so");
  if (mkdir_mode(dir, 0755) || copy_file(good, so, 0644) || !realpath(dir, real)) {
    ok(0, "scratch plugin folder: %s", strerror(errno));
    return;
  }
  trust_loads(so, "good.so in a 0755 folder, 0644 file");

  static const struct { mode_t mode; const char *who, *fix; } modes[] = {
      {0775, "writable by group (mode 0775)", "chmod g-w"},
      {0757, "writable by others (mode 0757)", "chmod o-w"},
      {0777, "writable by group and others (mode 0777)", "chmod go-w"},
      {01777, "writable by group and others (mode 1777)", "chmod go-w"}};
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
    char what[64];
    snprintf(what, sizeof what, "plugin folder mode %04o", (unsigned)modes[i].mode);
    chmod(dir, modes[i].mode);
    snprintf(msg, sizeof msg, "plugin folder %s is %s", real, modes[i].who);
    trust_refused(so, msg, modes[i].fix, what);
  }
  chmod(dir, 0755);

  plugin_set set = {0};
  cl_error err = {0};
  chmod(dir, 0775);
  is_int(plugins_load_dir(&set, dir, &err), CL_EXIT_PLUGIN,
         "plugins_load_dir: a group-writable folder is refused");
  like(err.msg, "is writable by group (mode 0775)", "... saying why");
  ok(strncmp(err.msg, dir, strlen(dir)) == 0, "... naming the folder first");
  plugins_free(&set);
  chmod(dir, 0755);

  chmod(so, 0664);
  trust_refused(so, "the plugin file is writable by group (mode 0664)", "chmod g-w", "file 0664");
  chmod(so, 0646);
  trust_refused(so, "the plugin file is writable by others (mode 0646)", "chmod o-w", "file 0646");
  chmod(so, 0644);

  /* A folder above the plugin folder: writable by others only if sticky
  ** and owned by root (like /tmp). */
  char top[PATH_MAX], deep[PATH_MAX], deepso[PATH_MAX], rtop[PATH_MAX];
  sub(top, s, "top");
  sub(deep, s, "top/p");
  sub(deepso, s, "top/p/good.so");
  if (mkdir_mode(top, 0755) || mkdir_mode(deep, 0755) || copy_file(good, deepso, 0644) ||
      !realpath(top, rtop)) {
    ok(0, "scratch nested folder: %s", strerror(errno));
    return;
  }
  chmod(top, 0777);
  snprintf(msg, sizeof msg, "%s, a folder on the plugin's path, is writable by group and "
           "others (mode 0777)", rtop);
  trust_refused(deepso, msg, "chmod go-w", "world-writable folder above");
  chmod(top, 0775);
  trust_refused(deepso, "is writable by group (mode 0775)", NULL, "group-writable folder above");
  chmod(top, 01777);
  if (geteuid() == 0) trust_loads(deepso, "sticky root-owned folder above (like /tmp)");
  else trust_refused(deepso, "is writable by", NULL, "sticky folder above, not root's");
  chmod(top, 0755);

  /* Symlinks: followed, and the target's folders are checked too. */
  char link[PATH_MAX];
  sub(link, s, "p/link.so");
  if (symlink(deepso, link) != 0) {
    ok(0, "symlink: %s", strerror(errno));
    return;
  }
  trust_loads(link, "a symlink to a trusted file");
  char rdeep[PATH_MAX];
  if (realpath(deep, rdeep)) {
    chmod(deep, 0777);
    snprintf(msg, sizeof msg, "symlink target folder %s is writable by group and others", rdeep);
    trust_refused(link, msg, NULL, "a symlink into a world-writable folder");
    chmod(deep, 0755);
  }
  chmod(deepso, 0666);
  trust_refused(link, "the plugin file is writable by group and others", NULL,
                "a symlink to a world-writable file");
  chmod(deepso, 0644);

  /* Not regular files. A loader that opens a FIFO without O_NONBLOCK hangs
  ** there: the alarm turns that into a failure. */
  char odd[PATH_MAX], fifo[PATH_MAX];
  sub(odd, s, "p/dir.so");
  if (mkdir_mode(odd, 0755) == 0) trust_refused(odd, "not a regular file", NULL, "a folder");
  sub(fifo, s, "fifo");
  sub(odd, s, "p/fifo.so");
  if (mkfifo(fifo, 0644) == 0 && chmod(fifo, 0644) == 0 && symlink(fifo, odd) == 0) {
    alarm(30);
    trust_refused(odd, "not a regular file", NULL, "a symlink to a FIFO");
    alarm(0);
  }
}

/* Files and folders of another user (65534, nobody): needs chown. */
static void trust_owner(const env *e, const scratch *s) {
  char good[PATH_MAX], dir[PATH_MAX], so[PATH_MAX], real[PATH_MAX], msg[PATH_MAX + 64];
  path_of(good, e->p.test, "good.so");
  sub(dir, s, "o");
  sub(so, s, "o/good.so");
  if (mkdir_mode(dir, 0755) || copy_file(good, so, 0644) || !realpath(dir, real)) {
    ok(0, "scratch folder for owners: %s", strerror(errno));
    return;
  }
  if (geteuid() == 65534 || chown(so, 65534, (gid_t)-1) != 0) {
    ok(1, "# SKIP chown to uid 65534 not permitted (%s): owner checks not run",
       strerror(errno));
    return;
  }
  snprintf(msg, sizeof msg, "plugin file %s is owned by uid 65534", so);
  trust_refused(so, msg, "chown root", "a file owned by another user");
  if (chown(so, geteuid(), (gid_t)-1) != 0 || chown(dir, 65534, (gid_t)-1) != 0) {
    ok(0, "chown back: %s", strerror(errno));
    return;
  }
  snprintf(msg, sizeof msg, "plugin folder %s is owned by uid 65534", real);
  trust_refused(so, msg, NULL, "a folder owned by another user");
  chown(dir, geteuid(), (gid_t)-1);
  trust_loads(so, "owned by the user again");
}

/* A copy of the test plugin src with bytes patched at off; its path in out. */
static int patched(const env *e, const scratch *s, const char *src, const char *name,
                   long off, const void *bytes, size_t n, char *out) {
  char from[PATH_MAX];
  path_of(from, e->p.test, src);
  sub(out, s, name);
  return copy_file(from, out, 0644) || (n && patch_file(out, off, bytes, n));
}

/* Refusals from the file's ELF header and .dynsym: nothing of it runs. */
static void elf_checks(const env *e, const scratch *s) {
  char path[PATH_MAX], marker[PATH_MAX], dir[PATH_MAX];
  struct stat st;
  sub(dir, s, "elf");
  sub(marker, s, "marker");
  if (mkdir_mode(dir, 0755)) {
    ok(0, "scratch elf folder: %s", strerror(errno));
    return;
  }
  setenv("CLEAVE_TEST_CTOR_MARKER", marker, 1);

  path_of(path, e->p.test, "ctor_no_entry.so");
  trust_refused(path, "no cleave_plugin_entry symbol", "nothing in it was run",
                "a constructor and no entry symbol");
  ok(stat(marker, &st) != 0, "... and its constructor did not run (no %s)", marker);
  unlink(marker);

  /* Another machine: e_machine is the 2 bytes at offset 18 (class-independent). */
  const ElfW(Ehdr) *host = &__ehdr_start;
  uint16_t other = host->e_machine == EM_S390 ? EM_X86_64 : EM_S390;
  if (!patched(e, s, "ctor_no_entry.so", "elf/machine.so", 18, &other, 2, path)) {
    char want[96];
    snprintf(want, sizeof want, "built for another kind of machine (ELF machine %u, this "
             "cleave is %u)", (unsigned)other, (unsigned)host->e_machine);
    trust_refused(path, want, "rebuild the plugin on this machine", "another machine");
    ok(stat(marker, &st) != 0, "... and its constructor did not run");
    unlink(marker);
  }
  unsigned char cls = host->e_ident[EI_CLASS] == ELFCLASS64 ? ELFCLASS32 : ELFCLASS64;
  if (!patched(e, s, "good.so", "elf/class.so", EI_CLASS, &cls, 1, path))
    trust_refused(path, cls == ELFCLASS32 ? "a 32-bit ELF file, this cleave is 64-bit"
                                          : "a 64-bit ELF file, this cleave is 32-bit",
                  NULL, "another ELF class");
  uint16_t rel = ET_REL;
  if (!patched(e, s, "good.so", "elf/rel.so", 16, &rel, 2, path))
    trust_refused(path, "an object file (.o), not a shared object", "-shared", "an ET_REL file");
  ElfW(Off) zero = 0;
  if (!patched(e, s, "good.so", "elf/noshdr.so", (long)offsetof(ElfW(Ehdr), e_shoff), &zero,
               sizeof zero, path))
    trust_refused(path, "has no dynamic symbol table", NULL, "no section headers");
  ElfW(Off) far = (ElfW(Off))1 << 40;
  if (!patched(e, s, "good.so", "elf/farshdr.so", (long)offsetof(ElfW(Ehdr), e_shoff), &far,
               sizeof far, path))
    trust_refused(path, "damaged or truncated ELF file (bad section header table)", NULL,
                  "section headers past the end");

  sub(path, s, "elf/text.so");
  FILE *f = fopen(path, "w");
  if (f) {
    fputs("#!/bin/sh\necho not a plugin\n", f);
    fclose(f);
    chmod(path, 0644);
    trust_refused(path, "not an ELF shared object", NULL, "a text file");
  }
  path_of(path, e->p.test, "good.so");
  char cut[PATH_MAX];
  sub(cut, s, "elf/cut.so");
  if (copy_file(path, cut, 0644) == 0 && truncate(cut, 40) == 0)
    trust_refused(cut, "damaged or truncated ELF file (shorter than its header)", NULL,
                  "a truncated file");
  unsetenv("CLEAVE_TEST_CTOR_MARKER");
}

static void test_trust(env *e) {
  scratch s;
  snprintf(s.root, sizeof s.root, "/tmp/cleave-trust-XXXXXX");
  if (!mkdtemp(s.root) || chmod(s.root, 0755) != 0) {
    ok(0, "mkdtemp: %s", strerror(errno));
    return;
  }
  elf_checks(e, &s);
  trust_owner(e, &s);
  trust_modes(e, &s); /* last: an old loader hangs on its FIFO (see there) */
  scratch_rm(s.root);
}

static void set_paths(paths *p, const char *argv0) {
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s", argv0);
  const char *dir = dirname(tmp);
  if (snprintf(p->test, sizeof p->test, "%s/plugins/", dir) >= (int)sizeof p->test ||
      snprintf(p->real, sizeof p->real, "%s/../plugins/", dir) >= (int)sizeof p->real ||
      snprintf(p->extra, sizeof p->extra, "%s/../plugins-extra/", dir) >=
          (int)sizeof p->extra) {
    printf("Bail out! path too long: %s\n", dir);
    exit(1);
  }
}

int main(int argc, char **argv) {
  env e;
  (void)argc;
  memset(&e, 0, sizeof e);
  set_paths(&e.p, argv[0]);
  log_init(&e.lg, LOG_WARNING, stderr);
  host_api_make(&e.host, &e.lg);
  e.as_of = date_from_civil(2026, 11, 1);

  test_host(&e);
  test_good(&e);
  test_refusals(&e);
  test_bad_descriptors(&e);
  test_dirs(&e);
  test_trust(&e);
  test_init_fails(&e);
  test_config_errors(&e);
  test_rfm_config(&e);
  test_real(&e);
  test_template(&e);
  test_abi10(&e);
  test_path(&e);
  test_lazy(&e);
  return done_testing();
}
