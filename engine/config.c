/* SPDX-License-Identifier: MIT */
/*
** config.c -- read engine.ini with inih: check every key, resolve paths.
**
** The Debian inih (r55) gives its handler no line numbers, silently cuts
** lines at its buffer size (then mis-numbers every later line), cuts section
** names at 49 bytes and treats indented lines as continuations. So the reader
** function handed to ini_parse_stream does the line work itself: it reads
** whole physical lines, counts them, drops the BOM, the line end and the
** indentation, parses [section] headers (inih never sees them), refuses
** over-long lines and lines that are not "key = value", and hands inih only
** the key lines, which inih splits and strips of inline comments. The handler
** takes the line number and section from the same context. Reading stops at
** the first error.
*/
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"
#include "datecalc.h"
#include "fsafe.h"
#include "log.h"
#include "messages.h"
#include "suggest.h"

enum { SECT_NONE, SECT_ENGINE, SECT_INPUT, SECT_OUTPUT, SECT_STATE, SECT_PLUGIN };

static const char *const sect_names[] = {"", "engine", "input", "output", "state"};

struct key_def;

enum { MAX_KEYS = 64 };

/* Everything one config_load needs; passed as inih's stream and user. */
typedef struct load_ctx {
  config *c;
  cl_error *err;
  const char *name; /* the ini file as given, for messages */
  char *dir;        /* its directory, or NULL when it has none */
  FILE *f;
  char *buf; /* the physical line (getline) */
  size_t cap;
  int lineno;
  int read_errno; /* errno of a failed read */
  int failed;
  int sect;               /* SECT_* of the current section */
  size_t plugin;          /* index in c->plugins_cfg when sect is SECT_PLUGIN */
  int sect_line[5];       /* header line of [engine], [input], [output], [state] */
  int key_line[MAX_KEYS]; /* line each key_defs[] entry was set on */
} load_ctx;

typedef int (*key_setter)(load_ctx *x, const struct key_def *k, const char *v);

typedef struct key_def {
  int sect;
  const char *name;
  const char *what; /* what a good value is, for messages */
  key_setter set;
  size_t off; /* offsetof the field in config */
  long lo, hi; /* numbers: the accepted range */
} key_def;

/* ---------------------------------------------------------------- errors */

static int fail(load_ctx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record the first error as "file:line: message"; returns 0 (inih's "bad"). */
static int fail(load_ctx *x, const char *fmt, ...) {
  char msg[CL_ERROR_MAX];
  va_list ap;
  if (x->failed) return 0;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  cl_fail(x->err, CL_EXIT_CONFIG, "%s:%d: %s", x->name, x->lineno, msg);
  x->failed = 1;
  return 0;
}

/* "threads = 'two' is not a whole number from 0 to 1024" */
static int fail_value(load_ctx *x, const key_def *k, const char *v) {
  const char *hash = strstr(v, " #");
  if (!hash) hash = strstr(v, "\t#");
  return fail(x, "%s = '%s' is not %s%s", k->name, v, k->what,
              hash ? " (only ';' starts a comment after a value)" : "");
}

/* ----------------------------------------------------------- key values */

static void *field(load_ctx *x, const key_def *k) { return (char *)x->c + k->off; }

static void set_string(char **dst, char *s) {
  free(*dst);
  *dst = s;
}

/* Parse a whole number (optional sign, digits only). 0 ok, -1 not a number,
** -2 does not fit in a long. */
static int parse_whole(const char *v, long *out) {
  const char *p = v + (*v == '-' || *v == '+');
  if (!*p) return -1;
  for (; *p; p++)
    if (!isdigit((unsigned char)*p)) return -1;
  errno = 0;
  *out = strtol(v, NULL, 10);
  return errno == ERANGE ? -2 : 0;
}

static int get_number(load_ctx *x, const key_def *k, const char *v, long *n) {
  int rc = parse_whole(v, n);
  if (rc == -2 && *v != '-' && k->hi == LONG_MAX)
    return fail(x, "%s = '%s' is too large", k->name, v);
  if (rc != 0 || *n < k->lo || *n > k->hi) return fail_value(x, k, v);
  return 1;
}

static int set_int(load_ctx *x, const key_def *k, const char *v) {
  long n;
  if (!get_number(x, k, v, &n)) return 0;
  *(int *)field(x, k) = (int)n;
  return 1;
}

static int set_long(load_ctx *x, const key_def *k, const char *v) {
  long n;
  if (!get_number(x, k, v, &n)) return 0;
  *(long *)field(x, k) = n;
  return 1;
}

static int date_shape_ok(const char *v) {
  if (strlen(v) != 10 || v[4] != '-' || v[7] != '-') return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !isdigit((unsigned char)v[i])) return 0;
  return 1;
}

static int set_date(load_ctx *x, const key_def *k, const char *v) {
  int32_t days;
  if (strcmp(v, "today") == 0) {
    days = date_today();
  } else if (config_parse_date(v, &days) != 0) {
    int y, m;
    if (!date_shape_ok(v)) return fail_value(x, k, v);
    y = atoi(v);
    m = atoi(v + 5);
    if (m < 1 || m > 12)
      return fail(x, "%s = '%s' is not a calendar date (months run from 01 to 12)",
                  k->name, v);
    return fail(x, "%s = '%s' is not a calendar date (%.7s has %d days)", k->name, v, v,
                (int)(date_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
                      date_from_civil(y, m, 1)));
  }
  *(int32_t *)field(x, k) = days;
  return 1;
}

static int set_level(load_ctx *x, const key_def *k, const char *v) {
  int level = log_level_parse(v);
  if (level < 0) return fail_value(x, k, v);
  *(int *)field(x, k) = level;
  return 1;
}

typedef struct word {
  const char *w;
  int v;
} word;

static int lookup(const word *t, size_t n, const char *v, int *out) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(v, t[i].w) == 0) {
      *out = t[i].v;
      return 0;
    }
  return -1;
}

#define LOOKUP(t, v, out) lookup(t, sizeof t / sizeof t[0], v, out)

int config_word_delimiter(const char *v, int allow_auto, char *out) {
  static const word t[] = {{",", ','},     {";", ';'},         {"|", '|'},    {"tab", '\t'},
                           {"\t", '\t'},   {"comma", ','},     {"semicolon", ';'},
                           {"pipe", '|'},  {"auto", 0}};
  int d;
  if (LOOKUP(t, v, &d) || (!d && !allow_auto)) return -1;
  *out = (char)d;
  return 0;
}

int config_word_quote(const char *v, char *out) {
  static const word t[] = {{"double", '"'}, {"\"", '"'}, {"none", 0}};
  int q;
  if (LOOKUP(t, v, &q)) return -1;
  *out = (char)q;
  return 0;
}

int config_word_decimal(const char *v, char *out) {
  static const word t[] = {{"point", '.'}, {".", '.'}, {"comma", ','}, {",", ','}};
  int d;
  if (LOOKUP(t, v, &d)) return -1;
  *out = (char)d;
  return 0;
}

int config_word_encoding(const char *v, int *out) {
  static const word t[] = {{"utf-8", CONFIG_ENC_UTF8},     {"utf8", CONFIG_ENC_UTF8},
                           {"latin-1", CONFIG_ENC_LATIN1}, {"latin1", CONFIG_ENC_LATIN1},
                           {"iso-8859-1", CONFIG_ENC_LATIN1}, {"cp1252", CONFIG_ENC_CP1252},
                           {"windows-1252", CONFIG_ENC_CP1252}};
  return LOOKUP(t, v, out);
}

const char *config_encoding_name(int enc) {
  return enc == CONFIG_ENC_LATIN1 ? "latin-1" : enc == CONFIG_ENC_CP1252 ? "cp1252" : "utf-8";
}

int config_word_yes_no(const char *v, int *out) {
  static const word t[] = {{"yes", 1}, {"no", 0}, {"true", 1}, {"false", 0}};
  return LOOKUP(t, v, out);
}

int config_word_line_ending(const char *v, int *out) {
  static const word t[] = {{"lf", 0}, {"crlf", 1}};
  return LOOKUP(t, v, out);
}

int config_word_limit(const char *v, cl_limit *out) {
  if (strcmp(v, "none") == 0 || strcmp(v, "-1") == 0) {
    *out = (cl_limit){LIMIT_NONE, 0};
    return 0;
  }
  size_t n = strlen(v);
  int pct = n > 1 && v[n - 1] == '%';
  if (pct) n--;
  if (!n || n > 24 || strspn(v, "0123456789.") != n || v[0] == '.') return -1;
  char tmp[32];
  memcpy(tmp, v, n);
  tmp[n] = 0;
  char *end;
  errno = 0;
  double d = strtod(tmp, &end);
  if (*end || errno || !(d >= 0)) return -1;
  if (pct) {
    if (d > 100) return -1;
    *out = (cl_limit){LIMIT_PERCENT, d};
    return 0;
  }
  if (strchr(tmp, '.') || strchr(tmp, 'e') || strchr(tmp, 'E') || d > 1e18) return -1;
  *out = (cl_limit){LIMIT_COUNT, d};
  return 0;
}

int limit_exceeded(const cl_limit *l, uint64_t bad, uint64_t of) {
  switch (l->kind) {
  case LIMIT_COUNT: return (double)bad > l->value;
  case LIMIT_PERCENT: return of && (double)bad * 100.0 > l->value * (double)of;
  default: return 0;
  }
}

void limit_format(const cl_limit *l, char *out, size_t n) {
  if (l->kind == LIMIT_COUNT) snprintf(out, n, "%.0f", l->value);
  else if (l->kind == LIMIT_PERCENT) snprintf(out, n, "%g%%", l->value);
  else snprintf(out, n, "none");
}

int config_word_summary_format(const char *v, int *out) {
  static const word t[] = {{"pretty", 0}, {"line", 1}};
  return LOOKUP(t, v, out);
}

static int set_summary_format(load_ctx *x, const key_def *k, const char *v) {
  if (config_word_summary_format(v, (int *)field(x, k))) return fail_value(x, k, v);
  return 1;
}

static int set_limit(load_ctx *x, const key_def *k, const char *v) {
  if (config_word_limit(v, (cl_limit *)field(x, k))) return fail_value(x, k, v);
  return 1;
}

int config_word_format(const char *v, int *out) {
  static const word t[] = {{"wide", CONFIG_FMT_WIDE}, {"long", CONFIG_FMT_LONG},
                           {"jsonl", CONFIG_FMT_JSONL}};
  return LOOKUP(t, v, out);
}

static int set_format(load_ctx *x, const key_def *k, const char *v) {
  if (config_word_format(v, (int *)field(x, k))) return fail_value(x, k, v);
  return 1;
}

static int set_delimiter(load_ctx *x, const key_def *k, const char *v) {
  /* [input] delimiter may be auto; [output] delimiter may not (lo = 1) */
  if (config_word_delimiter(v, k->lo == 0, (char *)field(x, k))) return fail_value(x, k, v);
  return 1;
}

static int set_quote(load_ctx *x, const key_def *k, const char *v) {
  if (config_word_quote(v, (char *)field(x, k))) return fail_value(x, k, v);
  return 1;
}

static int set_decimal(load_ctx *x, const key_def *k, const char *v) {
  if (config_word_decimal(v, (char *)field(x, k))) return fail_value(x, k, v);
  return 1;
}

static int set_encoding(load_ctx *x, const key_def *k, const char *v) {
  if (config_word_encoding(v, (int *)field(x, k))) return fail_value(x, k, v);
  return 1;
}

static int set_yes_no(load_ctx *x, const key_def *k, const char *v) {
  if (config_word_yes_no(v, (int *)field(x, k))) return fail_value(x, k, v);
  return 1;
}

static int set_line_ending(load_ctx *x, const key_def *k, const char *v) {
  if (config_word_line_ending(v, (int *)field(x, k))) return fail_value(x, k, v);
  return 1;
}

int config_word_reader(const char *v, int *out) {
  static const word t[] = {{"fast", CONFIG_READER_FAST}, {"libcsv", CONFIG_READER_LIBCSV}};
  return LOOKUP(t, v, out);
}

static int set_reader(load_ctx *x, const key_def *k, const char *v) {
  if (config_word_reader(v, (int *)field(x, k))) return fail_value(x, k, v);
  return 1;
}

static int set_text(load_ctx *x, const key_def *k, const char *v) {
  set_string(field(x, k), cl_strdup(v));
  return 1;
}

/* v relative to the ini file's directory (absolute paths stay as they are). */
static char *resolve(const load_ctx *x, const char *v) {
  size_t dl, vl;
  char *p;
  if (v[0] == '/' || !x->dir) return cl_strdup(v);
  dl = strlen(x->dir);
  vl = strlen(v);
  p = cl_malloc(dl + 1 + vl + 1);
  memcpy(p, x->dir, dl);
  if (x->dir[dl - 1] != '/') p[dl++] = '/';
  memcpy(p + dl, v, vl + 1);
  return p;
}

static int set_path(load_ctx *x, const key_def *k, const char *v) {
  if (strcmp(v, "-") == 0)
    return fail(x, "%s = '-' is not allowed here: only [input] path and [output] "
                   "path may be '-' (stdin, stdout)", k->name);
  set_string(field(x, k), resolve(x, v));
  return 1;
}

/* plugins = DIR:FILE.so:...: each item resolved like a path (empty ones kept
** empty: the loader skips them). */
static int set_path_list(load_ctx *x, const key_def *k, const char *v) {
  char *out = cl_strdup("");
  size_t olen = 0;
  for (const char *p = v;;) {
    const char *e = strchr(p, ':');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char *item = cl_strndup(p, n);
    char *r = n ? resolve(x, item) : cl_strdup("");
    size_t rl = strlen(r);
    out = cl_realloc(out, olen + rl + 2);
    memcpy(out + olen, r, rl);
    olen += rl;
    if (e) out[olen++] = ':';
    out[olen] = '\0';
    free(r);
    free(item);
    if (!e) break;
    p = e + 1;
  }
  set_string(field(x, k), out);
  return 1;
}

/* [input] path and [output] path: a file, or "-" for stdin/stdout. */
static int set_stdio_path(load_ctx *x, const key_def *k, const char *v) {
  set_string(field(x, k), strcmp(v, "-") == 0 ? cl_strdup(v) : resolve(x, v));
  return 1;
}

#define F(name) offsetof(config, name)

static const key_def key_defs[] = {
    {SECT_ENGINE, "rules", "a file path", set_path, F(rules), 0, 0},
    {SECT_ENGINE, "plugins", "directories and .so files separated by ':'", set_path_list,
     F(plugins), 0, 0},
    {SECT_ENGINE, "threads", "a whole number from 0 to 1024", set_int, F(threads), 0, 1024},
    {SECT_ENGINE, "as_of", "a date YYYY-MM-DD or 'today'", set_date, F(as_of), 0, 0},
    {SECT_ENGINE, "lua_instructions", "a whole number of at least 1000", set_long,
     F(lua_instructions), 1000, LONG_MAX},
    {SECT_ENGINE, "lua_memory_mb", "a whole number from 1 to 65536", set_long,
     F(lua_memory_mb), 1, 65536},
    {SECT_ENGINE, "log_file", "a file path", set_path, F(log_file), 0, 0},
    {SECT_ENGINE, "log_level", "one of error, warning, info, debug", set_level,
     F(log_level), 0, 0},
    {SECT_INPUT, "path", "a file path or '-'", set_stdio_path, F(input), 0, 0},
    {SECT_INPUT, "id_column", "a column name", set_text, F(id_column), 0, 0},
    {SECT_INPUT, "delimiter", "one of , ; | tab or auto", set_delimiter, F(delimiter), 0, 0},
    {SECT_INPUT, "quote", "double or none", set_quote, F(quote), 0, 0},
    {SECT_INPUT, "decimal", "point or comma", set_decimal, F(decimal), 0, 0},
    {SECT_INPUT, "encoding", "one of utf-8, latin-1, cp1252", set_encoding, F(encoding), 0, 0},
    {SECT_INPUT, "header", "yes or no", set_yes_no, F(in_header), 0, 0},
    {SECT_INPUT, "columns", "column names separated by ','", set_text, F(columns), 0, 0},
    {SECT_INPUT, "columns_from", "a file path", set_path, F(columns_from), 0, 0},
    {SECT_INPUT, "stats", "a file path", set_path, F(stats), 0, 0},
    {SECT_INPUT, "rejects", "a file path", set_path, F(rejects), 0, 0},
    {SECT_INPUT, "max_rejects", "a whole number of at least -1 (-1 = no limit)", set_long,
     F(max_rejects), -1, LONG_MAX},
    {SECT_INPUT, "max_invalid", "a count N, a percentage like 5% or none", set_limit,
     F(max_invalid), 0, 0},
    {SECT_INPUT, "max_invalid_column", "a count N, a percentage like 50% or none", set_limit,
     F(max_invalid_column), 0, 0},
    {SECT_INPUT, "reader", "fast or libcsv", set_reader, F(reader), 0, 0},
    {SECT_OUTPUT, "path", "a file path or '-'", set_stdio_path, F(output), 0, 0},
    {SECT_OUTPUT, "summary", "a file path", set_path, F(summary), 0, 0},
    {SECT_OUTPUT, "report", "a file path", set_path, F(report), 0, 0},
    {SECT_OUTPUT, "lock", "a file path", set_path, F(lock), 0, 0},
    {SECT_OUTPUT, "delimiter", "one of , ; | tab", set_delimiter, F(out_delimiter), 1, 0},
    {SECT_OUTPUT, "bom", "yes or no", set_yes_no, F(out_bom), 0, 0},
    {SECT_OUTPUT, "line_ending", "lf or crlf", set_line_ending, F(out_crlf), 0, 0},
    {SECT_OUTPUT, "format", "one of wide, long, jsonl", set_format, F(format), 0, 0},
    {SECT_OUTPUT, "audiences", "a directory path", set_path, F(audiences), 0, 0},
    {SECT_OUTPUT, "audience_macros", "yes or no", set_yes_no, F(audience_macros), 0, 0},
    {SECT_OUTPUT, "audience_columns", "column names separated by ','", set_text,
     F(audience_columns), 0, 0},
    {SECT_OUTPUT, "header", "yes or no", set_yes_no, F(out_header), 0, 0},
    {SECT_OUTPUT, "summary_format", "pretty or line", set_summary_format, F(summary_line), 0, 0},
    {SECT_STATE, "dir", "a directory path", set_path, F(state_dir), 0, 0},
};

#undef F

enum { NKEYS = sizeof key_defs / sizeof key_defs[0] };
_Static_assert((int)NKEYS <= (int)MAX_KEYS, "load_ctx.key_line is too small");

/* --------------------------------------------------------------- keys */

static const key_def *find_key(int sect, const char *name) {
  for (size_t i = 0; i < NKEYS; i++)
    if (key_defs[i].sect == sect && strcmp(key_defs[i].name, name) == 0)
      return &key_defs[i];
  return NULL;
}

/* " (it belongs in [input] or [output])" when name is a key elsewhere. */
static void belongs_hint(const char *name, int not_sect, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (int s = SECT_ENGINE; s <= SECT_STATE; s++) {
    if (s == not_sect || !find_key(s, name)) continue;
    len += (size_t)snprintf(buf + len, size - len, "%s[%s]",
                            len ? " or " : " (it belongs in ", sect_names[s]);
    if (len >= size) return;
  }
  if (len) snprintf(buf + len, size - len, ")");
}

static int unknown_key(load_ctx *x, const char *name) {
  const char *cands[NKEYS];
  size_t n = 0;
  char hint[128], known[256];
  size_t len = 0;
  for (size_t i = 0; i < NKEYS; i++)
    if (key_defs[i].sect == x->sect) cands[n++] = key_defs[i].name;
  const char *best = suggest_closest(name, cands, n);
  if (best)
    return fail(x, "unknown key '%s' in [%s] (did you mean '%s'?)", name,
                sect_names[x->sect], best);
  belongs_hint(name, x->sect, hint, sizeof hint);
  if (hint[0])
    return fail(x, "unknown key '%s' in [%s]%s", name, sect_names[x->sect], hint);
  known[0] = '\0';
  for (size_t i = 0; i < n && len < sizeof known; i++)
    len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "", cands[i]);
  return fail(x, "unknown key '%s' in [%s] (its keys are: %s)", name, sect_names[x->sect],
              known);
}

static int is_quoted(const char *v) {
  size_t n = strlen(v);
  return n >= 2 && ((v[0] == '"' && v[n - 1] == '"') || (v[0] == '\'' && v[n - 1] == '\''));
}

static int engine_key(load_ctx *x, const char *name, const char *value) {
  const key_def *k = find_key(x->sect, name);
  if (!k) return unknown_key(x, name);
  int *seen = &x->key_line[k - key_defs];
  if (*seen)
    return fail(x, "duplicate key '%s' in [%s] (lines %d and %d)", name,
                sect_names[x->sect], *seen, x->lineno);
  *seen = x->lineno;
  if (!*value) {
    if (strcmp(name, "delimiter") == 0)
      return fail(x, "delimiter has no value; give one of , ; | tab (for ';' write "
                     "'semicolon': a ';' after a space starts a comment)");
    return fail(x, "%s has no value; give %s", name, k->what);
  }
  if (is_quoted(value))
    return fail(x, "%s = %s: values are not quoted in engine.ini; write %s = %.*s", name,
                value, name, (int)strlen(value) - 2, value + 1);
  return k->set(x, k, value);
}

static int plugin_key(load_ctx *x, const char *name, const char *value) {
  config_section *s = &x->c->plugins_cfg[x->plugin];
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->entries[i].key, name) == 0)
      return fail(x, "duplicate key '%s' in [plugin.%s] (lines %d and %d)", name, s->name,
                  s->entries[i].line, x->lineno);
  s->entries = cl_realloc(s->entries, (s->n + 1) * sizeof *s->entries);
  s->entries[s->n].key = cl_strdup(name);
  s->entries[s->n].value = cl_strdup(value);
  s->entries[s->n].line = x->lineno;
  s->n++;
  return 1;
}

/* inih's handler. The section argument is ignored: the reader tracks it
** (inih would have cut long names and never reports header lines). */
static int on_key(void *user, const char *section, const char *name, const char *value) {
  load_ctx *x = user;
  char hint[128];
  (void)section;
  if (x->failed) return 0;
  if (!*name) return fail(x, "missing key name before '='");
  switch (x->sect) {
  case SECT_NONE:
    belongs_hint(name, SECT_NONE, hint, sizeof hint);
    return fail(x, "key '%s' comes before any [section]%s", name, hint);
  case SECT_PLUGIN:
    return plugin_key(x, name, value);
  default:
    return engine_key(x, name, value);
  }
}

/* ------------------------------------------------------------- sections */

static int valid_plugin_name(const char *s) {
  if (!islower((unsigned char)*s)) return 0;
  for (s++; *s; s++)
    if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_') return 0;
  return 1;
}

static int unknown_section(load_ctx *x, const char *name) {
  static const char *const cands[] = {"engine", "input", "output", "state"};
  const char *best = suggest_closest(name, cands, 4);
  const char *dot = strchr(name, '.');
  if (best) return fail(x, "unknown section [%s] (did you mean [%s]?)", name, best);
  if (dot) {
    /* [plugins.geo], [plugn.geo]: a misspelt plugin prefix */
    char prefix[64];
    const char *plugin = "plugin";
    snprintf(prefix, sizeof prefix, "%.*s", (int)(dot - name), name);
    if (suggest_closest(prefix, &plugin, 1))
      return fail(x, "unknown section [%s] (did you mean [plugin%s]?)", name, dot);
  }
  return fail(x, "unknown section [%s] (sections are [engine], [input], [output], [state] and "
                 "[plugin.<name>])", name);
}

static int plugin_section(load_ctx *x, const char *name) {
  config *c = x->c;
  if (!*name) return fail(x, "section [plugin.] has no plugin name: write [plugin.<name>]");
  if (!valid_plugin_name(name))
    return fail(x, "bad plugin name '%s' in [plugin.%s]: use lowercase letters, digits "
                   "and '_', starting with a letter", name, name);
  for (size_t i = 0; i < c->nplugins_cfg; i++)
    if (strcmp(c->plugins_cfg[i].name, name) == 0)
      return fail(x, "section [plugin.%s] appears twice (lines %d and %d); put its keys "
                     "in one section", name, c->plugins_cfg[i].line, x->lineno);
  c->plugins_cfg = cl_realloc(c->plugins_cfg, (c->nplugins_cfg + 1) * sizeof *c->plugins_cfg);
  x->plugin = c->nplugins_cfg++;
  c->plugins_cfg[x->plugin] = (config_section){cl_strdup(name), x->lineno, NULL, 0};
  x->sect = SECT_PLUGIN;
  return 1;
}

static int enter_section(load_ctx *x, const char *name) {
  if (strncmp(name, "plugin.", 7) == 0) return plugin_section(x, name + 7);
  if (strcmp(name, "plugin") == 0)
    return fail(x, "section [plugin] needs a plugin name: write [plugin.<name>]");
  for (int s = SECT_ENGINE; s <= SECT_STATE; s++) {
    if (strcmp(name, sect_names[s]) != 0) continue;
    if (x->sect_line[s])
      return fail(x, "section [%s] appears twice (lines %d and %d); put its keys in one "
                     "section", name, x->sect_line[s], x->lineno);
    x->sect_line[s] = x->lineno;
    x->sect = s;
    return 1;
  }
  return unknown_section(x, name);
}

static char *skip_space(char *s) {
  while (isspace((unsigned char)*s)) s++;
  return s;
}

static void trim_end(char *s, char *end) {
  while (end > s && isspace((unsigned char)end[-1])) *--end = '\0';
}

/* A "[name]" line (s at the '['), with an optional "; comment" after it. */
static int section_line(load_ctx *x, char *s) {
  char *close = strchr(s, ']'), *name, *rest;
  if (!close) return fail(x, "section header '%s' has no closing ']'", s);
  rest = skip_space(close + 1);
  if (*rest && *rest != ';')
    return fail(x, "unexpected text '%s' after the section header (a comment there "
                   "starts with ';')", rest);
  *close = '\0';
  name = skip_space(s + 1);
  trim_end(name, close);
  if (!*name) return fail(x, "empty section name []");
  return enter_section(x, name);
}

/* ---------------------------------------------------------- the reader */

/* Would inih see "key = value" here? It splits at the first '=' or ':' that
** comes before an inline comment (';' after whitespace). */
static int is_key_line(const char *s) {
  int was_space = 0;
  for (; *s; s++) {
    if (*s == '=' || *s == ':') return 1;
    if (was_space && *s == ';') return 0;
    was_space = isspace((unsigned char)*s);
  }
  return 0;
}

/* inih's fgets: one physical line per call, so inih's and our line numbers
** agree. Comments, blank lines and section headers reach inih as "\n". */
static char *read_line(char *str, int num, void *stream) {
  load_ctx *x = stream;
  ssize_t n;
  size_t len;
  char *s, *t;
  if (x->failed || num < 2) return NULL;
  errno = 0;
  n = getline(&x->buf, &x->cap, x->f);
  if (n < 0) {
    if (ferror(x->f)) x->read_errno = errno ? errno : EIO;
    return NULL;
  }
  x->lineno++;
  s = x->buf;
  len = (size_t)n;
  if (len && s[len - 1] == '\n') len--;
  if (len && s[len - 1] == '\r') len--;
  if (memchr(s, '\0', len)) {
    fail(x, "line contains a NUL byte (is this a text file?)");
    return NULL;
  }
  s[len] = '\0';
  if (x->lineno == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
    s += 3;
    len -= 3;
  }
  t = skip_space(s);
  strcpy(str, "\n");
  if (!*t || *t == ';' || *t == '#') return str; /* any length: inih sees "\n" */
  if (len + 2 > (size_t)num) {
    fail(x, "line is %zu bytes long; lines other than comments may be at most %d bytes",
         len, num - 2);
    return NULL;
  }
  if (*t == '[') return section_line(x, t) ? str : NULL;
  if (!is_key_line(t)) {
    fail(x, "'%s' is not 'key = value'%s", t,
         t > s ? " (a value cannot continue on an indented line; put it on one line)" : "");
    return NULL;
  }
  len = strlen(t);
  memcpy(str, t, len); /* without the indentation: inih sees no continuation */
  memcpy(str + len, "\n", 2);
  return str;
}

/* -------------------------------------------------------------- public */

void config_init(config *c) {
  memset(c, 0, sizeof *c);
  c->output = cl_strdup("-");
  c->threads = 0;
  c->as_of = date_today();
  c->lua_instructions = 50000000;
  c->lua_memory_mb = 256;
  c->log_level = LOG_INFO;
  c->id_column = cl_strdup("customer_id");
  c->delimiter = ',';
  c->quote = '"';
  c->decimal = '.';
  c->encoding = CONFIG_ENC_UTF8;
  c->reader = CONFIG_READER_FAST;
  c->out_delimiter = ',';
  c->max_rejects = -1;
  c->in_header = 1;
  c->out_header = 1;
  c->max_invalid = (cl_limit){LIMIT_NONE, 0};
  c->max_invalid_column = (cl_limit){LIMIT_PERCENT, 50};
}

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return NULL;
  return cl_strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

#define INI_FILE_MAX (1 << 20) /* an engine.ini is a few lines; a huge one is a mistake */

int config_load(config *c, const char *path, cl_error *err) {
  load_ctx x;
  int rc;
  /* a regular file (a symlink to one is fine): a FIFO or a device would hang */
  char why[FSAFE_WHY_MAX];
  int fd = fsafe_open_read(NULL, path, FSAFE_REGULAR, INI_FILE_MAX, why);
  FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
  if (fd >= 0 && !f) {
    snprintf(why, sizeof why, "%s", strerror(errno));
    close(fd);
  }
  if (!f) return cl_fail(err, CL_EXIT_CONFIG, MSG_INI_UNREADABLE, path, why);
  memset(&x, 0, sizeof x);
  x.c = c;
  x.err = err;
  x.name = path;
  x.dir = dir_of(path);
  x.f = f;
  set_string(&c->path, cl_strdup(path));
  rc = ini_parse_stream(read_line, &x, on_key, &x);
  fclose(f);
  free(x.buf);
  free(x.dir);
  if (x.failed) return err->code;
  if (x.read_errno)
    return cl_fail(err, CL_EXIT_CONFIG, "cannot read %s: %s", path, strerror(x.read_errno));
  if (rc == -2) return cl_fail(err, CL_EXIT_INTERNAL, "%s: out of memory", path);
  if (rc != 0) /* inih refused a line the reader let through: a bug here */
    return cl_fail(err, CL_EXIT_CONFIG, "%s:%d: cannot parse this line", path, rc);
  return CL_EXIT_OK;
}

const config_section *config_plugin(const config *c, const char *name) {
  for (size_t i = 0; i < c->nplugins_cfg; i++)
    if (strcmp(c->plugins_cfg[i].name, name) == 0) return &c->plugins_cfg[i];
  return NULL;
}

void config_free(config *c) {
  free(c->path);
  free(c->rules);
  free(c->plugins);
  free(c->input);
  free(c->id_column);
  free(c->rejects);
  free(c->columns);
  free(c->columns_from);
  free(c->stats);
  free(c->output);
  free(c->summary);
  free(c->report);
  free(c->lock);
  free(c->audiences);
  free(c->audience_columns);
  free(c->state_dir);
  free(c->log_file);
  for (size_t i = 0; i < c->nplugins_cfg; i++) {
    config_section *s = &c->plugins_cfg[i];
    for (size_t j = 0; j < s->n; j++) {
      free((char *)s->entries[j].key);
      free((char *)s->entries[j].value);
    }
    free(s->entries);
    free(s->name);
  }
  free(c->plugins_cfg);
  memset(c, 0, sizeof *c);
}

int config_parse_date(const char *s, int32_t *days) {
  return date_parse_iso(s, strlen(s), days);
}
