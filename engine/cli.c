/* SPDX-License-Identifier: MIT */
/*
** cli.c -- parsing `cleave <command> [options] [arguments]` the way GNU tools
** do: options anywhere (before or after the command and its arguments), `--`
** ends them, unique prefixes of long options, `cleave CMD --help` and
** `cleave help CMD`, did-you-mean for a misspelt command or option.
**
** One table (options[]) says each option's name, value, help line and the
** commands it belongs to; the help texts and getopt's table are made from
** it, so a new option is one line here.
*/
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>

#include "cleave/plugin.h"
#include "cli.h"
#include "config.h"
#include "error.h"
#include "suggest.h"
#include "version.h"

/* --- commands ------------------------------------------------------------ */

enum { C_RUN = 1 << 0, C_CHECK = 1 << 1, C_EXPLAIN = 1 << 2, C_TEST = 1 << 3,
       C_HELP = 1 << 4, C_PLUGINS = 1 << 5, C_MERGE = 1 << 7, C_STATS = 1 << 8 };
#define C_RULES (C_RUN | C_CHECK | C_EXPLAIN | C_TEST | C_STATS) /* commands that load rules */

typedef struct command {
  const char *name;
  unsigned bit;
  const char *synopsis; /* after "cleave NAME" */
  const char *about;    /* what it does, a few lines */
} command;

static const command commands[] = {
    {"run", C_RUN, "[options]",
     "Segment the input: one tagged line per customer (in input order), a reject\n"
     "file for rows that cannot be read, and summary.json; all of them replace the\n"
     "previous run's together, or none does."},
    {"check", C_CHECK, "[options]",
     "Validate the rules against the input's header and a sample of rows without\n"
     "writing anything: Lua mistakes, unknown columns, values that do not parse,\n"
     "cases that can never win; with --sample N, the size of every segment."},
    {"explain", C_EXPLAIN, "CUSTOMER_ID | --row N [options]",
     "Show how one customer got its segments: every split and segment as a tree,\n"
     "with the value each test saw."},
    {"test", C_TEST, "[FILE...] [options]",
     "Run rule tests written in Lua (default: the rule file's *_test.lua beside\n"
     "it) and print TAP."},
    {"plugins", C_PLUGINS, "[options]",
     "List every plugin on the plugin path (--plugins, [engine] plugins,\n"
     "CLEAVE_PLUGIN_PATH or the default folder): version, file, each criterion's\n"
     "arguments, result and help, and the [plugin.<name>] keys it accepts."},
    {"merge", C_MERGE, "SUMMARY... [--output FILE|-]",
     "Sum the summary.json files of the shards of one run (cleave as a filter under\n"
     "parallel, Dask, Spark or Hadoop) into the summary a single run would write;\n"
     "shards of other rules, list files or as_of dates are refused."},
    {"stats", C_STATS, "[--stats-columns A,B] [--output FILE|-] | --merge STATS... [--output FILE|-]",
     "Population statistics of the number columns the rules use (or --stats-columns):\n"
     "count, missing, min, max and quantiles from a mergeable KLL sketch, written as a\n"
     "stats file for --stats (thresholds like spend:top_percent(10)); --merge sums\n"
     "the stats files of shards into the one a single pass would write."},
    {"help", C_HELP, "[COMMAND]", "Describe cleave, or one command and its options."},
    {NULL, 0, NULL, NULL}};

/* --- options ------------------------------------------------------------- */

enum { O_RULES = 256, O_INPUT, O_OUTPUT, O_REJECTS, O_SUMMARY, O_ASOF, O_PLUGINS,
       O_THREADS, O_CHUNK, O_EVAL, O_SAMPLE, O_STRICT, O_ROW, O_IDCOL, O_NOCONFIG,
       O_LOGFILE, O_VERBOSE, O_DELIM, O_QUOTE, O_DECIMAL, O_ENCODING, O_OUT_DELIM,
       O_OUT_BOM, O_CRLF, O_MAX_REJ, O_MAX_INV, O_MAX_INV_COL,
       O_FORMAT, O_AUDIENCES, O_AUD_MACROS, O_AUD_COLUMNS,
       O_NO_HEADER, O_COLUMNS, O_COLUMNS_FROM, O_NO_OUT_HEADER, O_SUM_FORMAT, O_READER, O_STATE, O_REPORT,
       O_STATS, O_STATS_COLUMNS, O_MERGE };

typedef struct option_info {
  const char *name;  /* long name */
  int val;           /* short letter or O_* */
  int has_arg;
  const char *arg;   /* the value's name in help, or NULL */
  unsigned cmds;     /* commands it belongs to */
  const char *help;
} option_info;

static const option_info options[] = {
    {"config", 'c', required_argument, "FILE", C_RULES | C_PLUGINS,
     "settings to read (default: ./engine.ini when present)"},
    {"no-config", O_NOCONFIG, no_argument, NULL, C_RULES | C_PLUGINS,
     "read no engine.ini, not even ./engine.ini"},
    {"rules", O_RULES, required_argument, "FILE", C_RULES, "rule file ([engine] rules)"},
    {"input", O_INPUT, required_argument, "FILE|-", C_RULES, "customer CSV ([input] path)"},
    {"output", O_OUTPUT, required_argument, "FILE|-", C_RUN | C_MERGE | C_STATS,
     "tagged CSV ([output] path); merge: the merged summary; stats: the stats file (default -)"},
    {"stats", O_STATS, required_argument, "FILE", C_RUN | C_CHECK | C_EXPLAIN | C_TEST,
     "thresholds like spend:top_percent(10) from this stats file (cleave stats; [input] stats)"},
    {"stats-columns", O_STATS_COLUMNS, required_argument, "A,B,...", C_STATS,
     "the number columns to describe (default: those the rule file reads as numbers)"},
    {"merge", O_MERGE, no_argument, NULL, C_STATS,
     "merge the stats files given as arguments (the shards of one input)"},
    {"rejects", O_REJECTS, required_argument, "FILE", C_RUN,
     "rejected rows ([input] rejects)"},
    {"summary", O_SUMMARY, required_argument, "FILE", C_RUN,
     "summary.json ([output] summary)"},
    {"state", O_STATE, required_argument, "DIR", C_RUN,
     "keep memberships in DIR; write who entered/exited since the last run ([state] dir)"},
    {"report", O_REPORT, required_argument, "FILE", C_RUN,
     "report.html, charts of the run ([output] report)"},
    {"as-of", O_ASOF, required_argument, "YYYY-MM-DD", C_RULES,
     "evaluation date of every date rule ([engine] as_of)"},
    {"plugins", O_PLUGINS, required_argument, "PATH", C_RULES | C_PLUGINS,
     "plugin folders and .so files, separated by ':' ([engine] plugins)"},
    {"id-column", O_IDCOL, required_argument, "NAME", C_RULES,
     "the customer id column ([input] id_column)"},
    {"no-header", O_NO_HEADER, no_argument, NULL, C_RULES,
     "the input has no header row: the names come from --columns ([input] header = no)"},
    {"columns", O_COLUMNS, required_argument, "A,B,...", C_RULES,
     "the column names of an input without a header row ([input] columns)"},
    {"columns-from", O_COLUMNS_FROM, required_argument, "FILE", C_RULES,
     "or the names in the first row of FILE ([input] columns_from)"},
    {"delimiter", O_DELIM, required_argument, "D", C_RULES,
     "input field separator: comma, semicolon, tab, pipe (or , ; |) or auto ([input] delimiter)"},
    {"quote", O_QUOTE, required_argument, "double|none", C_RULES,
     "none: '\"' is an ordinary character, as in TSV from COPY ([input] quote)"},
    {"decimal", O_DECIMAL, required_argument, "point|comma", C_RULES,
     "comma: numbers are written 1.234,56 ([input] decimal)"},
    {"encoding", O_ENCODING, required_argument, "ENC", C_RULES,
     "input encoding: utf-8, latin-1 or cp1252 ([input] encoding)"},
    {"max-rejects", O_MAX_REJ, required_argument, "N", C_RUN,
     "fail the run above N rejected rows, -1 = no limit ([input] max_rejects)"},
    {"max-invalid", O_MAX_INV, required_argument, "N|P%", C_RUN | C_CHECK,
     "fail the run above N (or P% of the) unreadable number and date values ([input] "
     "max_invalid)"},
    {"max-invalid-column", O_MAX_INV_COL, required_argument, "N|P%", C_RUN | C_CHECK,
     "the same for each column, default 50% ([input] max_invalid_column)"},
    {"output-delimiter", O_OUT_DELIM, required_argument, "D", C_RUN,
     "output field separator: comma, semicolon, tab, pipe ([output] delimiter)"},
    {"output-bom", O_OUT_BOM, no_argument, NULL, C_RUN,
     "start the output with a UTF-8 byte-order mark ([output] bom)"},
    {"summary-format", O_SUM_FORMAT, required_argument, "pretty|line", C_RUN,
     "line: summary.json on one line, as a shard's for cleave merge ([output] summary_format)"},
    {"no-output-header", O_NO_OUT_HEADER, no_argument, NULL, C_RUN,
     "no header line in the output, as for a shard of a larger run ([output] header = no)"},
    {"crlf", O_CRLF, no_argument, NULL, C_RUN,
     "end output lines with CRLF ([output] line_ending)"},
    {"format", O_FORMAT, required_argument, "wide|long|jsonl", C_RUN,
     "the output's layout: one line per customer, per membership, or JSON ([output] format)"},
    {"audiences", O_AUDIENCES, required_argument, "DIR", C_RUN,
     "also write DIR/<segment>.csv for every micro segment ([output] audiences)"},
    {"audience-macros", O_AUD_MACROS, no_argument, NULL, C_RUN,
     "and DIR/<split>=<value>.csv for every macro value ([output] audience_macros)"},
    {"audience-columns", O_AUD_COLUMNS, required_argument, "A,B", C_RUN,
     "input columns in each audience file, after the id ([output] audience_columns)"},
    {"threads", O_THREADS, required_argument, "N", C_RUN | C_CHECK,
     "worker threads, 0 = one per core ([engine] threads)"},
    {"chunk-size", O_CHUNK, required_argument, "BYTES", C_RUN,
     "read the input in chunks of this size (default 1048576)"},
    {"reader", O_READER, required_argument, "fast|libcsv", C_RULES,
     "CSV reader: fast (vectorised; libcsv for what it is unsure of) or libcsv ([input] reader)"},
    {"evaluator", O_EVAL, required_argument, "batch|row", C_RUN,
     "batch (default), or one row at a time (for comparison)"},
    {"sample", O_SAMPLE, required_argument, "N", C_CHECK,
     "also evaluate the first N rows and report the sizes"},
    {"strict", O_STRICT, no_argument, NULL, C_CHECK, "warnings fail the check too"},
    {"row", O_ROW, required_argument, "N", C_EXPLAIN,
     "the Nth row of the input (1 = the first after the header)"},
    {"quiet", 'q', no_argument, NULL, C_RULES | C_MERGE, "print only warnings and errors"},
    {"verbose", O_VERBOSE, no_argument, NULL, C_RULES | C_MERGE,
     "info lines and the size table even when stderr is not a terminal"},
    {"log-file", O_LOGFILE, required_argument, "FILE", C_RULES,
     "also append every message, with time and run id, to FILE ([engine] log_file)"},
    {"help", 'h', no_argument, NULL, C_RULES | C_HELP | C_MERGE | C_PLUGINS, "this text"},
    {"version", 'V', no_argument, NULL, C_RULES | C_HELP | C_MERGE | C_PLUGINS,
     "version, plugin ABI and Lua versions"},
    {NULL, 0, 0, NULL, 0, NULL}};

#define NOPTIONS (sizeof options / sizeof options[0] - 1)

static const char exit_codes[] =
    "exit codes: 0 ok, 1 problems found, 2 usage, 3 config, 4 rules, 5 input,\n"
    "            6 output, 7 plugin, 8 another run holds the lock,\n"
    "            9 more unreadable values than max_invalid allows, 70 internal\n";

static const option_info *option_by_val(int val) {
  for (const option_info *p = options; p->name; p++)
    if (p->val == val) return p;
  return NULL;
}

static const command *command_named(const char *name) {
  for (const command *c = commands; c->name; c++)
    if (strcmp(c->name, name) == 0) return c;
  return NULL;
}

static void print_options(FILE *f, unsigned cmds) {
  for (const option_info *p = options; p->name; p++) {
    if (!(p->cmds & cmds)) continue;
    char left[64];
    int n = p->val < 256 ? snprintf(left, sizeof left, "-%c, --%s", p->val, p->name)
                         : snprintf(left, sizeof left, "    --%s", p->name);
    if (p->arg) snprintf(left + n, sizeof left - (size_t)n, " %s", p->arg);
    fprintf(f, "  %-28s %s\n", left, p->help);
  }
}

static void print_usage(FILE *f) {
  fputs("usage: cleave <command> [options] [arguments]\n\ncommands:\n", f);
  for (const command *c = commands; c->name; c++) {
    const char *nl = strchr(c->about, '\n');
    int first = nl ? (int)(nl - c->about) : (int)strlen(c->about);
    fprintf(f, "  %-9s %.*s\n", c->name, first, c->about);
  }
  fputs("\n'cleave help COMMAND' (or 'cleave COMMAND --help') lists a command's options.\n"
        "Options may come before or after the command and its arguments; '--' ends them.\n"
        "Flags override engine.ini; docs/config.md lists every key.\n\n", f);
  fputs(exit_codes, f);
}

static void print_command_help(FILE *f, const command *c) {
  fprintf(f, "usage: cleave %s %s\n\n%s\n\noptions:\n", c->name, c->synopsis, c->about);
  print_options(f, c->bit);
  fputc('\n', f);
  fputs(exit_codes, f);
}

static void print_version(FILE *f) {
  fprintf(f, "cleave %s\nplugin ABI %d.%d\n%s\n", CLEAVE_VERSION, CLEAVE_ABI_MAJOR,
          CLEAVE_ABI_MINOR, LUA_RELEASE);
}

/* --- errors ------------------------------------------------------------------ */

/* A usage error: the message, then where to look. cmd may be NULL. */
static int usage_error(const command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int usage_error(const command *cmd, const char *fmt, ...) {
  va_list ap;
  fputs("cleave: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  if (cmd) fprintf(stderr, "\n(cleave %s --help lists its options)\n", cmd->name);
  else fputs("\n(cleave --help lists commands and options)\n", stderr);
  return CL_EXIT_USAGE;
}

static int unknown_command(const char *word) {
  const char *names[sizeof commands / sizeof commands[0]];
  size_t n = 0;
  for (const command *c = commands; c->name; c++) names[n++] = c->name;
  const char *hint = suggest_closest(word, names, n);
  if (hint) return usage_error(NULL, "unknown command '%s' (did you mean '%s'?)", word, hint);
  return usage_error(NULL, "unknown command '%s'", word);
}

/* The text of an unknown option (argv word, "--name=value" cut at '='). */
static int unknown_option(const command *cmd, const char *word, int letter) {
  if (letter) return usage_error(cmd, "unknown option '-%c'", letter);
  char name[128];
  const char *w = word;
  while (*w == '-') w++;
  snprintf(name, sizeof name, "%.*s", (int)strcspn(w, "="), w);
  const char *names[NOPTIONS];
  for (size_t i = 0; i < NOPTIONS; i++) names[i] = options[i].name;
  const char *hint = suggest_closest(name, names, NOPTIONS);
  if (hint) return usage_error(cmd, "unknown option '--%s' (did you mean '--%s'?)", name, hint);
  return usage_error(cmd, "unknown option '--%s'", name);
}

/* --- values -------------------------------------------------------------------- */

static int parse_long(const char *s, long lo, long hi, long *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

/* Store one option's value; -1 = go on, else the exit code. */
static int take_option(const option_info *p, const char *arg, cli_opts *o) {
  long v;
  switch (p->val) {
  case 'c': o->config = arg; break;
  case O_NOCONFIG: o->no_config = 1; break;
  case O_RULES: o->rules = arg; break;
  case O_INPUT: o->input = arg; break;
  case O_OUTPUT: o->output = arg; break;
  case O_REJECTS: o->rejects = arg; break;
  case O_SUMMARY: o->summary = arg; break;
  case O_STATE: o->state = arg; break;
  case O_REPORT: o->report = arg; break;
  case O_STATS: o->stats = arg; break;
  case O_STATS_COLUMNS:
    if (!*arg) return usage_error(NULL, "--stats-columns needs column names, separated by ','");
    o->stats_columns = arg;
    break;
  case O_MERGE: o->merge = 1; break;
  case O_ASOF: o->as_of = arg; break;
  case O_PLUGINS: o->plugins = arg; break;
  case O_IDCOL:
    if (!*arg) return usage_error(NULL, "--id-column needs a column name");
    o->id_column = arg;
    break;
  case O_DELIM:
  case O_OUT_DELIM: {
    char d;
    if (config_word_delimiter(arg, p->val == O_DELIM, &d))
      return usage_error(NULL, "--%s %s: give comma, semicolon, tab or pipe (or , ; |)%s",
                         p->name, arg, p->val == O_DELIM ? ", or auto" : "");
    if (p->val == O_DELIM) o->delimiter = arg;
    else o->out_delimiter = arg;
    break;
  }
  case O_QUOTE: {
    char q;
    if (config_word_quote(arg, &q)) return usage_error(NULL, "--quote %s: double or none", arg);
    o->quote = arg;
    break;
  }
  case O_DECIMAL: {
    char d;
    if (config_word_decimal(arg, &d))
      return usage_error(NULL, "--decimal %s: point or comma", arg);
    o->decimal = arg;
    break;
  }
  case O_ENCODING: {
    int e;
    if (config_word_encoding(arg, &e))
      return usage_error(NULL, "--encoding %s: utf-8, latin-1 or cp1252", arg);
    o->encoding = arg;
    break;
  }
  case O_MAX_REJ:
    if (parse_long(arg, -1, LONG_MAX, &v))
      return usage_error(NULL, "--max-rejects %s: give a whole number of at least -1", arg);
    o->max_rejects = arg;
    break;
  case O_MAX_INV:
  case O_MAX_INV_COL: {
    cl_limit l;
    if (config_word_limit(arg, &l))
      return usage_error(NULL, "--%s %s: give a count (1000), a percentage (5%%) or none",
                         p->name, arg);
    if (p->val == O_MAX_INV) o->max_invalid = arg;
    else o->max_invalid_column = arg;
    break;
  }
  case O_NO_HEADER: o->no_header = 1; break;
  case O_COLUMNS:
    if (!*arg) return usage_error(NULL, "--columns needs column names, separated by ','");
    o->columns = arg;
    break;
  case O_COLUMNS_FROM: o->columns_from = arg; break;
  case O_SUM_FORMAT: {
    int f;
    if (config_word_summary_format(arg, &f))
      return usage_error(NULL, "--summary-format %s: pretty or line", arg);
    o->summary_format = arg;
    break;
  }
  case O_NO_OUT_HEADER: o->no_output_header = 1; break;
  case O_READER: {
    int r;
    if (config_word_reader(arg, &r)) return usage_error(NULL, "--reader %s: fast or libcsv", arg);
    o->reader = arg;
    break;
  }
  case O_OUT_BOM: o->out_bom = 1; break;
  case O_CRLF: o->crlf = 1; break;
  case O_FORMAT: {
    int f;
    if (config_word_format(arg, &f)) return usage_error(NULL, "--format %s: wide, long or jsonl", arg);
    o->format = arg;
    break;
  }
  case O_AUDIENCES:
    if (!*arg) return usage_error(NULL, "--audiences needs a directory");
    o->audiences = arg;
    break;
  case O_AUD_MACROS: o->audience_macros = 1; break;
  case O_AUD_COLUMNS: o->audience_columns = arg; break;
  case O_THREADS:
    if (parse_long(arg, 0, 1024, &v))
      return usage_error(NULL, "--threads %s: give a whole number from 0 to 1024", arg);
    o->threads = (int)v;
    break;
  case O_CHUNK:
    if (parse_long(arg, 1, 1L << 30, &v))
      return usage_error(NULL, "--chunk-size %s: give a number of bytes", arg);
    o->chunk_size = v;
    break;
  case O_EVAL:
    if (strcmp(arg, "batch") != 0 && strcmp(arg, "row") != 0)
      return usage_error(NULL, "--evaluator %s: batch or row", arg);
    o->row_at_a_time = strcmp(arg, "row") == 0;
    break;
  case O_SAMPLE:
    if (parse_long(arg, 1, 1L << 40, &v))
      return usage_error(NULL, "--sample %s: give a number of rows", arg);
    o->sample = v;
    break;
  case O_STRICT: o->strict = 1; break;
  case O_ROW:
    if (parse_long(arg, 1, 1L << 40, &v))
      return usage_error(NULL, "--row %s: give a row number from 1", arg);
    o->row = v;
    break;
  case 'q': o->quiet = 1; break;
  case O_VERBOSE: o->verbose = 1; break;
  case O_LOGFILE: o->log_file = arg; break;
  default: break; /* -h and -V are acted on once the command is known */
  }
  return -1;
}

/* --- the parse ------------------------------------------------------------------- */

typedef struct parse_state {
  unsigned char seen[NOPTIONS]; /* which options were given */
  char **pos;                   /* positional words, in order */
  int npos;
} parse_state;

/* getopt_long over all of argv, in order ("-" in the option string: each
** non-option word comes back as 1, whatever POSIXLY_CORRECT says). */
static int scan_argv(int argc, char **argv, cli_opts *o, parse_state *ps) {
  struct option longopts[NOPTIONS + 1];
  char shorts[3 * NOPTIONS + 4] = "-:";
  size_t sl = 2;
  for (size_t i = 0; i < NOPTIONS; i++) {
    longopts[i] = (struct option){options[i].name, options[i].has_arg, NULL, options[i].val};
    if (options[i].val < 256) {
      shorts[sl++] = (char)options[i].val;
      if (options[i].has_arg) shorts[sl++] = ':';
    }
  }
  shorts[sl] = '\0';
  memset(&longopts[NOPTIONS], 0, sizeof longopts[NOPTIONS]);
  opterr = 0;
  optind = 0; /* glibc: 0 starts a whole new scan */
  int c, rc;
  while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
    if (c == 1) {
      ps->pos[ps->npos++] = optarg;
      continue;
    }
    if (c == ':') {
      const option_info *p = option_by_val(optopt);
      if (p) return usage_error(NULL, "--%s needs a value (%s)", p->name, p->arg);
      return usage_error(NULL, "an option needs a value: %s", argv[optind - 1]);
    }
    if (c == '?') {
      if (optopt && optopt < 256) return unknown_option(NULL, NULL, optopt);
      return unknown_option(NULL, argv[optind - 1], 0);
    }
    const option_info *p = option_by_val(c);
    if (!p) return unknown_option(NULL, argv[optind - 1], 0);
    ps->seen[p - options] = 1;
    if ((rc = take_option(p, optarg, o)) >= 0) return rc;
  }
  while (optind < argc) ps->pos[ps->npos++] = argv[optind++]; /* after "--" */
  return -1;
}

static int seen(const parse_state *ps, int val) {
  const option_info *p = option_by_val(val);
  return p && ps->seen[p - options];
}

/* Options given that the command does not take. */
static int check_options(const parse_state *ps, const command *cmd) {
  for (size_t i = 0; i < NOPTIONS; i++) {
    if (!ps->seen[i] || (options[i].cmds & cmd->bit)) continue;
    const char *owner = NULL;
    for (const command *c = commands; c->name && !owner; c++)
      if (options[i].cmds & c->bit) owner = c->name;
    return usage_error(cmd, "--%s is not an option of cleave %s%s%s%s", options[i].name,
                       cmd->name, owner ? " (it belongs to cleave " : "", owner ? owner : "",
                       owner ? ")" : "");
  }
  return -1;
}

static int help_command(const parse_state *ps) {
  if (ps->npos > 2) return usage_error(NULL, "help takes one command name");
  if (ps->npos == 1) {
    print_usage(stdout);
    return 0;
  }
  const command *c = command_named(ps->pos[1]);
  if (!c) return unknown_command(ps->pos[1]);
  print_command_help(stdout, c);
  return 0;
}

int cli_parse(int argc, char **argv, cli_opts *o) {
  memset(o, 0, sizeof *o);
  o->threads = -1;
  o->chunk_size = -1;
  o->sample = -1;
  o->row = -1;
  parse_state ps;
  memset(&ps, 0, sizeof ps);
  ps.pos = calloc((size_t)(argc > 0 ? argc : 1), sizeof *ps.pos);
  if (!ps.pos) return usage_error(NULL, "out of memory");
  int rc = scan_argv(argc, argv, o, &ps);
  if (rc >= 0) goto done;
  if (seen(&ps, 'V')) {
    print_version(stdout);
    rc = 0;
    goto done;
  }
  if (ps.npos == 0) {
    if (seen(&ps, 'h')) {
      print_usage(stdout);
      rc = 0;
    } else {
      rc = usage_error(NULL, "no command given: try cleave run, or cleave help");
    }
    goto done;
  }
  const command *cmd = command_named(ps.pos[0]);
  if (!cmd) {
    rc = unknown_command(ps.pos[0]);
    goto done;
  }
  if (cmd->bit == C_HELP) {
    rc = help_command(&ps);
    goto done;
  }
  if (seen(&ps, 'h')) {
    print_command_help(stdout, cmd);
    rc = 0;
    goto done;
  }
  if ((rc = check_options(&ps, cmd)) >= 0) goto done;
  if (o->quiet && o->verbose) {
    rc = usage_error(cmd, "-q/--quiet and --verbose contradict each other");
    goto done;
  }
  if (o->no_config && o->config) {
    rc = usage_error(cmd, "-c/--config and --no-config contradict each other");
    goto done;
  }
  o->command = cmd->name;
  /* The arguments after the command, in order, are kept in argv itself
  ** (which outlives o): its slots from 1 on are free once scanned. */
  o->nargs = ps.npos - 1;
  for (int i = 1; i < ps.npos; i++) argv[i] = ps.pos[i];
  o->args = argv + 1;
  if (o->nargs > 0 && cmd->bit != C_EXPLAIN && cmd->bit != C_TEST && cmd->bit != C_MERGE &&
      !(cmd->bit == C_STATS && o->merge)) {
    rc = usage_error(cmd, "unexpected argument '%s'", o->args[0]);
    goto done;
  }
  if (cmd->bit == C_EXPLAIN && (o->nargs > 1 || (o->nargs == 1) == (o->row > 0))) {
    rc = usage_error(cmd, "explain needs one customer id, or --row N");
    goto done;
  }
  rc = -1;
done:
  free(ps.pos);
  return rc;
}
