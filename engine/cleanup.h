/* SPDX-License-Identifier: MIT */
/*
** cleanup.h -- temporary output files are removed on every way out the
** process survives: a normal return, exit() anywhere (the out-of-memory exit
** 70 included, through atexit), SIGINT, SIGTERM, SIGHUP, and the crash
** signals SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT (an async-signal-safe
** handler on its own stack, then the default action: the exit status and
** the core dump stay as they were). SIGPIPE is ignored: a closed pipe is a
** write error (EPIPE) that outfile.c reports, exit 6. What no handler can
** catch (SIGKILL, power loss) is swept by the next run (fsafe_sweep).
**
** The signal handler needs the names in static storage: this file holds the
** engine's only process-wide mutable table, and nothing else touches it.
*/
#ifndef CLEAVE_CLEANUP_H
#define CLEAVE_CLEANUP_H

/* Install the handlers (once, at start). */
void cleanup_install(void);
/* Remember / forget a temporary file to remove on the way out. */
void cleanup_add(const char *path);
void cleanup_forget(const char *path);
/* Remove every remembered file now (async-signal-safe). */
void cleanup_now(void);
/* Hold off / let through the signals that end the run (SIGINT, SIGTERM,
** SIGHUP) around a step that must not be cut in two. */
void cleanup_hold(void);
void cleanup_release(void);

/* What a crash message names. A crash signal (SEGV, BUS, FPE, ILL) in the
** middle of a plugin call prints, with write(2) only, before the default
** action:
**   cleave: crashed (SIGSEGV) in plugin code: geo.prefix (eval)
**   cleave: loaded plugins: dates 1.0 (build/plugins/dates.so), geo 1.0 (...)
** cleanup_mark sets the calling thread's marker around a plugin call (phase
** "init", "compile", "thread_init", "eval"; name "geo" or "geo.prefix";
** NULL, NULL clears it). Both strings must stay valid while marked: the
** handler reads them. Two thread-local stores: cheap enough per call site
** and batch, not meant per row. */
void cleanup_mark(const char *phase, const char *name);
#define CLEANUP_INFO_MAX 2048
/* The "loaded plugins: ..." text (copied, cut to CLEANUP_INFO_MAX - 1 bytes);
** main thread only, before the workers start. */
void cleanup_crash_info(const char *text);

#endif
