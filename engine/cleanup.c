/* SPDX-License-Identifier: MIT */
/*
** cleanup.c -- remove temporary outputs on the way out (see cleanup.h).
*/
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

#define CLEANUP_MAX 32
#define CLEANUP_PATH 4096

/* Process-wide by necessity: a signal handler can reach nothing else. Only
** the main thread adds and forgets; the handler only reads. */
static char pending[CLEANUP_MAX][CLEANUP_PATH];
static volatile sig_atomic_t used[CLEANUP_MAX];
static char altstack[1 << 16]; /* the crash handler runs here after a stack overflow */

static const int ending[] = {SIGINT, SIGTERM, SIGHUP};
static const int crashes[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

/* The crash message's parts: the running plugin call of each thread, and
** the loaded plugins (set by the main thread before any worker starts). */
static _Thread_local const char *mark_phase, *mark_name;
static char crash_text[CLEANUP_INFO_MAX];

void cleanup_mark(const char *phase, const char *name) {
  mark_name = name;
  mark_phase = phase;
}

void cleanup_crash_info(const char *text) {
  size_t n = strlen(text);
  if (n >= sizeof crash_text) n = sizeof crash_text - 1;
  memcpy(crash_text, text, n);
  crash_text[n] = '\0';
}

/* write(2) of a NUL-terminated string: async-signal-safe, no strlen. */
static void put(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  while (n > 0) {
    ssize_t w = write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

static const char *crash_name(int sig) {
  switch (sig) {
  case SIGSEGV: return "SIGSEGV";
  case SIGBUS: return "SIGBUS";
  case SIGFPE: return "SIGFPE";
  case SIGILL: return "SIGILL";
  case SIGABRT: return "SIGABRT";
  default: return NULL;
  }
}

/* Inside a plugin call: say which, and the plugins' versions. */
static void crash_message(int sig) {
  const char *sn = crash_name(sig), *phase = mark_phase, *name = mark_name;
  if (!sn || !phase || !name) return;
  put("cleave: crashed (");
  put(sn);
  put(") in plugin code: ");
  put(name);
  put(" (");
  put(phase);
  put(")\n");
  if (crash_text[0]) {
    put("cleave: ");
    put(crash_text);
    put("\n");
  }
}

void cleanup_now(void) {
  for (int i = 0; i < CLEANUP_MAX; i++)
    if (used[i]) {
      unlink(pending[i]);
      used[i] = 0;
    }
}

static void on_signal(int sig) {
  crash_message(sig);
  cleanup_now();
  /* SA_RESETHAND restored the default action: raise it (delivered when the
  ** handler returns; a crash signal also recurs at the faulting instruction) */
  raise(sig);
}

static void on_exit_path(void) { cleanup_now(); }

void cleanup_install(void) {
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = altstack;
  ss.ss_size = sizeof altstack;
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof ending / sizeof *ending; i++) sigaddset(&sa.sa_mask, ending[i]);
  for (size_t i = 0; i < sizeof ending / sizeof *ending; i++) sigaction(ending[i], &sa, NULL);
  for (size_t i = 0; i < sizeof crashes / sizeof *crashes; i++) sigaction(crashes[i], &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  atexit(on_exit_path);
}

void cleanup_add(const char *path) {
  if (strlen(path) >= CLEANUP_PATH) return; /* cannot happen: PATH_MAX is 4096 */
  for (int i = 0; i < CLEANUP_MAX; i++)
    if (!used[i]) {
      strcpy(pending[i], path);
      used[i] = 1;
      return;
    }
}

void cleanup_forget(const char *path) {
  for (int i = 0; i < CLEANUP_MAX; i++)
    if (used[i] && strcmp(pending[i], path) == 0) used[i] = 0;
}

static void mask(int how) {
  sigset_t s;
  sigemptyset(&s);
  for (size_t i = 0; i < sizeof ending / sizeof *ending; i++) sigaddset(&s, ending[i]);
  sigprocmask(how, &s, NULL);
}

void cleanup_hold(void) { mask(SIG_BLOCK); }
void cleanup_release(void) { mask(SIG_UNBLOCK); }
