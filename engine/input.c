/* SPDX-License-Identifier: MIT */
/*
** input.c -- reading the input file or pipe into row-aligned chunks.
*/
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "csv_scan.h"
#include "input.h"
#include "messages.h"

int input_open(input *in, const char *path, cl_error *err) {
  memset(in, 0, sizeof *in);
  in->quote = '"';
  if (strcmp(path, "-") == 0) {
    in->fd = 0;
    in->name = cl_strdup("standard input");
    return 0;
  }
  /* a file, a FIFO or a device: a pipe is a fine input (it is read as a stream) */
  in->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (in->fd < 0) return cl_fail(err, CL_EXIT_INPUT, "cannot open input %s: %s", path, strerror(errno));
  in->close_fd = 1;
  struct stat st;
  if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(in->fd);
    in->fd = -1;
    in->close_fd = 0;
    return cl_fail(err, CL_EXIT_INPUT, "cannot read input %s: it is a directory", path);
  }
  in->name = cl_strdup(path);
  return 0;
}

int input_set_dialect(input *in, char quote, int encoding, cl_error *err) {
  in->quote = quote;
  if (encoding == CONFIG_ENC_UTF8) return 0;
  const char *from = encoding == CONFIG_ENC_LATIN1 ? "ISO-8859-1" : "CP1252";
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == (iconv_t)-1)
    return cl_fail(err, CL_EXIT_INPUT, MSG_ICONV_OPEN, in->name, config_encoding_name(encoding),
                   strerror(errno));
  in->cd = cd;
  in->rcap = 1 << 16;
  in->raw = cl_malloc(in->rcap);
  return 0;
}

/* Convert what raw holds (reading more first when it is empty) into pend;
** at least one byte of progress, or eof. */
static int convert_some(input *in, cl_error *err) {
  if (in->rlen == 0 && !in->raw_eof) {
    ssize_t n = decomp_read(&in->dc, in->raw, in->rcap, err);
    if (n < 0) return err->code;
    if (n == 0) in->raw_eof = 1;
    in->rlen = (size_t)n;
  }
  if (in->rlen == 0) {
    in->eof = 1;
    return 0;
  }
  if (in->pcap - in->plen < 16) { /* room for a few characters at least */
    in->pcap = in->pcap * 2 + 16;
    in->pend = cl_realloc(in->pend, in->pcap);
  }
  char *ip = in->raw, *op = in->pend + in->plen;
  size_t il = in->rlen, ol = in->pcap - in->plen - 1;
  while (il && ol) {
    if (iconv((iconv_t)in->cd, &ip, &il, &op, &ol) != (size_t)-1) break;
    if (errno == E2BIG) break;
    /* EILSEQ (a cp1252 byte with no character) or EINVAL (cannot happen
    ** with one byte per character): pass the byte on, invalid UTF-8 */
    *op++ = *ip++;
    il--;
    ol--;
  }
  in->plen = (size_t)(op - in->pend);
  memmove(in->raw, ip, il);
  in->rlen = il;
  return 0;
}

/* Read until pend holds at least want bytes or the input ends. */
static int fill(input *in, size_t want, cl_error *err) {
  if (in->pcap < want + 1) {
    in->pcap = want + 1;
    in->pend = cl_realloc(in->pend, in->pcap);
  }
  if (!in->dc_ready) { /* gzip, zstd or plain: known from the first bytes */
    decomp_init(&in->dc, in->fd, in->name);
    in->dc_ready = 1;
  }
  while (!in->eof && in->plen < want) {
    size_t from = in->plen;
    if (in->cd) {
      if (convert_some(in, err)) return err->code;
    } else {
      ssize_t n = decomp_read(&in->dc, in->pend + in->plen, in->pcap - 1 - in->plen, err);
      if (n < 0) return err->code;
      if (n == 0) in->eof = 1;
      in->plen += (size_t)n;
    }
    if (!in->quote) /* quote = none: no byte may be libcsv's quote (input.h) */
      for (char *q = in->pend + from; (q = memchr(q, INPUT_NO_QUOTE, in->plen - (size_t)(q - in->pend)));)
        *q++ = (char)0xFE;
  }
  return 0;
}

/* quote = none scans with no quote at all: a byte that never occurs */
static char quote_byte(const input *in) { return in->quote ? in->quote : (char)INPUT_NO_QUOTE; }

/* auto: the candidate that occurs most often outside quotes in the first
** line of p[0..len); ',' on a tie or when none occurs. */
static unsigned char sniff_delimiter(const char *p, size_t len, char quote) {
  static const char cands[] = {',', ';', '\t', '|'};
  size_t count[4] = {0, 0, 0, 0};
  int in_q = 0;
  for (size_t i = 0; i < len; i++) {
    char c = p[i];
    if (quote && c == quote) in_q = !in_q;
    if (in_q) continue;
    if (c == '\n' || c == '\r') break;
    for (int k = 0; k < 4; k++) count[k] += c == cands[k];
  }
  int best = 0, tie = 0;
  for (int k = 1; k < 4; k++) {
    if (count[k] > count[best]) best = k, tie = 0;
    else if (count[k] == count[best]) tie = 1;
  }
  return count[best] == 0 || tie ? ',' : (unsigned char)cands[best];
}

typedef struct header_ctx {
  char **names;
  size_t n;
  char bad[256];     /* why the header row could not be read */
  uint64_t line;     /* the header row's first line (1-based) */
  uint64_t base;     /* lines before the piece being scanned */
  csv_scan *scan;
} header_ctx;

static void header_row(void *ud, const csv_row *r) {
  header_ctx *h = ud;
  csv_scan_stop(h->scan); /* the first row is the header: stop right after it */
  if (h->bad[0]) return;  /* the header could not be read; this is a data row */
  h->line = h->base + r->line + 1;
  h->n = r->nfields;
  h->names = cl_calloc(h->n, sizeof *h->names);
  for (size_t i = 0; i < h->n; i++) h->names[i] = cl_strndup(r->cols[i].ptr ? r->cols[i].ptr : "", r->cols[i].len);
}

static void header_bad(void *ud, const csv_row *r, const char *reason) {
  header_ctx *h = ud;
  if (h->bad[0] || h->names) return;
  snprintf(h->bad, sizeof h->bad, "%s", reason);
  h->line = h->base + r->line + 1;
  csv_scan_stop(h->scan);
}

static void free_names(char **names, size_t n) {
  for (size_t i = 0; names && i < n; i++) free(names[i]);
  free(names);
}

#define BOM "\xEF\xBB\xBF" /* UTF-8 byte order mark */

/* A UTF-8 byte-order mark at the start is dropped (once). */
static void strip_bom(input *in) {
  if (in->bom_checked || in->plen < 3) return;
  in->bom_checked = 1;
  if (memcmp(in->pend, BOM, 3) == 0) {
    memmove(in->pend, in->pend + 3, in->plen - 3);
    in->plen -= 3;
  }
}

int input_columns(const char *list, const char *what, char ***names, size_t *ncols,
                  cl_error *err) {
  size_t n = 1;
  for (const char *p = list; *p; p++) n += *p == ',';
  char **v = cl_calloc(n, sizeof *v);
  const char *p = list;
  for (size_t i = 0; i < n; i++) {
    const char *e = strchr(p, ',');
    if (!e) e = p + strlen(p);
    const char *a = p, *b = e;
    while (a < b && (*a == ' ' || *a == '\t')) a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
    v[i] = cl_strndup(a, (size_t)(b - a));
    if (!*v[i]) {
      free_names(v, n);
      return cl_fail(err, CL_EXIT_CONFIG, "%s: name %zu of %zu is empty (write the names "
                     "separated by ',', one per field of a row)", what, i + 1, n);
    }
    p = *e ? e + 1 : e;
  }
  *names = v;
  *ncols = n;
  return 0;
}

int input_no_header(input *in, unsigned char delim, cl_error *err) {
  size_t want = 65536;
  for (;;) { /* the delimiter, as for a header: from the first line */
    if (fill(in, want, err)) return err->code;
    strip_bom(in);
    if (!delim && !in->eof && !memchr(in->pend, '\n', in->plen) && in->plen < (64u << 20)) {
      want = in->plen * 2;
      continue;
    }
    in->delim = delim ? delim : sniff_delimiter(in->pend, in->plen, in->quote);
    return 0;
  }
}

int input_header(input *in, unsigned char delim, char ***names, size_t *ncols,
                 uint64_t *lines, cl_error *err) {
  size_t want = 65536;
  for (;;) {
    if (fill(in, want, err)) return err->code;
    strip_bom(in);
    in->delim = delim ? delim : sniff_delimiter(in->pend, in->plen, in->quote);
    if (!delim && !in->eof && !memchr(in->pend, '\n', in->plen)) { /* the line goes on */
      want = in->plen * 2;
      continue;
    }
    csv_scan s;
    header_ctx h = {NULL, 0, "", 0, 0, &s};
    csv_scan_init(&s, in->delim, 0, NULL, header_row, header_bad, &h);
    csv_scan_set_quote(&s, quote_byte(in));
    const char *p = in->pend, *end = in->pend + in->plen;
    *lines = 0;
    while (p < end && !h.names && !h.bad[0]) { /* one line at a time: stop right after the row */
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      const char *le = nl ? nl + 1 : end;
      int clean;
      h.base = *lines;
      size_t used = csv_scan_feed(&s, p, (size_t)(le - p), in->eof && le == end, &clean);
      *lines += csv_scan_lines(&s);
      if (csv_scan_stopped(&s)) { /* the row may end at a bare CR inside this piece */
        p += used;
        break;
      }
      p = le;
      if (!nl) break;
    }
    csv_scan_free(&s);
    if (h.bad[0]) {
      free_names(h.names, h.n);
      return cl_fail(err, CL_EXIT_INPUT, MSG_HEADER_UNREADABLE, in->name,
                     (unsigned long long)h.line, h.bad);
    }
    if (h.names) {
      if (h.n && strncmp(h.names[0], BOM, 3) == 0) { /* a second one, kept in the name */
        free_names(h.names, h.n);
        return cl_fail(err, CL_EXIT_INPUT, MSG_HEADER_DOUBLE_BOM, in->name,
                       (unsigned long long)h.line);
      }
      size_t used = (size_t)(p - in->pend);
      memmove(in->pend, in->pend + used, in->plen - used);
      in->plen -= used;
      *names = h.names;
      *ncols = h.n;
      return 0;
    }
    if (in->eof)
      return cl_fail(err, CL_EXIT_INPUT, "%s: no header row (the input is empty)", in->name);
    want = in->plen * 2; /* the header is longer than what we read */
  }
}

/* Where to end a chunk within pend[0..plen): just after the last LF with an
** even count of quotes before it (after the last CR in a file of CR line
** ends); 0 if there is none. */
static size_t split_point(const char *p, size_t len, char quote) {
  const char *nl = memrchr(p, '\n', len);
  if (!nl) { /* CR-only line ends: split after a CR (never the CR of a CRLF) */
    nl = memrchr(p, '\r', len);
    if (nl && nl + 1 == p + len) nl = memrchr(p, '\r', (size_t)(nl - p));
    if (!nl) return 0;
    size_t quotes = 0;
    for (const char *q = p; quote && (q = memchr(q, quote, (size_t)(nl - q))) != NULL; q++) quotes++;
    return quotes & 1 ? 0 : (size_t)(nl - p) + 1;
  }
  size_t quotes = 0;
  if (!quote) return (size_t)(nl - p) + 1; /* quote = none: every line end ends a row */
  for (const char *q = p; (q = memchr(q, quote, (size_t)(nl - q))) != NULL; q++) quotes++;
  while (quotes & 1) {
    const char *prev = memrchr(p, '\n', (size_t)(nl - p));
    if (!prev) return 0;
    for (const char *q = prev; (q = memchr(q, quote, (size_t)(nl - q))) != NULL; q++) quotes--;
    nl = prev;
  }
  return (size_t)(nl - p) + 1;
}

int input_chunk(input *in, size_t target, chunk *out, cl_error *err) {
  size_t want = target;
  for (;;) {
    if (fill(in, want, err)) return err->code;
    if (in->plen == 0 && in->eof) return 0;
    /* cut within the first `want` bytes even when more is buffered (the
    ** header read may have read ahead), so chunks keep to the target */
    size_t lim = in->plen < want ? in->plen : want;
    size_t cut = in->eof && lim == in->plen ? lim : split_point(in->pend, lim, in->quote);
    if (cut == 0) { /* one row longer than the chunk: look further */
      want = lim * 2;
      continue;
    }
    size_t rest = in->plen - cut;
    out->len = cut;
    out->final = in->eof && rest == 0;
    if (rest <= cut) { /* the usual case: hand the buffer over, keep the tail */
      out->data = in->pend;
      in->pcap = target + 1 > rest + 1 ? target + 1 : rest + 1;
      in->pend = cl_malloc(in->pcap);
      memcpy(in->pend, out->data + cut, rest);
    } else { /* much more buffered than this chunk: copy the chunk out */
      out->data = cl_malloc(cut);
      memcpy(out->data, in->pend, cut);
      memmove(in->pend, in->pend + cut, rest);
    }
    in->plen = rest;
    return 1;
  }
}

void input_close(input *in) {
  if (in->cd) iconv_close((iconv_t)in->cd);
  free(in->raw);
  if (in->dc_ready) decomp_free(&in->dc);
  if (in->close_fd) close(in->fd);
  free(in->pend);
  free(in->name);
  memset(in, 0, sizeof *in);
}
