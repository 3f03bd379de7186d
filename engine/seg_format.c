/* SPDX-License-Identifier: MIT */
/*
** seg_format.c -- the main output's other layouts (--format long, jsonl) and
** the audience lines, formatted by the segmenter beside the wide line
** (segmenter.c's put_line), into the chunk's seg_result.
**
** long:  "<id>,kind,name,value", then per customer one line per macro split
**        ("C1,macro,life_stage,midlife") and one per micro segment it belongs
**        to ("C1,micro,dormant,1"), splits then segments in rule order.
** jsonl: one object per customer, {"<id column>":"C1","life_stage":"midlife",
**        ...,"segments":["dormant"]}; strings through utf8_json_str, so the
**        line is valid JSON for any input bytes (invalid UTF-8 as U+FFFD).
** Both honour the output dialect (delimiter for long, line ending for both).
*/
#include <string.h>

#include "config.h"
#include "segmenter.h"
#include "utf8.h"

static inline void put_eol(buf *b, const seg_shape *sh) {
  if (sh->crlf) buf_putc(b, '\r');
  buf_putc(b, '\n');
}

static inline void put_field(buf *b, const segmenter *s, cleave_str f) {
  if (__builtin_expect(s->utf8_check, 0)) utf8_csv_field(b, f.ptr, f.len, s->sh->out_delim);
  else buf_csv_field(b, f.ptr, f.len, s->sh->out_delim);
}

static inline int member(const uint64_t *const *members, uint32_t k, uint32_t i) {
  return (int)((members[k][i >> 6] >> (i & 63)) & 1);
}

static void put_long(segmenter *s, cleave_str id, const uint32_t *vals,
                     const uint64_t *const *members, uint32_t i) {
  const seg_shape *sh = s->sh;
  const graph *g = sh->g;
  buf *out = &s->res->out;
  char od = sh->out_delim;
  for (uint32_t m = 0; m < g->nmacros; m++) {
    put_field(out, s, id);
    buf_putc(out, od);
    buf_puts(out, "macro");
    buf_putc(out, od);
    buf_puts(out, g->macros[m].name);
    buf_putc(out, od);
    buf_puts(out, g->macros[m].values[vals[m]]);
    put_eol(out, sh);
  }
  for (uint32_t k = 0; k < g->nmicros; k++) {
    if (!member(members, k, i)) continue;
    put_field(out, s, id);
    buf_putc(out, od);
    buf_puts(out, "micro");
    buf_putc(out, od);
    buf_put(out, g->micros[k].name, sh->micro_len[k]);
    buf_putc(out, od);
    buf_putc(out, '1');
    put_eol(out, sh);
  }
}

/* Names of splits, values and segments are [A-Za-z0-9_.-] (dsl_segments.c);
** the id column's name and the id itself are any bytes. */
static void put_jsonl(segmenter *s, cleave_str id, const uint32_t *vals,
                      const uint64_t *const *members, uint32_t i) {
  const seg_shape *sh = s->sh;
  const graph *g = sh->g;
  buf *out = &s->res->out;
  buf_putc(out, '{');
  utf8_json_str(out, sh->id_name, strlen(sh->id_name));
  buf_putc(out, ':');
  utf8_json_str(out, id.ptr, id.len);
  for (uint32_t m = 0; m < g->nmacros; m++) {
    buf_puts(out, ",\"");
    buf_puts(out, g->macros[m].name);
    buf_puts(out, "\":\"");
    buf_puts(out, g->macros[m].values[vals[m]]);
    buf_putc(out, '"');
  }
  buf_puts(out, ",\"segments\":[");
  int first = 1;
  for (uint32_t k = 0; k < g->nmicros; k++) {
    if (!member(members, k, i)) continue;
    if (!first) buf_putc(out, ',');
    buf_putc(out, '"');
    buf_put(out, g->micros[k].name, sh->micro_len[k]);
    buf_putc(out, '"');
    first = 0;
  }
  buf_puts(out, "]}");
  put_eol(out, sh);
}

void seg_put_other(segmenter *s, cleave_str id, const uint32_t *vals,
                   const uint64_t *const *members, uint32_t i) {
  const seg_shape *sh = s->sh;
  const graph *g = sh->g;
  seg_result *r = s->res;
  if (sh->format == CONFIG_FMT_JSONL) put_jsonl(s, id, vals, members, i);
  else put_long(s, id, vals, members, i);
  for (uint32_t m = 0; m < g->nmacros; m++) r->value_counts[sh->value_base[m] + vals[m]]++;
  for (uint32_t k = 0; k < g->nmicros; k++) r->micro_counts[k] += (uint64_t)member(members, k, i);
  r->rows++;
}

/* The row's audience line, into s->aud_line. */
static void audience_line(segmenter *s, const cleave_str *fields) {
  const seg_shape *sh = s->sh;
  buf *line = &s->aud_line;
  line->len = 0;
  for (uint32_t j = 0; j < sh->naud_cols; j++) {
    if (j) buf_putc(line, sh->out_delim);
    put_field(line, s, fields[j]);
  }
  put_eol(line, sh);
}

void seg_put_audiences(segmenter *s, const cleave_str *fields, const uint32_t *vals,
                       const uint64_t *const *members, uint32_t i) {
  const seg_shape *sh = s->sh;
  const graph *g = sh->g;
  seg_result *r = s->res;
  const buf *line = &s->aud_line;
  int built = 0; /* a customer in no audience costs no line */
  for (uint32_t k = 0; k < g->nmicros; k++) {
    if (!member(members, k, i)) continue;
    if (!built) audience_line(s, fields), built = 1;
    buf_put(&r->aud[k], line->p, line->len);
  }
  if (!sh->aud_macros) return;
  if (!built) audience_line(s, fields);
  for (uint32_t m = 0; m < g->nmacros; m++)
    buf_put(&r->aud[g->nmicros + sh->value_base[m] + vals[m]], line->p, line->len);
}

void seg_header(const seg_shape *sh, const char *id_name, int bom, buf *h) {
  const graph *g = sh->g;
  char od = sh->out_delim;
  if (sh->format == CONFIG_FMT_JSONL) return; /* no header, no BOM: each line is a document */
  if (bom) buf_puts(h, "\xEF\xBB\xBF");
  utf8_csv_field(h, id_name, strlen(id_name), od);
  if (sh->format == CONFIG_FMT_LONG) {
    buf_printf(h, "%ckind%cname%cvalue", od, od, od);
  } else {
    for (uint32_t m = 0; m < g->nmacros; m++) buf_printf(h, "%c%s", od, g->macros[m].name);
    buf_printf(h, "%csegments", od);
  }
  buf_puts(h, sh->crlf ? "\r\n" : "\n");
}
