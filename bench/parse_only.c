/* SPDX-License-Identifier: MIT */
/*
** parse_only.c -- the baseline cleave is measured against: libcsv parsing the
** whole file with exactly the engine's parser settings (engine/csv_scan.c:
** CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL, block size 4096, no space
** trimming (a space function that says no), default
** delimiter ','), fed with read() in 1 MiB blocks. The callbacks only count;
** nothing is evaluated, copied or written.
**
**   parse_only FILE     prints "<records> records <fields> fields"
**
** A record is a row with at least one field (CSV_REPALL_NL reports blank
** lines and the LF of a CRLF as empty rows; the engine skips those too), so
** the count includes the header row.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#define BLOCK (1u << 20)

typedef struct counts {
  unsigned long long fields, records;
  size_t in_row; /* fields seen in the current row */
} counts;

/* The engine's setting (engine/csv_scan.c): nothing is a space, so fields
** keep their spaces as RFC 4180 says. */
static int no_space(unsigned char c) {
  (void)c;
  return 0;
}

static void on_field(void *field, size_t len, void *ud) {
  counts *c = ud;
  (void)field;
  (void)len;
  c->fields++;
  c->in_row++;
}

static void on_row(int term, void *ud) {
  counts *c = ud;
  (void)term;
  if (c->in_row) c->records++;
  c->in_row = 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: parse_only FILE\n");
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    fprintf(stderr, "parse_only: cannot open %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  struct csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
    fprintf(stderr, "parse_only: csv_init failed\n");
    return 1;
  }
  csv_set_blk_size(&p, 4096);
  csv_set_space_func(&p, no_space);
  char *block = malloc(BLOCK);
  if (!block) {
    fprintf(stderr, "parse_only: out of memory\n");
    return 1;
  }
  counts c = {0, 0, 0};
  unsigned long long offset = 0;
  for (;;) {
    ssize_t n = read(fd, block, BLOCK);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fprintf(stderr, "parse_only: reading %s: %s\n", argv[1], strerror(errno));
      return 1;
    }
    if (n == 0) break;
    size_t done = csv_parse(&p, block, (size_t)n, on_field, on_row, &c);
    if (done != (size_t)n) {
      fprintf(stderr, "parse_only: %s: %s at byte %llu\n", argv[1],
              csv_strerror(csv_error(&p)), offset + done);
      return 1;
    }
    offset += (unsigned long long)n;
  }
  if (csv_fini(&p, on_field, on_row, &c) != 0) {
    fprintf(stderr, "parse_only: %s: %s at the end\n", argv[1], csv_strerror(csv_error(&p)));
    return 1;
  }
  csv_free(&p);
  free(block);
  close(fd);
  printf("%llu records %llu fields\n", c.records, c.fields);
  return 0;
}
