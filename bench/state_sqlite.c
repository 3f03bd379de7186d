/* SPDX-License-Identifier: MIT */
/*
** state_sqlite.c -- the SQLite alternative to cleave's state store, measured
** for docs/state.md (not part of the build):
**
**   cc -O2 -o /tmp/state_sqlite bench/state_sqlite.c -lsqlite3
**   /tmp/state_sqlite DB out1.csv     # a baseline: load the memberships
**   /tmp/state_sqlite DB out2.csv     # the next run: load, diff, replace
**
** Each run reads a wide output of cleave (id, macro values, segments), keeps
** per id a 64-bit membership word (a hash of the rest of the line: the same
** size of data as cleave's bits), bulk-inserts it into a temporary table in
** one transaction (WAL, synchronous=NORMAL, 256 MB cache), counts entered,
** exited and gone with two joins, then makes the new table the state. It
** prints the seconds of each step.
*/
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void ex(sqlite3 *db, const char *sql) {
  char *e = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &e) != SQLITE_OK) {
    fprintf(stderr, "%s: %s\n", sql, e);
    exit(1);
  }
}

static long long one(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  return v;
}

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  sqlite3 *db;
  if (sqlite3_open(argv[1], &db) != SQLITE_OK) return 1;
  ex(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;"
         "PRAGMA temp_store=FILE;");
  ex(db, "CREATE TABLE IF NOT EXISTS state(id TEXT PRIMARY KEY, bits INTEGER) WITHOUT ROWID;"
         "DROP TABLE IF EXISTS cur;"
         "CREATE TABLE cur(id TEXT PRIMARY KEY, bits INTEGER) WITHOUT ROWID;");
  FILE *f = fopen(argv[2], "r");
  if (!f) return 1;
  char line[65536];
  if (!fgets(line, sizeof line, f)) return 1;
  double t0 = now();
  ex(db, "BEGIN");
  sqlite3_stmt *ins;
  sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO cur VALUES (?, ?)", -1, &ins, NULL);
  long n = 0;
  while (fgets(line, sizeof line, f)) {
    char *c = strchr(line, ',');
    if (!c) continue;
    uint64_t h = 1469598103934665603ULL;
    for (char *p = c; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    sqlite3_bind_text(ins, 1, line, (int)(c - line), SQLITE_STATIC);
    sqlite3_bind_int64(ins, 2, (sqlite3_int64)h);
    sqlite3_step(ins);
    sqlite3_reset(ins);
    n++;
  }
  sqlite3_finalize(ins);
  ex(db, "COMMIT");
  double t1 = now();
  long long entered = one(db, "SELECT count(*) FROM cur LEFT JOIN state USING(id) "
                              "WHERE state.bits IS NULL OR state.bits <> cur.bits");
  long long gone = one(db, "SELECT count(*) FROM state WHERE id NOT IN (SELECT id FROM cur)");
  double t2 = now();
  ex(db, "BEGIN; DROP TABLE state; ALTER TABLE cur RENAME TO state; COMMIT;");
  ex(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  double t3 = now();
  printf("%ld rows: insert %.2f s, diff %.2f s (%lld changed or new, %lld gone), "
         "replace %.2f s, total %.2f s\n", n, t1 - t0, t2 - t1, entered, gone, t3 - t2, t3 - t0);
  sqlite3_close(db);
  return 0;
}
