/* SPDX-License-Identifier: MIT */
/*
** check_internal.h -- shared by the parts of `cleave check`: the report the
** checks fill (check.c prints it), the checks on the rules alone
** (check_static.c) and the checks on a sample of the input (check_sample.c).
*/
#ifndef CLEAVE_CHECK_INTERNAL_H
#define CLEAVE_CHECK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "graph.h"
#include "run.h"
#include "session.h"

/* One error or warning: "file:line: message" (msg holds all of it). */
typedef struct finding {
  int error;     /* CHK_ERROR, CHK_WARNING or CHK_NOTE */
  uint32_t line; /* the rule file's line, for ordering; 0 = none */
  char *msg;
} finding;

typedef struct finding_list {
  finding *v;
  size_t n, cap;
} finding_list;

typedef struct check_report {
  finding_list rules;  /* the rule file, its columns and their values */
  finding_list sample; /* what evaluating the sample showed */
  buf sizes;           /* the sample's size lines, printed as they are */
  int sampled;         /* the size report was made */
  int values_cut;      /* the value checks stopped before the end of the input */
  size_t errors, warnings;
} check_report;

/* A note is printed and counts as neither (--strict passes with notes). */
enum { CHK_WARNING = 0, CHK_ERROR = 1, CHK_NOTE = 2 };

void check_add(check_report *r, finding_list *to, int error, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* check_static.c: macro cases that can never win; micro segments that need
** a macro value only such cases give. */
void check_static(const graph *g, check_report *r);

/* check_sample.c: read the first *nrows rows of the input (after the
** header bind_input read; UINT64_MAX: all of it; *nrows becomes the count
** read, r->values_cut says whether rows were left): report number/date
** columns whose values do not parse, invalid UTF-8, rows cleave run would
** reject, the max_invalid limits, and, when sized > 0, every macro value's
** and micro segment's size in the first sized rows. Returns 0 or an error
** code (err set). */
int check_sample(session *s, bound_input *b, uint64_t *nrows, uint64_t sized, check_report *r,
                 cl_error *err);

/* check_prove.c: questions about conditions (node ids), answered only with
** a proof; 0 = not proven. same: built the same way; implies: b holds on
** every record a holds on; disjoint: no record satisfies both. */
int prove_same(const graph *g, uint32_t a, uint32_t b);
int prove_implies(const graph *g, uint32_t a, uint32_t b);
int prove_disjoint(const graph *g, uint32_t a, uint32_t b);

/* A condition in words, all of it ("age < 50 and city_tier = \"urban\""),
** cut short with "..." past max bytes. */
void check_render_cond(const graph *g, uint32_t id, size_t max, buf *out);

#endif
