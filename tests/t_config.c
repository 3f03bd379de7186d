/* SPDX-License-Identifier: MIT */
/*
** t_config.c -- engine.ini: defaults, values, paths, plugin sections, and
** every error message with its file:line.
*/
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "datecalc.h"
#include "log.h"
#include "tap.h"

/* Tests run inside a fresh temporary directory, so messages read
** "engine.ini:7: ..." as a user would see them. */
static char tmpdir[] = "/tmp/t_config.XXXXXX";

static void write_file(const char *path, const char *text, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
    perror(path);
    exit(1);
  }
}

static void write_ini(const char *path, const char *text) { write_file(path, text, strlen(text)); }

/* Write text to engine.ini and load it over the defaults. */
static int load(config *c, const char *text, cl_error *err) {
  write_ini("engine.ini", text);
  config_init(c);
  memset(err, 0, sizeof *err);
  return config_load(c, "engine.ini", err);
}

/* text must fail with CL_EXIT_CONFIG and exactly msg. */
static void fails(const char *text, const char *msg, const char *what) {
  config c;
  cl_error err;
  int rc = load(&c, text, &err);
  if (rc != CL_EXIT_CONFIG) {
    ok(0, "%s", what);
    diag("  rc %d, expected %d; msg '%s'", rc, CL_EXIT_CONFIG, err.msg);
  } else {
    is_str(err.msg, msg, "%s", what);
  }
  config_free(&c);
}

/* text must load into c (the caller frees it). */
static void loads(config *c, const char *text, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void loads(config *c, const char *text, const char *fmt, ...) {
  cl_error err;
  char what[256];
  va_list ap;
  int rc = load(c, text, &err);
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (!ok(rc == 0, "%s", what)) diag("  rc %d: %s", rc, err.msg);
}

/* "key = xxx...": a line of exactly len bytes (without its line end) */
static char *line_of(const char *key, size_t len) {
  size_t k = strlen(key) + 3;
  char *s = cl_malloc(len + 1);
  memcpy(s, key, k - 3);
  memcpy(s + k - 3, " = ", 3);
  memset(s + k, 'x', len - k);
  s[len] = '\0';
  return s;
}

static void test_defaults(void) {
  config c;
  config_init(&c);
  ok(c.path == NULL, "default: path NULL");
  ok(c.rules == NULL, "default: rules NULL");
  ok(c.plugins == NULL, "default: plugins NULL");
  is_int(c.threads, 0, "default: threads 0");
  is_int(c.as_of, date_today(), "default: as_of today (local time zone)");
  is_int(c.lua_instructions, 50000000, "default: lua_instructions");
  is_int(c.lua_memory_mb, 256, "default: lua_memory_mb");
  is_int(c.log_level, LOG_INFO, "default: log_level info");
  ok(c.input == NULL, "default: input NULL");
  is_str(c.id_column, "customer_id", "default: id_column");
  is_int(c.delimiter, ',', "default: delimiter ,");
  ok(c.rejects == NULL, "default: rejects NULL");
  is_int(c.max_rejects, -1, "default: max_rejects -1");
  is_str(c.output, "-", "default: output -");
  ok(c.summary == NULL, "default: summary NULL");
  ok(c.lock == NULL, "default: lock NULL");
  ok(c.plugins_cfg == NULL && c.nplugins_cfg == 0, "default: no plugin sections");
  config_free(&c);
  config_free(&c); /* freeing twice is harmless */

  loads(&c, "", "empty file loads");
  is_str(c.path, "engine.ini", "empty file: path recorded");
  is_str(c.output, "-", "empty file: defaults kept");
  is_str(c.id_column, "customer_id", "empty file: id_column kept");
  config_free(&c);

  loads(&c, "[engine]\n[input]\n[output]\n", "empty sections load");
  is_int(c.lua_memory_mb, 256, "empty sections: defaults kept");
  config_free(&c);
}

static void test_full(void) {
  config c;
  const config_section *geo;
  loads(&c,
        "; cleave configuration\n"
        "[engine]\n"
        "rules = scripts/segments.lua\n"
        "plugins = build/plugins\n"
        "threads = 8\n"
        "as_of = 2026-11-01\n"
        "lua_instructions = 1000000\n"
        "lua_memory_mb = 64\n"
        "log_level = debug\n"
        "\n"
        "[input]\n"
        "path = data/customers.csv\n"
        "id_column = cust_id\n"
        "delimiter = |\n"
        "rejects = out/rejects.csv\n"
        "max_rejects = 100\n"
        "\n"
        "[output]\n"
        "path = out/segments.csv\n"
        "summary = out/summary.json\n"
        "lock = /var/lock/cleave.lock\n"
        "\n"
        "[plugin.geo]\n"
        "regions = data/regions.csv\n"
        "mode = strict\n",
        "full file loads");
  is_str(c.rules, "scripts/segments.lua", "full: rules");
  is_str(c.plugins, "build/plugins", "full: plugins");
  is_int(c.threads, 8, "full: threads");
  is_int(c.as_of, date_from_civil(2026, 11, 1), "full: as_of");
  is_int(c.lua_instructions, 1000000, "full: lua_instructions");
  is_int(c.lua_memory_mb, 64, "full: lua_memory_mb");
  is_int(c.log_level, LOG_DEBUG, "full: log_level");
  is_str(c.input, "data/customers.csv", "full: input path");
  is_str(c.id_column, "cust_id", "full: id_column");
  is_int(c.delimiter, '|', "full: delimiter");
  is_str(c.rejects, "out/rejects.csv", "full: rejects");
  is_int(c.max_rejects, 100, "full: max_rejects");
  is_str(c.output, "out/segments.csv", "full: output path");
  is_str(c.summary, "out/summary.json", "full: summary");
  is_str(c.lock, "/var/lock/cleave.lock", "full: absolute lock kept");
  is_int(c.nplugins_cfg, 1, "full: one plugin section");
  geo = config_plugin(&c, "geo");
  if (ok(geo != NULL, "full: config_plugin finds geo")) {
    is_str(geo->name, "geo", "full: plugin name");
    is_int(geo->line, 23, "full: plugin header line");
    is_int(geo->n, 2, "full: plugin entries");
    is_str(geo->entries[0].key, "regions", "full: entry 0 key");
    is_str(geo->entries[0].value, "data/regions.csv", "full: plugin values are not resolved");
    is_int(geo->entries[0].line, 24, "full: entry 0 line");
    is_str(geo->entries[1].key, "mode", "full: entry 1 key");
    is_int(geo->entries[1].line, 25, "full: entry 1 line");
  }
  ok(config_plugin(&c, "nope") == NULL, "config_plugin: unknown name is NULL");
  config_free(&c);
}

static void test_values(void) {
  config c;
  static const struct {
    const char *word;
    char want;
  } delims[] = {{",", ','}, {";", ';'}, {"|", '|'}, {"tab", '\t'},
                {"comma", ','}, {"semicolon", ';'}, {"pipe", '|'}};
  static const char *const levels[] = {"error", "warning", "info", "debug"};
  char text[256];

  for (size_t i = 0; i < sizeof delims / sizeof delims[0]; i++) {
    snprintf(text, sizeof text, "[input]\ndelimiter=%s\n", delims[i].word);
    loads(&c, text, "delimiter=%s loads", delims[i].word);
    is_int(c.delimiter, delims[i].want, "delimiter=%s", delims[i].word);
    config_free(&c);
  }
  /* the dialect keys */
  loads(&c, "[input]\ndelimiter = auto\nquote = none\ndecimal = comma\nencoding = cp1252\n"
            "[output]\ndelimiter = semicolon\nbom = yes\nline_ending = crlf\n",
        "dialect keys load");
  is_int(c.delimiter, 0, "delimiter = auto is 0");
  is_int(c.quote, 0, "quote = none is 0");
  is_int(c.decimal, ',', "decimal = comma");
  is_int(c.encoding, CONFIG_ENC_CP1252, "encoding = cp1252");
  is_int(c.out_delimiter, ';', "[output] delimiter = semicolon");
  is_int(c.out_bom, 1, "bom = yes");
  is_int(c.out_crlf, 1, "line_ending = crlf");
  config_free(&c);
  loads(&c, "[input]\nencoding = latin-1\n", "encoding = latin-1 loads");
  is_int(c.encoding, CONFIG_ENC_LATIN1, "encoding = latin-1");
  is_int(c.quote, '"', "default: quote double");
  is_int(c.decimal, '.', "default: decimal point");
  is_int(c.out_delimiter, ',', "default: [output] delimiter ,");
  is_int(c.out_bom, 0, "default: no bom");
  is_int(c.out_crlf, 0, "default: line_ending lf");
  is_int(c.reader, CONFIG_READER_FAST, "default: reader fast");
  config_free(&c);
  fails("[output]\ndelimiter = auto\n",
        "engine.ini:2: delimiter = 'auto' is not one of , ; | tab", "[output] delimiter = auto");
  fails("[input]\nencoding = utf-16\n",
        "engine.ini:2: encoding = 'utf-16' is not one of utf-8, latin-1, cp1252", "encoding utf-16");
  fails("[input]\nquote = single\n", "engine.ini:2: quote = 'single' is not double or none",
        "quote = single");
  loads(&c, "[input]\nreader = libcsv\n", "reader = libcsv loads");
  is_int(c.reader, CONFIG_READER_LIBCSV, "reader = libcsv");
  config_free(&c);
  loads(&c, "[input]\nreader = fast\n", "reader = fast loads");
  is_int(c.reader, CONFIG_READER_FAST, "reader = fast");
  config_free(&c);
  fails("[input]\nreader = simd\n", "engine.ini:2: reader = 'simd' is not fast or libcsv",
        "reader = simd");
  fails("[output]\nbom = 1\n", "engine.ini:2: bom = '1' is not yes or no", "bom = 1");
  fails("[output]\nline_ending = cr\n", "engine.ini:2: line_ending = 'cr' is not lf or crlf",
        "line_ending = cr");
  for (int i = 0; i < 4; i++) {
    snprintf(text, sizeof text, "[engine]\nlog_level = %s\n", levels[i]);
    loads(&c, text, "log_level = %s loads", levels[i]);
    is_int(c.log_level, i, "log_level = %s", levels[i]);
    config_free(&c);
  }
  loads(&c, "[engine]\nthreads = 0\nlua_instructions = 1000\nlua_memory_mb = 1\n"
            "[input]\nmax_rejects = -1\n",
        "lower bounds load");
  is_int(c.threads, 0, "threads = 0");
  is_int(c.lua_instructions, 1000, "lua_instructions = 1000");
  is_int(c.lua_memory_mb, 1, "lua_memory_mb = 1");
  is_int(c.max_rejects, -1, "max_rejects = -1");
  config_free(&c);
  loads(&c, "[engine]\nthreads = 1024\nlua_memory_mb = 65536\nlua_instructions = 9000000000\n"
            "[input]\nmax_rejects = 0\n",
        "upper bounds load");
  is_int(c.threads, 1024, "threads = 1024");
  is_int(c.lua_memory_mb, 65536, "lua_memory_mb = 65536");
  is_int(c.lua_instructions, 9000000000L, "lua_instructions = 9000000000");
  is_int(c.max_rejects, 0, "max_rejects = 0");
  config_free(&c);

  /* max_invalid / max_invalid_column: a count, a percentage or none */
  config_init(&c);
  ok(c.max_invalid.kind == LIMIT_NONE, "default: max_invalid none");
  ok(c.max_invalid_column.kind == LIMIT_PERCENT && c.max_invalid_column.value == 50,
     "default: max_invalid_column 50%%");
  config_free(&c);
  loads(&c, "[input]\nmax_invalid = 1000\nmax_invalid_column = 2.5%\n", "limits load");
  ok(c.max_invalid.kind == LIMIT_COUNT && c.max_invalid.value == 1000, "max_invalid = 1000");
  ok(c.max_invalid_column.kind == LIMIT_PERCENT && c.max_invalid_column.value == 2.5,
     "max_invalid_column = 2.5%%");
  config_free(&c);
  loads(&c, "[input]\nmax_invalid = 0%\nmax_invalid_column = none\n", "limits 0%% and none load");
  ok(c.max_invalid.kind == LIMIT_PERCENT && c.max_invalid.value == 0, "max_invalid = 0%%");
  ok(c.max_invalid_column.kind == LIMIT_NONE, "max_invalid_column = none");
  config_free(&c);
  {
    cl_limit l = {LIMIT_COUNT, 3};
    ok(!limit_exceeded(&l, 3, 10) && limit_exceeded(&l, 4, 10), "count: more than N fails");
    l = (cl_limit){LIMIT_PERCENT, 50};
    ok(!limit_exceeded(&l, 5, 10) && limit_exceeded(&l, 6, 10), "percent: a larger share fails");
    ok(!limit_exceeded(&l, 0, 0), "percent: no values present never fails");
    l = (cl_limit){LIMIT_PERCENT, 0};
    ok(limit_exceeded(&l, 1, 1000000) && !limit_exceeded(&l, 0, 5), "0%%: any bad value fails");
    l = (cl_limit){LIMIT_NONE, 0};
    ok(!limit_exceeded(&l, 100, 100), "none never fails");
    const char *bad[] = {"-2", "101%", "5.5", "1e3", "%", "abc", "5 %", "-1%", "", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
      ok(config_word_limit(bad[i], &l) != 0, "limit '%s' is refused", bad[i]);
  }

  loads(&c, "[engine]\nas_of = today\n", "as_of = today loads");
  ok(c.as_of >= date_today() - 1 && c.as_of <= date_today(), "as_of = today is today");
  config_free(&c);
  loads(&c, "[engine]\nas_of = 2024-02-29\n", "as_of leap day loads");
  is_int(c.as_of, date_from_civil(2024, 2, 29), "as_of = 2024-02-29");
  config_free(&c);

  loads(&c, "[input]\nid_column = Customer ID\n", "value with inner space loads");
  is_str(c.id_column, "Customer ID", "inner spaces kept");
  config_free(&c);

  loads(&c, "[engine]\nthreads: 3\n", "'key: value' loads");
  is_int(c.threads, 3, "'key: value' sets the key");
  config_free(&c);
}

static void test_syntax(void) {
  config c;
  loads(&c,
        "; a comment\n"
        "# another comment\n"
        "   ; an indented comment\n"
        "[engine] ; the engine\n"
        "threads = 4 ; four threads\n"
        "rules = a;b.lua\n"
        "  log_level = warning\n"
        "\t\n"
        "[ input ]\n"
        "id_column=id ;x\n"
        "[output]\n"
        "path = out/x#1.csv\n",
        "comments, inline comments, indented keys load");
  is_int(c.threads, 4, "inline ' ; comment' stripped");
  is_str(c.rules, "a;b.lua", "';' without space before it is kept");
  is_int(c.log_level, LOG_WARNING, "indented key line is a key, not a continuation");
  is_str(c.id_column, "id", "no spaces around '=' and inline comment");
  is_str(c.output, "out/x#1.csv", "'#' inside a value is kept");
  config_free(&c);

  loads(&c, "\xEF\xBB\xBF[engine]\nthreads = 2\n", "BOM at start loads");
  is_int(c.threads, 2, "BOM: section on line 1 seen");
  config_free(&c);
  loads(&c, "\xEF\xBB\xBF; comment\n[engine]\nthreads = 5\n", "BOM before a comment loads");
  is_int(c.threads, 5, "BOM + comment");
  config_free(&c);
  fails("\xEF\xBB\xBF[engine]\nthread = 2\n",
        "engine.ini:2: unknown key 'thread' in [engine] (did you mean 'threads'?)",
        "BOM: line numbers unchanged");

  loads(&c, "[engine]\r\nthreads = 6\r\nrules = r.lua\r\n\r\n[output]\r\npath = -\r\n",
        "CRLF file loads");
  is_int(c.threads, 6, "CRLF: number parsed");
  is_str(c.rules, "r.lua", "CRLF: no \\r in value");
  is_str(c.output, "-", "CRLF: '-' kept");
  config_free(&c);
  fails("[engine]\r\n\r\nthreads = two\r\n",
        "engine.ini:3: threads = 'two' is not a whole number from 0 to 1024",
        "CRLF: error line number");

  loads(&c, "[engine]\nthreads = 7", "no newline at end of file loads");
  is_int(c.threads, 7, "last line without newline");
  config_free(&c);
}

static void test_long_lines(void) {
  config c;
  char text[1024], *line;

  line = line_of("rules", 198);
  snprintf(text, sizeof text, "[engine]\n%s\nthreads = 3\n", line);
  loads(&c, text, "198-byte line loads");
  ok(c.rules && strlen(c.rules) == 198 - 8, "198-byte line: value whole");
  is_int(c.threads, 3, "198-byte line: next line read");
  config_free(&c);
  free(line);

  line = line_of("rules", 199);
  snprintf(text, sizeof text, "[engine]\n%s\n", line);
  fails(text, "engine.ini:2: line is 199 bytes long; lines other than comments may be at most 198 bytes",
        "199-byte line is an error");
  free(line);

  line = line_of("rules", 250);
  snprintf(text, sizeof text, "; header\n\n[engine]\nthreads = 1\n%s\nthreads = 2\n", line);
  fails(text, "engine.ini:5: line is 250 bytes long; lines other than comments may be at most 198 bytes",
        "250-byte line: error names its line");
  snprintf(text, sizeof text, "[engine]\r\n%s\r\n", line);
  fails(text, "engine.ini:2: line is 250 bytes long; lines other than comments may be at most 198 bytes",
        "250-byte line with CRLF");
  free(line);

  /* A long comment is fine, and later line numbers stay right. */
  memset(text, 0, sizeof text);
  strcpy(text, "[engine]\n;");
  memset(text + strlen(text), 'c', 300);
  strcat(text, "\n#");
  memset(text + strlen(text), 'd', 300);
  strcat(text, "\nthraeds = 1\n");
  fails(text, "engine.ini:4: unknown key 'thraeds' in [engine] (did you mean 'threads'?)",
        "error after two 300-byte comments has the right line");

  line = line_of("rules", 250);
  snprintf(text, sizeof text, "[plugin.geo]\n%s\n", line);
  fails(text, "engine.ini:2: line is 250 bytes long; lines other than comments may be at most 198 bytes",
        "250-byte line in a plugin section");
  free(line);
}

static void test_sections(void) {
  config c;
  const config_section *s;

  fails("; cleave\n\n[engine]\nthreads = 1\n\n# next\n[engnie]\nrules = x\n",
        "engine.ini:7: unknown section [engnie] (did you mean [engine]?)",
        "unknown section with suggestion");
  fails("[engine]\n[imput]\n", "engine.ini:2: unknown section [imput] (did you mean [input]?)",
        "unknown section without keys still reported");
  fails("[Output]\n", "engine.ini:1: unknown section [Output] (did you mean [output]?)",
        "section names are case-sensitive");
  fails("\n[global]\n",
        "engine.ini:2: unknown section [global] (sections are [engine], [input], [output], "
        "[state] and [plugin.<name>])",
        "unknown section without suggestion");
  {
    config sc;
    loads(&sc, "[state]\ndir = st\n[output]\naudience_macros = yes\n",
          "[state] dir and [output] audience_macros load");
    ok(sc.state_dir && strstr(sc.state_dir, "st") != NULL && sc.audience_macros == 1,
       "state_dir and audience_macros set");
    config_free(&sc);
  }
  fails("[state]\nfolder = x\n", "engine.ini:2: unknown key 'folder' in [state] (its keys are: dir)",
        "[state] knows only dir");
  fails("[plugins.geo]\n", "engine.ini:1: unknown section [plugins.geo] (did you mean [plugin.geo]?)",
        "misspelt plugin prefix");
  fails("[engine]\n[]\n", "engine.ini:2: empty section name []", "empty section name");
  fails("[engine]\n[  ]\n", "engine.ini:2: empty section name []", "blank section name");
  fails("\n[engine\nthreads = 1\n", "engine.ini:2: section header '[engine' has no closing ']'",
        "missing ']'");
  fails("[engine] x\n",
        "engine.ini:1: unexpected text 'x' after the section header (a comment there starts with ';')",
        "text after ']'");
  fails("[plugin.]\n", "engine.ini:1: section [plugin.] has no plugin name: write [plugin.<name>]",
        "[plugin.] is an error");
  fails("[plugin]\n", "engine.ini:1: section [plugin] needs a plugin name: write [plugin.<name>]",
        "[plugin] is an error");
  fails("[engine]\n[plugin.Geo]\n",
        "engine.ini:2: bad plugin name 'Geo' in [plugin.Geo]: use lowercase letters, digits and "
        "'_', starting with a letter",
        "uppercase plugin name");
  fails("[plugin.9x]\n",
        "engine.ini:1: bad plugin name '9x' in [plugin.9x]: use lowercase letters, digits and "
        "'_', starting with a letter",
        "plugin name starting with a digit");
  fails("[plugin.geo.x]\n",
        "engine.ini:1: bad plugin name 'geo.x' in [plugin.geo.x]: use lowercase letters, digits "
        "and '_', starting with a letter",
        "plugin name with a dot");
  fails("[engine]\nthreads = 1\n[input]\n\n[engine]\nrules = r.lua\n",
        "engine.ini:5: section [engine] appears twice (lines 1 and 5); put its keys in one section",
        "duplicate section is an error");
  fails("[plugin.geo]\na = 1\n[plugin.geo]\nb = 2\n",
        "engine.ini:3: section [plugin.geo] appears twice (lines 1 and 3); put its keys in one "
        "section",
        "duplicate plugin section is an error");

  /* A long section name is not cut (inih would cut it at 49 bytes). */
  loads(&c, "[plugin.a_plugin_with_a_rather_long_name_well_over_fifty_bytes]\nk = v\n",
        "long plugin section name loads");
  s = config_plugin(&c, "a_plugin_with_a_rather_long_name_well_over_fifty_bytes");
  ok(s && s->n == 1, "long plugin section name kept whole");
  config_free(&c);

  loads(&c,
        "[engine]\n"
        "threads = 2\n"
        "[plugin.empty]\n"
        "\n"
        "; nothing here\n"
        "[plugin.geo]\n"
        "; regions file\n"
        "regions = a.csv ; comment\n"
        "\n"
        "Mode: strict\n"
        "blank =\n"
        "[plugin.web_2]\n"
        "url = http://x/y#z\n",
        "plugin sections load");
  is_int(c.nplugins_cfg, 3, "three plugin sections, in file order");
  if (c.nplugins_cfg == 3) {
    is_str(c.plugins_cfg[0].name, "empty", "first: empty");
    is_str(c.plugins_cfg[1].name, "geo", "second: geo");
    is_str(c.plugins_cfg[2].name, "web_2", "third: web_2");
  }
  s = config_plugin(&c, "empty");
  if (ok(s != NULL, "plugin section without keys exists")) {
    is_int(s->n, 0, "no entries");
    is_int(s->line, 3, "its header line");
  }
  s = config_plugin(&c, "geo");
  if (ok(s && s->n == 3, "geo has three entries")) {
    is_int(s->line, 6, "geo header line");
    is_str(s->entries[0].key, "regions", "geo entry 0 key");
    is_str(s->entries[0].value, "a.csv", "geo entry 0 value, comment stripped");
    is_int(s->entries[0].line, 8, "geo entry 0 line");
    is_str(s->entries[1].key, "Mode", "any key is collected (the plugin validates)");
    is_str(s->entries[1].value, "strict", "geo entry 1 value");
    is_int(s->entries[1].line, 10, "geo entry 1 line");
    is_str(s->entries[2].value, "", "empty value kept for the plugin");
    is_int(s->entries[2].line, 11, "geo entry 2 line");
  }
  s = config_plugin(&c, "web_2");
  if (ok(s && s->n == 1, "web_2 has one entry")) is_str(s->entries[0].value, "http://x/y#z", "url kept");
  config_free(&c);

  fails("[plugin.geo]\nregions = a\nmode = b\nregions = c\n",
        "engine.ini:4: duplicate key 'regions' in [plugin.geo] (lines 2 and 4)",
        "duplicate key in a plugin section");
}

static void test_keys(void) {
  fails("[engine]\nthreads = 1\n\n; comments\n# and blanks\n\n\n[input]\npath = x\n\n[engine2]\n",
        "engine.ini:11: unknown section [engine2] (did you mean [engine]?)",
        "line numbers count comments and blank lines");
  fails("[engine]\nrules = r\nplugins = p\n\n; more\nthreads = 2\n\n[input]\n\n\n\n"
        "[output]\nthreads = 1\n",
        "engine.ini:13: unknown key 'threads' in [output] (it belongs in [engine])",
        "key from another section");
  fails("[engine]\nrules = r\nplugins = p\n\n; more\n\n\n\n\n\n\nthread = 2\n",
        "engine.ini:12: unknown key 'thread' in [engine] (did you mean 'threads'?)",
        "unknown key with suggestion");
  fails("[engine]\nid_column = x\n",
        "engine.ini:2: unknown key 'id_column' in [engine] (it belongs in [input])",
        "unknown key: belongs in another section");
  fails("[input]\nfoo = 1\n",
        "engine.ini:2: unknown key 'foo' in [input] (its keys are: path, id_column, delimiter, "
        "quote, decimal, encoding, header, columns, columns_from, stats, rejects, max_rejects, max_invalid, "
        "max_invalid_column, reader)",
        "unknown key without suggestion");
  fails("[engine]\nThreads = 1\n",
        "engine.ini:2: unknown key 'Threads' in [engine] (did you mean 'threads'?)",
        "keys are case-sensitive");
  fails("; top\nthreads = 4\n[engine]\n",
        "engine.ini:2: key 'threads' comes before any [section] (it belongs in [engine])",
        "key before any section");
  fails("path = x\n",
        "engine.ini:1: key 'path' comes before any [section] (it belongs in [input] or [output])",
        "key before any section, two homes");
  fails("zzz = x\n", "engine.ini:1: key 'zzz' comes before any [section]",
        "unknown key before any section");
  fails("[engine]\nthreads = 1\nrules = a\n\nthreads = 2\n",
        "engine.ini:5: duplicate key 'threads' in [engine] (lines 2 and 5)",
        "duplicate key names both lines");
  fails("[input]\npath = a\n[output]\npath = b\n[input]\n",
        "engine.ini:5: section [input] appears twice (lines 1 and 5); put its keys in one section",
        "same key in two sections is fine, the repeated section is not");
  fails("[engine]\n= 4\n", "engine.ini:2: missing key name before '='", "empty key name");
  fails("[engine]\nthreads 4\n", "engine.ini:2: 'threads 4' is not 'key = value'",
        "line without '='");
  fails("[engine]\nthreads ; = 4\n", "engine.ini:2: 'threads ; = 4' is not 'key = value'",
        "'=' only inside a comment");
  fails("[engine]\nrules = a\n    b.lua\n",
        "engine.ini:3: 'b.lua' is not 'key = value' (a value cannot continue on an indented "
        "line; put it on one line)",
        "indented continuation line is an error");
  fails("[plugin.geo]\nlist = a,\n\tb\n",
        "engine.ini:3: 'b' is not 'key = value' (a value cannot continue on an indented line; "
        "put it on one line)",
        "continuation in a plugin section is an error");
  {
    char text[] = "[engine]\nthreads = 1\x00\n";
    write_file("engine.ini", text, sizeof text - 1);
    config c;
    cl_error err;
    config_init(&c);
    is_int(config_load(&c, "engine.ini", &err), CL_EXIT_CONFIG, "NUL byte: CL_EXIT_CONFIG");
    is_str(err.msg, "engine.ini:2: line contains a NUL byte (is this a text file?)", "NUL byte message");
    config_free(&c);
  }
}

static void test_bad_values(void) {
  static const struct {
    const char *text, *msg;
  } cases[] = {
      {"[engine]\nthreads = two\n", "threads = 'two' is not a whole number from 0 to 1024"},
      {"[engine]\nthreads = -1\n", "threads = '-1' is not a whole number from 0 to 1024"},
      {"[engine]\nthreads = 1025\n", "threads = '1025' is not a whole number from 0 to 1024"},
      {"[engine]\nthreads = 4.0\n", "threads = '4.0' is not a whole number from 0 to 1024"},
      {"[engine]\nthreads = 4 # four\n",
       "threads = '4 # four' is not a whole number from 0 to 1024 (only ';' starts a comment "
       "after a value)"},
      {"[engine]\nthreads = 99999999999999999999\n",
       "threads = '99999999999999999999' is not a whole number from 0 to 1024"},
      {"[engine]\nthreads =\n", "threads has no value; give a whole number from 0 to 1024"},
      {"[engine]\nas_of = 2026-02-30\n",
       "as_of = '2026-02-30' is not a calendar date (2026-02 has 28 days)"},
      {"[engine]\nas_of = 2025-04-31\n",
       "as_of = '2025-04-31' is not a calendar date (2025-04 has 30 days)"},
      {"[engine]\nas_of = 2026-13-01\n",
       "as_of = '2026-13-01' is not a calendar date (months run from 01 to 12)"},
      {"[engine]\nas_of = 26-11-01\n", "as_of = '26-11-01' is not a date YYYY-MM-DD or 'today'"},
      {"[engine]\nas_of = 2026/11/01\n",
       "as_of = '2026/11/01' is not a date YYYY-MM-DD or 'today'"},
      {"[engine]\nas_of = Today\n", "as_of = 'Today' is not a date YYYY-MM-DD or 'today'"},
      {"[engine]\nlua_instructions = 999\n",
       "lua_instructions = '999' is not a whole number of at least 1000"},
      {"[engine]\nlua_instructions = 50M\n",
       "lua_instructions = '50M' is not a whole number of at least 1000"},
      {"[engine]\nlua_instructions = 99999999999999999999\n",
       "lua_instructions = '99999999999999999999' is too large"},
      {"[engine]\nlua_memory_mb = 0\n", "lua_memory_mb = '0' is not a whole number from 1 to 65536"},
      {"[engine]\nlua_memory_mb = 65537\n",
       "lua_memory_mb = '65537' is not a whole number from 1 to 65536"},
      {"[engine]\nlog_level = verbose\n",
       "log_level = 'verbose' is not one of error, warning, info, debug"},
      {"[engine]\nlog_level = INFO\n", "log_level = 'INFO' is not one of error, warning, info, debug"},
      {"[input]\ndelimiter = x\n", "delimiter = 'x' is not one of , ; | tab or auto"},
      {"[input]\ndelimiter = \\t\n", "delimiter = '\\t' is not one of , ; | tab or auto"},
      {"[input]\ndelimiter = ;\n",
       "delimiter has no value; give one of , ; | tab (for ';' write 'semicolon': a ';' after a "
       "space starts a comment)"},
      {"[input]\nmax_rejects = -2\n",
       "max_rejects = '-2' is not a whole number of at least -1 (-1 = no limit)"},
      {"[input]\nmax_invalid = 120%\n",
       "max_invalid = '120%' is not a count N, a percentage like 5% or none"},
      {"[input]\nmax_invalid_column = lots\n",
       "max_invalid_column = 'lots' is not a count N, a percentage like 50% or none"},
      {"[input]\nmax_rejects = many\n",
       "max_rejects = 'many' is not a whole number of at least -1 (-1 = no limit)"},
      {"[input]\nid_column =\n", "id_column has no value; give a column name"},
      {"[engine]\nrules =\n", "rules has no value; give a file path"},
      {"[engine]\nplugins = ; none\n", "plugins has no value; give directories and .so files separated by ':'"},
      {"[input]\npath =\n", "path has no value; give a file path or '-'"},
      {"[input]\nrejects =\n", "rejects has no value; give a file path"},
      {"[output]\npath =\n", "path has no value; give a file path or '-'"},
      {"[output]\nsummary =\n", "summary has no value; give a file path"},
      {"[output]\nlock =\n", "lock has no value; give a file path"},
      {"[output]\nsummary = -\n",
       "summary = '-' is not allowed here: only [input] path and [output] path may be '-' "
       "(stdin, stdout)"},
      {"[engine]\nrules = \"my rules.lua\"\n",
       "rules = \"my rules.lua\": values are not quoted in engine.ini; write rules = my rules.lua"},
  };
  char want[512], text[512];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    /* put the bad line after comments and blanks: line 6 */
    snprintf(text, sizeof text, "; c\n\n# c\n\n%s", cases[i].text);
    snprintf(want, sizeof want, "engine.ini:6: %s", cases[i].msg);
    fails(text, want, cases[i].msg);
  }
}

static void test_paths(void) {
  config c;
  cl_error err;
  char abs_ini[512], want[600], cwd[400];

  mkdir("conf", 0700);
  write_ini("conf/engine.ini",
            "[engine]\nrules = rules.lua\nplugins = ../plugins\n"
            "[input]\npath = in/customers.csv\nrejects = /abs/rejects.csv\n"
            "[output]\npath = out.csv\nsummary = sum.json\nlock = run.lock\n");
  config_init(&c);
  is_int(config_load(&c, "conf/engine.ini", &err), 0, "conf/engine.ini loads");
  is_str(c.path, "conf/engine.ini", "path as given");
  is_str(c.rules, "conf/rules.lua", "rules relative to the ini dir");
  is_str(c.plugins, "conf/../plugins", "plugins relative to the ini dir");
  is_str(c.input, "conf/in/customers.csv", "input relative to the ini dir");
  is_str(c.rejects, "/abs/rejects.csv", "absolute rejects kept");
  is_str(c.output, "conf/out.csv", "output relative to the ini dir");
  is_str(c.summary, "conf/sum.json", "summary relative to the ini dir");
  is_str(c.lock, "conf/run.lock", "lock relative to the ini dir");
  config_free(&c);

  write_ini("conf/std.ini", "[input]\npath = -\n[output]\npath = -\n");
  config_init(&c);
  is_int(config_load(&c, "conf/std.ini", &err), 0, "'-' paths load");
  is_str(c.input, "-", "input '-' stays '-' (stdin)");
  is_str(c.output, "-", "output '-' stays '-' (stdout)");
  config_free(&c);

  if (!getcwd(cwd, sizeof cwd)) cwd[0] = '\0';
  snprintf(abs_ini, sizeof abs_ini, "%s/conf/engine.ini", cwd);
  config_init(&c);
  is_int(config_load(&c, abs_ini, &err), 0, "absolute ini path loads");
  snprintf(want, sizeof want, "%s/conf/rules.lua", cwd);
  is_str(c.rules, want, "rules relative to an absolute ini dir");
  config_free(&c);

  snprintf(abs_ini, sizeof abs_ini, "%s//conf//engine.ini", cwd);
  config_init(&c);
  is_int(config_load(&c, abs_ini, &err), 0, "ini path with doubled slashes loads");
  snprintf(want, sizeof want, "%s//conf/rules.lua", cwd);
  is_str(c.rules, want, "no slash added after a trailing one");
  config_free(&c);

  loads(&c, "[engine]\nrules = r.lua\n", "ini in the current directory");
  is_str(c.rules, "r.lua", "no directory part: path unchanged");
  config_free(&c);

  /* messages name the file as given */
  write_ini("conf/bad.ini", "[engine]\nthreads = x\n");
  config_init(&c);
  config_load(&c, "conf/bad.ini", &err);
  is_str(err.msg, "conf/bad.ini:2: threads = 'x' is not a whole number from 0 to 1024",
         "message names the ini path as given");
  config_free(&c);
}

static void test_unreadable(void) {
  config c;
  cl_error err;
  config_init(&c);
  is_int(config_load(&c, "nope.ini", &err), CL_EXIT_CONFIG, "missing file: CL_EXIT_CONFIG");
  is_str(err.msg, "cannot read nope.ini: No such file or directory", "missing file message");
  config_free(&c);

  config_init(&c);
  is_int(config_load(&c, "conf", &err), CL_EXIT_CONFIG, "directory: CL_EXIT_CONFIG");
  is_str(err.msg, "cannot read conf: it is a directory, not a regular file", "directory message");
  config_free(&c);

  if (geteuid() != 0) {
    write_ini("secret.ini", "[engine]\n");
    chmod("secret.ini", 0);
    config_init(&c);
    is_int(config_load(&c, "secret.ini", &err), CL_EXIT_CONFIG, "unreadable: CL_EXIT_CONFIG");
    is_str(err.msg, "cannot read secret.ini: Permission denied", "unreadable message");
    config_free(&c);
  }
}

static void test_parse_date(void) {
  int32_t d = 0;
  is_int(config_parse_date("1970-01-01", &d), 0, "1970-01-01 parses");
  is_int(d, 0, "1970-01-01 is day 0");
  is_int(config_parse_date("2026-11-01", &d), 0, "2026-11-01 parses");
  is_int(d, date_from_civil(2026, 11, 1), "2026-11-01 days");
  is_int(config_parse_date("2024-02-29", &d), 0, "leap day parses");
  ok(config_parse_date("2026-02-30", &d) != 0, "2026-02-30 refused");
  ok(config_parse_date("2026-13-01", &d) != 0, "2026-13-01 refused");
  ok(config_parse_date("26-11-01", &d) != 0, "26-11-01 refused");
  ok(config_parse_date("2026-11-01 ", &d) != 0, "trailing space refused");
  ok(config_parse_date("2026-1-01", &d) != 0, "one-digit month refused");
  ok(config_parse_date("today", &d) != 0, "'today' is not a date here");
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

int main(void) {
  if (!mkdtemp(tmpdir) || chdir(tmpdir) != 0) {
    perror(tmpdir);
    return 1;
  }
  test_defaults();
  test_full();
  test_values();
  test_syntax();
  test_long_lines();
  test_sections();
  test_keys();
  test_bad_values();
  test_paths();
  test_unreadable();
  test_parse_date();
  if (chdir("/") == 0) nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  return done_testing();
}
