/* SPDX-License-Identifier: MIT */
/*
** ruletest.c -- `cleave test`: compile each test file's rules, evaluate each
** test's record with the row evaluator, and report in TAP.
*/
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "eval.h"
#include "rules.h"
#include "quantile.h"
#include "ruletest.h"
#include "suggest.h"
#include "values.h"

typedef struct file_slot {
  rt_file f;
  cl_error err;   /* why it could not be loaded */
  int rc;
} file_slot;

typedef struct runner {
  session *s;
  const char *default_rules; /* NULL: none configured */
  file_slot *files;
  size_t nfiles;
  int n;                     /* TAP test number */
  int failed, broken;
} runner;

/* --- which files ------------------------------------------------------------ */

/* path without "<cwd>/" when it is under the working directory. */
static char *shown(const char *path) {
  char cwd[4096];
  if (path[0] == '/' && getcwd(cwd, sizeof cwd)) {
    size_t n = strlen(cwd);
    if (strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1]) return cl_strdup(path + n + 1);
  }
  return cl_strdup(path);
}

static void add_file(runner *r, const char *path, const char *display) {
  r->files = cl_realloc(r->files, (r->nfiles + 1) * sizeof *r->files);
  file_slot *fs = &r->files[r->nfiles++];
  memset(fs, 0, sizeof *fs);
  fs->f.path = cl_strdup(path);
  fs->f.display = cl_strdup(display);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *_test.lua in dir, in name order. */
static int add_dir(runner *r, const char *dir, cl_error *err) {
  DIR *d = opendir(dir);
  if (!d) return cl_fail(err, CL_EXIT_USAGE, "cannot list %s for *_test.lua files", dir);
  char **names = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    if (e->d_name[0] == '.' || len <= 9 || strcmp(e->d_name + len - 9, "_test.lua") != 0) continue;
    names = cl_realloc(names, (n + 1) * sizeof *names);
    names[n++] = cl_strdup(e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    buf p = {0};
    buf_printf(&p, "%s/%s", dir, names[i]);
    char *disp = shown(buf_cstr(&p));
    add_file(r, buf_cstr(&p), disp);
    free(disp);
    buf_free(&p);
    free(names[i]);
  }
  free(names);
  return 0;
}

static int find_files(runner *r, const cli_opts *o, cl_error *err) {
  for (int i = 0; i < o->nargs; i++) {
    struct stat st;
    if (stat(o->args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      if (add_dir(r, o->args[i], err)) return err->code;
    } else {
      add_file(r, o->args[i], o->args[i]);
    }
  }
  if (o->nargs) return 0;
  if (!r->default_rules)
    return cl_fail(err, CL_EXIT_USAGE, "no test file named and no rule file configured: "
                   "cleave test FILE_test.lua, or set rules in [engine] of engine.ini");
  char *dir = cl_strdup(r->default_rules);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  int rc = add_dir(r, slash ? (dir[0] ? dir : "/") : ".", err);
  free(dir);
  return rc;
}

/* --- loading: the test file, its rules, the record's columns -------------------- */

static int has_column(char **header, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(header[i], name) == 0) return 1;
  return 0;
}

/* The id column and every column a rule reads. */
static void make_header(rt_file *f, const char *id_column) {
  f->header = cl_calloc(f->g.nslots + 1, sizeof *f->header);
  f->header[f->ncols++] = (char *)id_column;
  for (uint32_t i = 0; i < f->g.nslots; i++)
    if (!has_column(f->header, f->ncols, f->g.slots[i].column))
      f->header[f->ncols++] = f->g.slots[i].column;
}

static int load_file(runner *r, file_slot *fs) {
  const config *cfg = &r->s->cfg;
  char *path = fs->f.path, *display = fs->f.display; /* rt_file_read starts afresh */
  int rc = rt_file_read(&fs->f, path, display, cfg, &r->s->log, &fs->err);
  free(path);
  free(display);
  if (rc) return rc;
  rt_file *f = &fs->f;
  if (!f->rules && !r->default_rules)
    return cl_fail(&fs->err, CL_EXIT_RULES, "%s: names no rule file: add rules \"FILE.lua\" "
                   "at its top, or set rules in [engine] of engine.ini", f->display);
  char *rules_shown = f->rules ? NULL : shown(r->default_rules);
  rules_opts ro;
  memset(&ro, 0, sizeof ro);
  ro.path = f->rules ? f->rules : r->default_rules;
  ro.display = f->rules ? f->rules_display : rules_shown;
  ro.as_of = f->have_as_of ? f->as_of : cfg->as_of;
  ro.mem_limit = (size_t)cfg->lua_memory_mb << 20;
  ro.instr_limit = cfg->lua_instructions;
  ro.plugins = &r->s->plugins;
  ro.plugin_dir = cfg->plugins;
  ro.host = &r->s->host;
  ro.log = &r->s->log;
  ro.quantiles = quantile_resolve_stats;
  ro.quantiles_ud = (void *)cfg;
  rc = rules_load(&f->g, &ro, &fs->err);
  f->have_graph = 1;
  free(rules_shown);
  if (rc) return rc;
  make_header(f, cfg->id_column);
  if (rules_bind(&f->g, f->header, f->ncols, f->display, &fs->err)) return fs->err.code;
  f->loaded = 1;
  return 0;
}

/* --- TAP --------------------------------------------------------------------------- */

static void tap_line(runner *r, int ok, const char *file, uint32_t line, const char *name) {
  buf b = {0};
  buf_printf(&b, "%sok %d - %s", ok ? "" : "not ", ++r->n, file);
  if (line) buf_printf(&b, ":%u", line);
  if (name) buf_puts(&b, ": ");
  for (const char *p = name; p && *p; p++) { /* '#' would start a TAP directive */
    if (*p == '#') buf_putc(&b, '\\');
    buf_putc(&b, *p == '\n' || *p == '\r' ? ' ' : *p);
  }
  buf_putc(&b, '\n');
  fwrite(b.p, 1, b.len, stdout);
  buf_free(&b);
}

/* Each line of text as "<prefix>line". */
static void tap_diag(const char *text, size_t len, const char *prefix) {
  const char *p = text, *end = text + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    printf("%s%.*s\n", prefix, (int)n, p);
    p += n + 1;
  }
}

/* --- checking a test's names against the rules --------------------------------- */

static int column_of(const rt_file *f, const char *key) {
  for (size_t i = 0; i < f->ncols; i++)
    if (strcmp(f->header[i], key) == 0) return (int)i;
  return -1;
}

static int macro_of(const graph *g, const char *name) {
  for (uint32_t m = 0; m < g->nmacros; m++)
    if (strcmp(g->macros[m].name, name) == 0) return (int)m;
  return -1;
}

static int micro_of(const graph *g, const char *name) {
  for (uint32_t i = 0; i < g->nmicros; i++)
    if (strcmp(g->micros[i].name, name) == 0) return (int)i;
  return -1;
}

static int value_of(const macro *m, const char *name) {
  for (uint32_t v = 0; v < m->nvalues; v++)
    if (strcmp(m->values[v], name) == 0) return (int)v;
  return -1;
}

static void did_you_mean(buf *b, const char *word, const char *const *cands, size_t n) {
  const char *hint = suggest_closest(word, cands, n);
  if (hint) buf_printf(b, " (did you mean '%s'?)", hint);
}

/* A problem with the test itself: "file:line: message". */
static void problem(buf *b, const rt_file *f, const rt_test *t, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void problem(buf *b, const rt_file *f, const rt_test *t, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  buf_printf(b, "%s:%u: %s\n", f->display, t->line, msg);
}

/* The separator of the first tags slot reading column, or 0. */
static char tags_sep(const graph *g, const char *column) {
  for (uint32_t i = 0; i < g->nslots; i++)
    if (g->slots[i].type == VT_TAGS && strcmp(g->slots[i].column, column) == 0)
      return g->slots[i].sep;
  return 0;
}

/* A given value's text (a list joined with its column's tag separator);
** NULL (and a problem) when it cannot be used. */
static char *given_text(const rt_file *f, const rt_test *t, const rt_given *gv, buf *why) {
  const graph *g = &f->g;
  if (gv->is_list) {
    char sep = tags_sep(g, gv->key);
    if (!sep) {
      problem(why, f, t, "given: %s is a list, but no rule reads %s as tags: give one value",
              gv->key, gv->key);
      return NULL;
    }
    buf b = {0};
    for (size_t i = 0; i < gv->nitems; i++) {
      if (strchr(gv->items[i], sep)) {
        problem(why, f, t, "given: %s: item \"%s\" holds the separator '%c' (write each tag "
                "as its own item)", gv->key, gv->items[i], sep);
        buf_free(&b);
        return NULL;
      }
      buf_printf(&b, "%s%s", i ? (char[2]){sep, 0} : "", gv->items[i]);
    }
    char *s = cl_strdup(buf_cstr(&b));
    buf_free(&b);
    return s;
  }
  /* A value the rules cannot read as its column's type (" ", "abc",
  ** "1,000" for a number) is given as it is: it is missing, as it would be
  ** in cleave run (describe_record says so). */
  return cl_strdup(gv->text);
}

static void check_given(const rt_file *f, const rt_test *t, char **texts, buf *why) {
  for (size_t i = 0; i < t->ngiven; i++) {
    const rt_given *gv = &t->given[i];
    if (column_of(f, gv->key) < 0) {
      buf m = {0};
      did_you_mean(&m, gv->key, (const char *const *)f->header, f->ncols);
      problem(why, f, t, "given: no rule reads '%s'%s", gv->key, buf_cstr(&m));
      buf_free(&m);
      continue;
    }
    texts[i] = given_text(f, t, gv, why);
  }
}

static void list_values(buf *b, const macro *m) {
  for (uint32_t v = 0; v < m->nvalues; v++) buf_printf(b, "%s%s", v ? ", " : "", m->values[v]);
}

static void check_expect(const rt_file *f, const rt_test *t, buf *why) {
  const graph *g = &f->g;
  for (size_t i = 0; i < t->nexpect; i++) {
    const rt_pair *p = &t->expect[i];
    int m = macro_of(g, p->key);
    buf b = {0};
    if (m < 0 && micro_of(g, p->key) >= 0) {
      problem(why, f, t, "expect: '%s' is a micro segment: put it in has = { \"%s\" } or "
              "lacks = { \"%s\" }", p->key, p->key, p->key);
    } else if (m < 0) {
      const char **names = cl_calloc(g->nmacros + 1, sizeof *names);
      for (uint32_t k = 0; k < g->nmacros; k++) names[k] = g->macros[k].name;
      did_you_mean(&b, p->key, names, g->nmacros);
      buf_puts(&b, " (the macro splits: ");
      for (uint32_t k = 0; k < g->nmacros; k++) buf_printf(&b, "%s%s", k ? ", " : "", names[k]);
      buf_puts(&b, g->nmacros ? ")" : "none)");
      free(names);
      problem(why, f, t, "expect: no macro split '%s'%s", p->key, buf_cstr(&b));
    } else if (value_of(&g->macros[m], p->value) < 0) {
      const macro *mc = &g->macros[m];
      did_you_mean(&b, p->value, (const char *const *)mc->values, mc->nvalues);
      buf_puts(&b, " (its values: ");
      list_values(&b, mc);
      buf_putc(&b, ')');
      problem(why, f, t, "expect: %s has no value '%s'%s", p->key, p->value, buf_cstr(&b));
    }
    buf_free(&b);
  }
}

/* A name in has/lacks/segments that is not a micro segment. */
static void unknown_segment(const rt_file *f, const rt_test *t, const char *key,
                            const char *name, buf *why) {
  const graph *g = &f->g;
  if (macro_of(g, name) >= 0) {
    problem(why, f, t, "%s: '%s' is a macro split: write expect = { %s = \"...\" }", key, name,
            name);
    return;
  }
  for (uint32_t m = 0; m < g->nmacros; m++)
    if (value_of(&g->macros[m], name) >= 0) {
      problem(why, f, t, "%s: '%s' is a value of macro split %s: write expect = { %s = "
              "\"%s\" }", key, name, g->macros[m].name, g->macros[m].name, name);
      return;
    }
  const char **names = cl_calloc(g->nmicros + 1, sizeof *names);
  for (uint32_t i = 0; i < g->nmicros; i++) names[i] = g->micros[i].name;
  buf b = {0};
  did_you_mean(&b, name, names, g->nmicros);
  free(names);
  problem(why, f, t, "%s: no micro segment '%s'%s", key, name, buf_cstr(&b));
  buf_free(&b);
}

static void check_segments(const rt_file *f, const rt_test *t, buf *why) {
  const struct { const char *key; const rt_names *names; } lists[] = {
      {"has", &t->has}, {"lacks", &t->lacks}, {"segments", &t->segments}};
  for (size_t l = 0; l < 3; l++)
    for (size_t i = 0; i < lists[l].names->n; i++)
      if (micro_of(&f->g, lists[l].names->v[i]) < 0)
        unknown_segment(f, t, lists[l].key, lists[l].names->v[i], why);
  for (size_t i = 0; i < t->has.n; i++)
    for (size_t k = 0; k < t->lacks.n; k++)
      if (strcmp(t->has.v[i], t->lacks.v[k]) == 0)
        problem(why, f, t, "'%s' is in both has and lacks", t->has.v[i]);
}

/* --- evaluating a test --------------------------------------------------------------- */

static int listed(const rt_names *n, const char *name) {
  for (size_t i = 0; i < n->n; i++)
    if (strcmp(n->v[i], name) == 0) return 1;
  return 0;
}

/* Mismatches between the record's results and the test, one line each;
** what they involve goes into fo. */
static void compare(eval_ctx *ec, const rt_test *t, buf *out, rt_focus *fo) {
  const graph *g = ec->g;
  for (size_t i = 0; i < t->nexpect; i++) {
    int m = macro_of(g, t->expect[i].key);
    const char *got = g->macros[m].values[eval_macro(ec, (uint32_t)m)];
    if (strcmp(got, t->expect[i].value) == 0) continue;
    buf_printf(out, "%s: expected %s, got %s\n", t->expect[i].key, t->expect[i].value, got);
    rt_focus_macro(g, (uint32_t)m, fo);
  }
  for (size_t i = 0; i < t->has.n; i++) {
    int m = micro_of(g, t->has.v[i]);
    if (eval_pred(ec, g->micros[m].pred)) continue;
    buf_printf(out, "has %s: missing\n", t->has.v[i]);
    rt_focus_micro(g, (uint32_t)m, fo);
  }
  for (size_t i = 0; i < t->lacks.n; i++) {
    int m = micro_of(g, t->lacks.v[i]);
    if (!eval_pred(ec, g->micros[m].pred)) continue;
    buf_printf(out, "lacks %s: present\n", t->lacks.v[i]);
    rt_focus_micro(g, (uint32_t)m, fo);
  }
  if (!t->have_segments) return;
  buf want = {0}, got = {0};
  int differ = 0;
  for (uint32_t i = 0; i < g->nmicros; i++) {
    int w = listed(&t->segments, g->micros[i].name), h = eval_pred(ec, g->micros[i].pred);
    if (w) buf_printf(&want, "%s%s", want.len ? MICRO_LIST_SEP_STR : "", g->micros[i].name);
    if (h) buf_printf(&got, "%s%s", got.len ? MICRO_LIST_SEP_STR : "", g->micros[i].name);
    if (w != h) rt_focus_micro(g, i, fo);
    differ |= w != h;
  }
  if (differ)
    buf_printf(out, "segments: expected %s, got %s\n", want.len ? buf_cstr(&want) : "(none)",
               got.len ? buf_cstr(&got) : "(none)");
  buf_free(&want);
  buf_free(&got);
}

/* Why the rules read a given text as missing ("empty", "not a number"),
** or NULL when they read it as a value: the same rule as cleave run. */
static const char *unread(const graph *g, const char *column, const char *text) {
  size_t len = strlen(text);
  if (!len) return "empty: missing";
  for (uint32_t s = 0; s < g->nslots; s++) {
    const slot *sl = &g->slots[s];
    if (strcmp(sl->column, column) != 0 || val_field_reads(sl->type, text, len)) continue;
    return sl->type == VT_NUMBER ? "not a number: read as missing"
                                 : "not a date: read as missing";
  }
  return NULL;
}

static void describe_record(const rt_file *f, const rt_test *t, char **texts, buf *out) {
  buf_puts(out, "given:");
  for (size_t i = 0; i < t->ngiven; i++) {
    const char *why = unread(&f->g, t->given[i].key, texts[i]);
    int number = !why;
    for (uint32_t s = 0; s < f->g.nslots; s++)
      if (strcmp(f->g.slots[s].column, t->given[i].key) == 0 && f->g.slots[s].type != VT_NUMBER)
        number = 0;
    buf_printf(out, "%s %s = %s%s%s", i ? "," : "", t->given[i].key, number ? "" : "\"",
               texts[i], number ? "" : "\"");
    if (why) buf_printf(out, " (%s)", why);
  }
  buf_puts(out, t->ngiven ? "; every other column is missing\n"
                          : " nothing; every column is missing\n");
}

static void run_test(runner *r, rt_file *f, const rt_test *t, eval_ctx *ec) {
  buf why = {0};
  char **texts = cl_calloc(t->ngiven ? t->ngiven : 1, sizeof *texts);
  check_given(f, t, texts, &why);
  check_expect(f, t, &why);
  check_segments(f, t, &why);
  if (why.len) {
    r->broken++;
    tap_line(r, 0, f->display, t->line, t->name);
    tap_diag(why.p, why.len, "# ");
  } else {
    cleave_str *cols = cl_calloc(f->ncols, sizeof *cols);
    for (size_t i = 0; i < t->ngiven; i++) {
      int c = column_of(f, t->given[i].key);
      cols[c].ptr = texts[i];
      cols[c].len = strlen(texts[i]);
    }
    rt_focus fo;
    rt_focus_init(&fo, &f->g);
    eval_begin(ec, cols);
    compare(ec, t, &why, &fo);
    tap_line(r, why.len == 0, f->display, t->line, t->name);
    if (why.len) {
      r->failed++;
      describe_record(f, t, texts, &why);
      tap_diag(why.p, why.len, "# ");
      buf tree = {0};
      rt_explain(ec, &fo, &tree);
      tap_diag(tree.p, tree.len, "#   ");
      buf_free(&tree);
    }
    rt_focus_free(&fo);
    free(cols);
  }
  for (size_t i = 0; i < t->ngiven; i++) free(texts[i]);
  free(texts);
  buf_free(&why);
}

static void run_file(runner *r, file_slot *fs, void **ts) {
  rt_file *f = &fs->f;
  if (!f->loaded) {
    r->broken++;
    tap_line(r, 0, f->display, 0, "cannot be loaded");
    tap_diag(fs->err.msg, strlen(fs->err.msg), "# ");
    return;
  }
  eval_ctx ec;
  eval_ctx_init(&ec, &f->g, ts);
  for (size_t i = 0; i < f->ntests; i++) run_test(r, f, &f->tests[i], &ec);
  eval_ctx_free(&ec);
}

/* --- the command ------------------------------------------------------------------- */

static void bail_out(session *s, const cl_error *err) {
  log_msg(&s->log, LOG_ERROR, "%s", err->msg);
  const char *nl = strchr(err->msg, '\n');
  printf("Bail out! %.*s\n", nl ? (int)(nl - err->msg) : (int)strlen(err->msg), err->msg);
}

static int run_all(runner *r, cl_error *err) {
  int planned = 0;
  for (size_t i = 0; i < r->nfiles; i++) {
    file_slot *fs = &r->files[i];
    fs->rc = load_file(r, fs);
    if (fs->rc) log_msg(&r->s->log, LOG_ERROR, "%s", fs->err.msg);
    planned += fs->rc ? 1 : (int)fs->f.ntests;
  }
  if (r->nfiles == 0) {
    log_msg(&r->s->log, LOG_WARNING, "no test files (*_test.lua) found");
    printf("1..0 # SKIP no test files (*_test.lua)\n");
    return 0;
  }
  void **ts;
  if (plugins_thread_init(&r->s->plugins, &ts, err)) {
    bail_out(r->s, err);
    return err->code;
  }
  printf("1..%d\n", planned);
  for (size_t i = 0; i < r->nfiles; i++) run_file(r, &r->files[i], ts);
  plugins_thread_fini(&r->s->plugins, ts);
  if (r->failed || r->broken)
    printf("# %d of %d tests failed%s\n", r->failed + r->broken, r->n,
           r->broken ? " (some could not run: see the messages above)" : "");
  return r->broken ? CL_EXIT_RULES : r->failed ? CL_EXIT_FAIL : 0;
}

int cmd_test(const cli_opts *o) {
  session s;
  cl_error err = {0, ""};
  runner r;
  memset(&r, 0, sizeof r);
  r.s = &s;
  cli_opts topts = *o;
  topts.rules_optional = 1; /* test files may name their own rule file */
  int rc = session_open(&s, &topts, &err);
  if (!rc) {
    r.default_rules = s.cfg.rules;
    rc = find_files(&r, o, &err);
  }
  if (!rc) rc = run_all(&r, &err);
  else bail_out(&s, &err);
  fflush(stdout);
  for (size_t i = 0; i < r.nfiles; i++) rt_file_free(&r.files[i].f);
  free(r.files);
  session_close(&s);
  return rc;
}
