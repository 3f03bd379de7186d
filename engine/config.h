/* SPDX-License-Identifier: MIT */
/*
** config.h -- engine.ini, read with inih.
**
** Sections: [engine], [input], [output], and one [plugin.<name>] per plugin
** (its key/value lines are handed to that plugin, which declares the keys it
** accepts). Unknown sections and keys, duplicate keys, lines too long for
** inih and malformed lines are errors naming the file and line. Relative paths
** are resolved against the directory of the ini file, so a cron job may run
** from anywhere.
*/
#ifndef CLEAVE_CONFIG_H
#define CLEAVE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "cleave/plugin.h"
#include "error.h"

typedef struct config_section {
  char *name;                    /* plugin name: "geo" for [plugin.geo] */
  int line;                      /* line of the [plugin.geo] header */
  cleave_config_entry *entries;  /* key/value/line, strings owned here */
  size_t n;
} config_section;

/* A limit on unreadable values: none, a count, or a percentage of the
** values present (max_invalid, max_invalid_column). */
typedef struct cl_limit {
  int kind;     /* LIMIT_NONE, LIMIT_COUNT, LIMIT_PERCENT */
  double value; /* the count, or the percentage (0..100) */
} cl_limit;

enum { LIMIT_NONE, LIMIT_COUNT, LIMIT_PERCENT };

/* Whether bad values of `of` present ones pass limit l (the one place that
** says what a limit means: more than the count, or a larger share than the
** percentage, fails). */
int limit_exceeded(const cl_limit *l, uint64_t bad, uint64_t of);
/* "50%", "1000" or "none", for messages. */
void limit_format(const cl_limit *l, char *out, size_t n);

typedef struct config {
  char *path; /* the ini file as given; NULL when no file was read */
  /* [engine] */
  char *rules;          /* rules = FILE            (default none) */
  char *plugins;        /* plugins = DIR:FILE.so:... (default NULL: CLEAVE_PLUGIN_PATH,
                        ** else the compiled-in CLEAVE_PLUGINDIR; plugin_path.c) */
  int threads;          /* threads = N, 0 = one per core (default 0) */
  int32_t as_of;        /* as_of = YYYY-MM-DD | today (default today, UTC) */
  long lua_instructions;/* lua_instructions = N    (default 50000000) */
  long lua_memory_mb;   /* lua_memory_mb = N       (default 256) */
  int log_level;        /* log_level = error|warning|info|debug (default info) */
  char *log_file;       /* log_file = FILE: lines appended with time and run id */
  /* [input] */
  char *input;          /* path = FILE | -         (default none) */
  char *id_column;      /* id_column = NAME        (default customer_id) */
  char delimiter;       /* delimiter = , | ; | tab | | | auto (default ,); 0 = auto */
  char quote;           /* quote = double | none (default double: '"'); 0 = none */
  char decimal;         /* decimal = point | comma (default point: '.') */
  int encoding;         /* encoding = utf-8 | latin-1 | cp1252 (CONFIG_ENC_*) */
  int in_header;        /* header = yes | no (default yes): the first row names the columns */
  char *columns;        /* columns = a,b,c: the names when header = no */
  char *stats;          /* stats = FILE: population thresholds from cleave stats */
  char *columns_from;   /* columns_from = FILE: or the first row of FILE */
  int reader;           /* reader = fast | libcsv (CONFIG_READER_*, default fast) */
  char *rejects;        /* rejects = FILE          (default <output>.rejects.csv) */
  long max_rejects;     /* max_rejects = N, -1 = no limit (default -1) */
  cl_limit max_invalid; /* max_invalid = N | P% | none: all number and date values */
  cl_limit max_invalid_column; /* max_invalid_column = N | P% | none (default 50%) */
  /* [output] */
  char *output;         /* path = FILE | -         (default -) */
  char *summary;        /* summary = FILE          (default none) */
  char *report;         /* report = FILE           (report.html; default none) */
  char *lock;           /* lock = FILE             (default <output>.lock) */
  char out_delimiter;   /* delimiter = , | ; | tab | | (default ,) */
  int out_bom;          /* bom = yes | no (default no): a UTF-8 BOM first */
  int out_crlf;         /* line_ending = lf | crlf (default lf) */
  int format;           /* format = wide | long | jsonl (CONFIG_FMT_*, default wide) */
  char *audiences;      /* audiences = DIR: one CSV per segment (default none) */
  int audience_macros;  /* audience_macros = yes | no: also one per macro value */
  char *audience_columns; /* audience_columns = a,b: input columns in each audience file */
  int out_header;       /* header = yes | no (default yes): the output's header line */
  int summary_line;     /* summary_format = pretty | line (default pretty): one JSON line */
  /* [state] */
  char *state_dir;      /* dir = DIR               (default none: no state, no delta) */
  /* [plugin.<name>] sections, in file order */
  config_section *plugins_cfg;
  size_t nplugins_cfg;
} config;

enum { CONFIG_ENC_UTF8, CONFIG_ENC_LATIN1, CONFIG_ENC_CP1252 };
enum { CONFIG_FMT_WIDE, CONFIG_FMT_LONG, CONFIG_FMT_JSONL };
/* the CSV reader: the vectorised one (libcsv for what it is unsure of), or
** libcsv for everything (csv_fast.h: the same values as CSV_READER_*) */
enum { CONFIG_READER_FAST, CONFIG_READER_LIBCSV };

/* The words of the dialect keys, shared by engine.ini and the command line;
** each returns 0, or -1 when v is not one of them. */
int config_word_delimiter(const char *v, int allow_auto, char *out); /* auto -> 0 */
int config_word_quote(const char *v, char *out);    /* double -> '"', none -> 0 */
int config_word_decimal(const char *v, char *out);  /* point -> '.', comma -> ',' */
int config_word_encoding(const char *v, int *out);  /* utf-8, latin-1, cp1252 */
int config_word_yes_no(const char *v, int *out);
int config_word_line_ending(const char *v, int *out); /* lf -> 0, crlf -> 1 */
/* pretty -> 0, line -> 1 */
int config_word_summary_format(const char *v, int *out);
/* "none" (or -1), a whole number N >= 0, or a percentage "P%" (0 to 100). */
int config_word_limit(const char *v, cl_limit *out);
int config_word_format(const char *v, int *out);      /* wide, long, jsonl */
int config_word_reader(const char *v, int *out);      /* fast, libcsv */
/* "utf-8", "latin-1", "cp1252" */
const char *config_encoding_name(int enc);

/* Fill c with defaults (as_of = today in UTC). */
void config_init(config *c);

/* Read path into c (over the defaults). On error returns a CL_EXIT_CONFIG
** code with err->msg like "engine.ini:12: unknown key 'thread' in [engine]
** (did you mean 'threads'?)". */
int config_load(config *c, const char *path, cl_error *err);

/* The [plugin.<name>] section, or NULL. */
const config_section *config_plugin(const config *c, const char *name);

void config_free(config *c);

/* Parse "YYYY-MM-DD" (exactly) into days since 1970-01-01; 0 on success. */
int config_parse_date(const char *s, int32_t *days);

#endif
