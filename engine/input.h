/* SPDX-License-Identifier: MIT */
/*
** input.h -- the customer file as a stream of chunks: each chunk ends at a
** line end where the count of '"' since the chunk start is even, which is a
** row boundary in any well-formed CSV (a quoted newline sits at odd parity).
** Malformed quoting can fool that guess; the pipeline detects it (the scan
** of the chunk ends inside a row) and re-reads the two chunks as one.
** Works the same on files and pipes; memory is a few chunks, whatever the
** input size.
*/
#ifndef CLEAVE_INPUT_H
#define CLEAVE_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "decomp.h"
#include "error.h"

typedef struct chunk {
  char *data; /* malloc'd; owned by whoever holds the chunk */
  size_t len;
  int final;  /* the input is known to end with this chunk (the last chunk
              ** may also come with final = 0; the next call then says end) */
} chunk;

typedef struct input {
  int fd;
  int close_fd;
  char *name;   /* for messages: the path, or "standard input" */
  char *pend;   /* bytes read, not yet handed out */
  size_t plen, pcap;
  int eof;
  int bom_checked;
  decomp dc;    /* the bytes as read: plain, gzip or zstd */
  int dc_ready;
  /* the dialect (input_set_dialect) */
  char quote;   /* '"', or 0: quotes are ordinary bytes (quote = none) */
  unsigned char delim; /* the delimiter input_header used (sniffed when auto) */
  void *cd;     /* iconv_t to UTF-8, or NULL when the input is UTF-8 */
  char *raw;    /* bytes read, not yet converted (with cd) */
  size_t rlen, rcap;
  int raw_eof;
} input;

int input_open(input *in, const char *path, cl_error *err);

/* The byte libcsv is given as its quote character when quote = none: 0xFF
** never occurs in UTF-8, nor in what latin-1 or cp1252 become; in a UTF-8
** input the reader turns a stray 0xFF into 0xFE (both invalid UTF-8, shown
** as U+FFFD in every output), so no byte of the data is ever a quote. */
#define INPUT_NO_QUOTE 0xFF

/* Before input_header: quote ('"' or 0 = none) and encoding
** (CONFIG_ENC_*): a latin-1 or cp1252 input is converted to UTF-8 with
** iconv(3) as it is read (after decompression), so every later stage sees
** UTF-8. A cp1252 byte that has no character (0x81, 0x8D, 0x8F, 0x90, 0x9D)
** is passed on as that byte: invalid UTF-8, counted and shown as U+FFFD
** like any other. */
int input_set_dialect(input *in, char quote, int encoding, cl_error *err);

/* Read the header row (after an optional UTF-8 BOM). delim 0 = auto: the
** one of , ; TAB | that occurs most often outside quotes in the first line
** (a tie or none of them: ','); in->delim says which was used. *names is a malloc'd
** array of malloc'd strings; *lines is how many lines it took (blank lines
** before it included). An input with no header row is a CL_EXIT_INPUT error. */
/* An input without a header row (--no-header): instead of input_header,
** only the BOM and the delimiter as input_header picks it (auto: sniffed
** from the first row); the names come from input_columns. */
int input_no_header(input *in, unsigned char delim, cl_error *err);
/* The names of --columns "a,b,c" (separated by ',', spaces around them
** dropped; what = how to name the list in messages). An empty or repeated
** name is a CL_EXIT_CONFIG error naming it. */
int input_columns(const char *list, const char *what, char ***names, size_t *ncols,
                  cl_error *err);
int input_header(input *in, unsigned char delim, char ***names, size_t *ncols,
                 uint64_t *lines, cl_error *err);

/* The next chunk of about target bytes: 1 = got one, 0 = end of input,
** otherwise an error code (err is set). */
int input_chunk(input *in, size_t target, chunk *out, cl_error *err);

void input_close(input *in);

#endif
