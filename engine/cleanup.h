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

#endif
