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
    "      --threads N         worker threads, 0 = one per core (overrides [engine] threads)\n"
    "      --chunk-size BYTES  input is read in chunks of this size (default 1048576)\n"
    "  -q, --quiet             print only warnings and errors\n"
    "  -h, --help              this text\n"
    "  -V, --version           version, plugin ABI and Lua versions\n"
    "\n"
    "exit codes: 0 ok, 1 problems found, 2 usage, 3 config, 4 rules, 5 input,\n"
    "            6 output, 7 plugin, 8 another run holds the lock, 70 internal\n";

static const char *const commands[] = {"run", NULL};

enum { O_RULES = 256, O_INPUT, O_OUTPUT, O_REJECTS, O_SUMMARY, O_ASOF, O_PLUGINS,
       O_THREADS, O_CHUNK };

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

int cli_parse(int argc, char **argv, cli_opts *o) {
  static const struct option longopts[] = {
      {"config", required_argument, NULL, 'c'},   {"rules", required_argument, NULL, O_RULES},
      {"input", required_argument, NULL, O_INPUT}, {"output", required_argument, NULL, O_OUTPUT},
      {"rejects", required_argument, NULL, O_REJECTS},
      {"summary", required_argument, NULL, O_SUMMARY},
      {"as-of", required_argument, NULL, O_ASOF},  {"plugins", required_argument, NULL, O_PLUGINS},
      {"threads", required_argument, NULL, O_THREADS},
      {"chunk-size", required_argument, NULL, O_CHUNK},
      {"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},         {NULL, 0, NULL, 0}};
  memset(o, 0, sizeof *o);
  o->threads = -1;
  o->chunk_size = -1;
  o->sample = -1;
  o->row = -1;
  opterr = 0;
  optind = 1;
  int c;
  long v;
  while ((c = getopt_long(argc, argv, "+c:qhV", longopts, NULL)) != -1) {
    switch (c) {
    case 'c': o->config = optarg; break;
    case O_RULES: o->rules = optarg; break;
    case O_INPUT: o->input = optarg; break;
    case O_OUTPUT: o->output = optarg; break;
    case O_REJECTS: o->rejects = optarg; break;
    case O_SUMMARY: o->summary = optarg; break;
    case O_ASOF: o->as_of = optarg; break;
    case O_PLUGINS: o->plugins = optarg; break;
    case O_THREADS:
      if (parse_long(optarg, 0, 1024, &v)) return usage_error("--threads %s: give a whole number from 0 to 1024", optarg);
      o->threads = (int)v;
      break;
    case O_CHUNK:
      if (parse_long(optarg, 1, 1L << 30, &v)) return usage_error("--chunk-size %s: give a number of bytes", optarg);
      o->chunk_size = v;
      break;
    case 'q': o->quiet = 1; break;
    case 'h': fputs(usage_text, stdout); return 0;
    case 'V':
      printf("cleave %s (plugin ABI %d.%d, %s)\n", CLEAVE_VERSION, CLEAVE_ABI_MAJOR,
             CLEAVE_ABI_MINOR, LUA_RELEASE);
      return 0;
    default:
      if (optopt) {
        char s[2] = {(char)optopt, 0};
        return usage_error("option -%s needs a value or is unknown", s);
      }
      return usage_error("unknown option %s", argv[optind - 1]);
    }
    if (!o->command && optind < argc && argv[optind][0] != '-') {
      /* options before the command: keep going */
    }
  }
  if (optind >= argc) return usage_error("%s", "no command given: try cleave run");
  o->command = argv[optind++];
  int known = 0;
  for (const char *const *k = commands; *k; k++) known |= strcmp(*k, o->command) == 0;
  if (!known) return usage_error("unknown command '%s'", o->command);
  /* options after the command */
  int rest_argc = argc - optind + 1;
  char **rest = argv + optind - 1;
  optind = 1;
  while ((c = getopt_long(rest_argc, rest, "c:qhV", longopts, NULL)) != -1) {
    switch (c) {
    case 'c': o->config = optarg; break;
    case O_RULES: o->rules = optarg; break;
    case O_INPUT: o->input = optarg; break;
    case O_OUTPUT: o->output = optarg; break;
    case O_REJECTS: o->rejects = optarg; break;
    case O_SUMMARY: o->summary = optarg; break;
    case O_ASOF: o->as_of = optarg; break;
    case O_PLUGINS: o->plugins = optarg; break;
    case O_THREADS:
      if (parse_long(optarg, 0, 1024, &v)) return usage_error("--threads %s: give a whole number from 0 to 1024", optarg);
      o->threads = (int)v;
      break;
    case O_CHUNK:
      if (parse_long(optarg, 1, 1L << 30, &v)) return usage_error("--chunk-size %s: give a number of bytes", optarg);
      o->chunk_size = v;
      break;
    case 'q': o->quiet = 1; break;
    case 'h': fputs(usage_text, stdout); return 0;
    case 'V':
      printf("cleave %s (plugin ABI %d.%d, %s)\n", CLEAVE_VERSION, CLEAVE_ABI_MAJOR,
             CLEAVE_ABI_MINOR, LUA_RELEASE);
      return 0;
    default:
      return usage_error("bad option %s", rest[optind - 1]);
    }
  }
  o->args = rest + optind;
  o->nargs = rest_argc - optind;
  if (o->nargs > 0 && strcmp(o->command, "run") == 0)
    return usage_error("unexpected argument '%s'", o->args[0]);
  return -1;
}
