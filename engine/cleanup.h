/*
** cleanup.h -- temporary output files are removed when a signal (SIGINT,
** SIGTERM, SIGHUP) ends the run, so a killed cron job leaves nothing half
** written. The signal handler needs the names in static storage: this file
** holds the engine's only process-wide table, and nothing else touches it.
*/
#ifndef CLEAVE_CLEANUP_H
#define CLEAVE_CLEANUP_H

/* Install the handlers (once, at start). */
void cleanup_install(void);
/* Remember / forget a temporary file to remove on a signal. */
void cleanup_add(const char *path);
void cleanup_forget(const char *path);

#endif
