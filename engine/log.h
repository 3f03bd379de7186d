/* SPDX-License-Identifier: MIT */
/*
** log.h -- messages to stderr for people and cron logs:
** "cleave: warning: scripts/x.lua:12: ..." One logger per run, passed around.
** One message is one line: control characters in it are escaped.
**
** Cron-shaped: a run that goes well says nothing on stderr unless stderr is
** a terminal or --verbose is given (info and debug lines are then shown);
** warnings and errors are always shown. level (log_level) governs all.
**
** A log file (--log-file, [engine] log_file) gets every message at or
** above the level, and the run's phase lines (log_event), as
**   2026-12-02T07:30:00.123+0100 info run=6764d1a8-4242 message
** one line per write, appended (O_APPEND), one pattern for every line:
**   ^\S+ (error|warning|info|debug) run=\S+ .*$
*/
#ifndef CLEAVE_LOG_H
#define CLEAVE_LOG_H

#include <stddef.h>
#include <stdio.h>

enum { LOG_ERROR = 0, LOG_WARNING = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

typedef struct logger {
  int level;        /* messages above this level are dropped */
  FILE *out;        /* stderr unless a test redirects it */
  int out_info;     /* info and debug lines go to out too (a terminal, --verbose) */
  int file_fd;      /* the log file, or -1 */
  char run_id[32];  /* "<start time, hex>-<pid>": this run's lines in the log file */
} logger;

/* All levels to out (tests); no log file. */
void log_init(logger *lg, int level, FILE *out);
/* Open path for appending (never through a symlink; regular files only).
** 0, or -1 with why set to the reason. */
int log_open_file(logger *lg, const char *path, char *why, size_t whylen);
void log_close(logger *lg);
/* A line for the log file only (a run's start and end), at level. */
void log_event(logger *lg, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_msg(logger *lg, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* How msg (len bytes) is written in the log: control
** characters but tab escaped (\n, \r, \xHH). Returns the length; out may be
** NULL (to measure), else has room for it. */
size_t log_escape(const char *msg, size_t len, char *out);
/* "error|warning|info|debug" -> level, or -1. */
int log_level_parse(const char *s);

#endif
