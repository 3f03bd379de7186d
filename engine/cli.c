/*
** cli.c -- parsing `cleave <command> [options]` with getopt_long.
*/
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>

#include "cleave/plugin.h"
#include "cli.h"
#include "error.h"
#include "version.h"

static const char usage_text[] =
    "usage: cleave <command> [options]\n"
    "\n"
    "commands:\n"
    "  run        segment the input: one tagged line per customer, a reject file\n"
    "             for rows that cannot be read, and summary.json\n"
    "  check      validate the rules against the input's header and a sample of\n"
    "             rows without writing anything [--sample N] [--strict]\n"
    "  explain    show how one customer got its segments:\n"
    "             cleave explain CUSTOMER_ID, or cleave explain --row N\n"
    "  test       run rule tests written in Lua: cleave test [FILE...]\n"
    "\n"
    "options:\n"
    "  -c, --config FILE       settings to read (default: ./engine.ini if present)\n"
    "      --rules FILE        rule file             (overrides [engine] rules)\n"
    "      --input FILE|-      customer CSV          (overrides [input] path)\n"
    "      --output FILE|-     tagged CSV            (overrides [output] path)\n"
    "      --rejects FILE      rejected rows         (overrides [input] rejects)\n"
    "      --summary FILE      summary.json          (overrides [output] summary)\n"
    "      --as-of YYYY-MM-DD  evaluation date       (overrides [engine] as_of)\n"
    "      --plugins DIR       plugin directory      (overrides [engine] plugins)\n"
    "      --id-column NAME    the customer id column (overrides [input] id_column)\n"
    "      --threads N         worker threads, 0 = one per core (overrides [engine] threads)\n"
    "      --chunk-size BYTES  input is read in chunks of this size (default 1048576)\n"
    "      --evaluator batch|row  batch (default) or one row at a time (for comparison)\n"
    "      --sample N          check: also evaluate the first N rows, report sizes\n"
    "      --strict            check: warnings fail the check too\n"
    "      --row N             explain: the Nth row of the input (1 = first after the header)\n"
    "  -q, --quiet             print only warnings and errors\n"
    "  -h, --help              this text\n"
    "  -V, --version           version, plugin ABI and Lua versions\n"
    "\n"
    "exit codes: 0 ok, 1 problems found, 2 usage, 3 config, 4 rules, 5 input,\n"
    "            6 output, 7 plugin, 8 another run holds the lock, 70 internal\n";

static const char *const commands[] = {"run", "check", "explain", "test", NULL};

enum { O_RULES = 256, O_INPUT, O_OUTPUT, O_REJECTS, O_SUMMARY, O_ASOF, O_PLUGINS,
       O_THREADS, O_CHUNK, O_EVAL, O_SAMPLE, O_STRICT, O_ROW, O_IDCOL };

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "cleave: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(cleave --help lists commands and options)\n");
  return CL_EXIT_USAGE;
}

static int parse_long(const char *s, long lo, long hi, long *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

/* One option; -1 = go on, else the exit code. */
static int take_option(int c, const char *arg, const char *word, cli_opts *o) {
  long v;
  switch (c) {
  case 'c': o->config = arg; return -1;
  case O_RULES: o->rules = arg; return -1;
  case O_INPUT: o->input = arg; return -1;
  case O_OUTPUT: o->output = arg; return -1;
  case O_REJECTS: o->rejects = arg; return -1;
  case O_SUMMARY: o->summary = arg; return -1;
  case O_ASOF: o->as_of = arg; return -1;
  case O_PLUGINS: o->plugins = arg; return -1;
  case O_IDCOL:
    if (!*arg) return usage_error("--id-column needs a column name%s", "");
    o->id_column = arg;
    return -1;
  case O_THREADS:
    if (parse_long(arg, 0, 1024, &v))
      return usage_error("--threads %s: give a whole number from 0 to 1024", arg);
    o->threads = (int)v;
    return -1;
  case O_CHUNK:
    if (parse_long(arg, 1, 1L << 30, &v)) return usage_error("--chunk-size %s: give a number of bytes", arg);
    o->chunk_size = v;
    return -1;
  case O_EVAL:
    if (strcmp(arg, "batch") != 0 && strcmp(arg, "row") != 0)
      return usage_error("--evaluator %s: batch or row", arg);
    o->row_at_a_time = strcmp(arg, "row") == 0;
    return -1;
  case O_SAMPLE:
    if (parse_long(arg, 1, 1L << 40, &v)) return usage_error("--sample %s: give a number of rows", arg);
    o->sample = v;
    return -1;
  case O_STRICT: o->strict = 1; return -1;
  case O_ROW:
    if (parse_long(arg, 1, 1L << 40, &v)) return usage_error("--row %s: give a row number from 1", arg);
    o->row = v;
    return -1;
  case 'q': o->quiet = 1; return -1;
  case 'h': fputs(usage_text, stdout); return 0;
  case 'V':
    printf("cleave %s (plugin ABI %d.%d, %s)\n", CLEAVE_VERSION, CLEAVE_ABI_MAJOR,
           CLEAVE_ABI_MINOR, LUA_RELEASE);
    return 0;
  default: return usage_error("unknown option or missing value: %s", word);
  }
}

int cli_parse(int argc, char **argv, cli_opts *o) {
  static const struct option longopts[] = {
      {"config", required_argument, NULL, 'c'},   {"rules", required_argument, NULL, O_RULES},
      {"input", required_argument, NULL, O_INPUT}, {"output", required_argument, NULL, O_OUTPUT},
      {"rejects", required_argument, NULL, O_REJECTS},
      {"summary", required_argument, NULL, O_SUMMARY},
      {"as-of", required_argument, NULL, O_ASOF},  {"plugins", required_argument, NULL, O_PLUGINS},
      {"threads", required_argument, NULL, O_THREADS},
      {"chunk-size", required_argument, NULL, O_CHUNK},
      {"evaluator", required_argument, NULL, O_EVAL},
      {"sample", required_argument, NULL, O_SAMPLE}, {"strict", no_argument, NULL, O_STRICT},
      {"row", required_argument, NULL, O_ROW},
      {"id-column", required_argument, NULL, O_IDCOL},
      {"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},         {NULL, 0, NULL, 0}};
  memset(o, 0, sizeof *o);
  o->threads = -1;
  o->chunk_size = -1;
  o->sample = -1;
  o->row = -1;
  opterr = 0;
  /* options may come before and after the command: "+" stops at the command */
  optind = 1;
  int c, rc;
  while ((c = getopt_long(argc, argv, "+c:qhV", longopts, NULL)) != -1)
    if ((rc = take_option(c, optarg, argv[optind - 1], o)) >= 0) return rc;
  if (optind >= argc) return usage_error("%s", "no command given: try cleave run");
  o->command = argv[optind++];
  int known = 0;
  for (const char *const *k = commands; *k; k++) known |= strcmp(*k, o->command) == 0;
  if (!known) return usage_error("unknown command '%s'", o->command);
  int rest_argc = argc - optind + 1;
  char **rest = argv + optind - 1;
  optind = 1;
  while ((c = getopt_long(rest_argc, rest, "c:qhV", longopts, NULL)) != -1)
    if ((rc = take_option(c, optarg, rest[optind - 1], o)) >= 0) return rc;
  o->args = rest + optind;
  o->nargs = rest_argc - optind;
  int is_explain = strcmp(o->command, "explain") == 0, is_test = strcmp(o->command, "test") == 0;
  if (o->nargs > 0 && !is_explain && !is_test)
    return usage_error("unexpected argument '%s'", o->args[0]);
  if (is_explain && (o->nargs > 1 || (o->nargs == 1) == (o->row > 0)))
    return usage_error("%s", "explain needs one customer id, or --row N");
  return -1;
}
