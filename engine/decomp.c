/* SPDX-License-Identifier: MIT */
/*
** decomp.c -- gzip and zstd input by magic bytes (see decomp.h).
*/
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "io.h"
#include "decomp.h"

#define DECOMP_IN_BUF (256u << 10)
#define DECOMP_OUT_BUF (256u << 10)
#define DECOMP_PIPE_SIZE (1 << 20) /* asked of the kernel; it may give less */

static const unsigned char GZIP_MAGIC[2] = {0x1f, 0x8b};
static const unsigned char ZSTD_MAGIC[4] = {0x28, 0xb5, 0x2f, 0xfd};

void decomp_init(decomp *d, int fd, const char *name) {
  memset(d, 0, sizeof *d);
  d->fd = fd;
  d->name = name;
  d->pipe_r = d->pipe_w = -1;
}

const char *decomp_kind_name(const decomp *d) {
  return d->kind == DECOMP_GZIP ? "gzip" : d->kind == DECOMP_ZSTD ? "zstd" : "plain";
}

/* More raw bytes after what is left in d->in. 0, or -1 (err set). */
static int refill(decomp *d, cl_error *err) {
  if (d->in_pos > 0) {
    memmove(d->in, d->in + d->in_pos, d->in_len - d->in_pos);
    d->in_len -= d->in_pos;
    d->in_pos = 0;
  }
  if (!d->in) {
    d->in_cap = DECOMP_IN_BUF;
    d->in = cl_malloc(d->in_cap);
  }
  while (!d->in_eof && d->in_len < d->in_cap) {
    ssize_t n = read(d->fd, d->in + d->in_len, d->in_cap - d->in_len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      cl_fail(err, CL_EXIT_INPUT, "cannot read %s: %s", d->name, strerror(errno));
      return -1;
    }
    if (n == 0) d->in_eof = 1;
    d->in_len += (size_t)n;
    break; /* one read: a pipe hands out what it has */
  }
  return 0;
}

/* Formats cleave does not read, known by their first bytes: refused with
** what to do instead (not read as CSV and blamed on the id column). */
static const struct {
  const char *magic;
  size_t len;
  const char *what, *fix;
} OTHER_MAGIC[] = {
    {"BZh", 3, "bzip2-compressed", "bzcat FILE | cleave run --input -"},
    {"\xFD" "7zXZ\0", 6, "xz-compressed", "xzcat FILE | cleave run --input -"},
    {"\x04\x22\x4D\x18", 4, "lz4-compressed", "lz4cat FILE | cleave run --input -"},
    {"7z\xBC\xAF\x27\x1C", 6, "a 7-Zip archive", "extract the CSV file and read that"},
    {"PK\x03\x04", 4, "a zip archive (an .xlsx workbook is one)",
     "export the sheet as CSV, or unzip the CSV file and read that"},
    {"\xFF\xFE", 2, "UTF-16 text (little-endian, as Excel's \"Unicode text\" writes it)",
     "iconv -f UTF-16 -t UTF-8 FILE | cleave run --input -, or export as \"CSV UTF-8\""},
    {"\xFE\xFF", 2, "UTF-16 text (big-endian)",
     "iconv -f UTF-16 -t UTF-8 FILE | cleave run --input -"},
};

int decomp_magic(const void *p, size_t have, const char **what, const char **fix) {
  for (size_t i = 0; i < sizeof OTHER_MAGIC / sizeof *OTHER_MAGIC; i++)
    if (have >= OTHER_MAGIC[i].len && memcmp(p, OTHER_MAGIC[i].magic, OTHER_MAGIC[i].len) == 0) {
      if (what) *what = OTHER_MAGIC[i].what;
      if (fix) *fix = OTHER_MAGIC[i].fix;
      return -1;
    }
  if (have >= 2 && memcmp(p, GZIP_MAGIC, 2) == 0) return DECOMP_GZIP;
  if (have >= 4 && memcmp(p, ZSTD_MAGIC, 4) == 0) return DECOMP_ZSTD;
  return DECOMP_PLAIN;
}

static int sniff(decomp *d, cl_error *err) {
  d->sniffed = 1;
  while (!d->in_eof && d->in_len - d->in_pos < 6)
    if (refill(d, err)) return -1;
  const char *what = NULL, *fix = NULL;
  int kind = decomp_magic(d->in + d->in_pos, d->in_len - d->in_pos, &what, &fix);
  if (kind < 0) {
    cl_fail(err, CL_EXIT_INPUT, "%s is %s: cleave reads CSV in UTF-8, Latin-1 or cp1252, "
            "plain or compressed with gzip or zstd; %s", d->name, what, fix);
    return -1;
  }
  if (kind == DECOMP_GZIP) {
    z_stream *z = cl_calloc(1, sizeof *z);
    if (inflateInit2(z, 15 + 16) != Z_OK) {
      free(z);
      cl_fail(err, CL_EXIT_INTERNAL, "%s: cannot start the gzip decoder", d->name);
      return -1;
    }
    d->z = z;
    d->kind = DECOMP_GZIP;
  } else if (kind == DECOMP_ZSTD) {
    d->zs = ZSTD_createDStream();
    if (!d->zs || ZSTD_isError(ZSTD_initDStream(d->zs))) {
      cl_fail(err, CL_EXIT_INTERNAL, "%s: cannot start the zstd decoder", d->name);
      return -1;
    }
    d->kind = DECOMP_ZSTD;
  }
  return 0;
}

static ssize_t read_plain(decomp *d, void *dst, size_t n, cl_error *err) {
  if (d->in_pos < d->in_len) { /* what the sniff read comes first */
    size_t k = d->in_len - d->in_pos;
    if (k > n) k = n;
    memcpy(dst, d->in + d->in_pos, k);
    d->in_pos += k;
    return (ssize_t)k;
  }
  if (d->in_eof) return 0;
  for (;;) {
    ssize_t r = read(d->fd, dst, n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      cl_fail(err, CL_EXIT_INPUT, "cannot read %s: %s", d->name, strerror(errno));
      return -1;
    }
    if (r == 0) d->in_eof = 1;
    return r;
  }
}

static ssize_t read_gzip(decomp *d, void *dst, size_t n, cl_error *err) {
  z_stream *z = d->z;
  z->next_out = dst;
  z->avail_out = (uInt)(n > (1u << 30) ? (1u << 30) : n);
  uInt want = z->avail_out;
  while (z->avail_out == want) {
    if (d->in_pos == d->in_len) {
      if (d->in_eof) {
        if (d->member_done) return 0;
        cl_fail(err, CL_EXIT_INPUT, "%s: the gzip data ends in the middle of a member "
                "(a truncated or partly copied file?)", d->name);
        return -1;
      }
      if (refill(d, err)) return -1;
      continue;
    }
    if (d->member_done) { /* another member follows (cat a.gz b.gz) */
      inflateReset(z);
      d->member_done = 0;
    }
    z->next_in = d->in + d->in_pos;
    z->avail_in = (uInt)(d->in_len - d->in_pos);
    int rc = inflate(z, Z_NO_FLUSH);
    d->in_pos = d->in_len - z->avail_in;
    if (rc == Z_STREAM_END) {
      d->member_done = 1;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      cl_fail(err, CL_EXIT_INPUT, "%s: corrupt gzip data after %llu decompressed bytes (%s)",
              d->name, (unsigned long long)z->total_out, z->msg ? z->msg : "inflate failed");
      return -1;
    }
  }
  return (ssize_t)(want - z->avail_out);
}

static ssize_t read_zstd(decomp *d, void *dst, size_t n, cl_error *err) {
  ZSTD_outBuffer out = {dst, n, 0};
  while (out.pos == 0) {
    if (d->in_pos == d->in_len) {
      if (d->in_eof) {
        if (!d->frame_open) return 0;
        cl_fail(err, CL_EXIT_INPUT, "%s: the zstd data ends in the middle of a frame "
                "(a truncated or partly copied file?)", d->name);
        return -1;
      }
      if (refill(d, err)) return -1;
      continue;
    }
    ZSTD_inBuffer in = {d->in, d->in_len, d->in_pos};
    size_t rc = ZSTD_decompressStream(d->zs, &out, &in);
    d->in_pos = in.pos;
    if (ZSTD_isError(rc)) {
      cl_fail(err, CL_EXIT_INPUT, "%s: corrupt zstd data (%s)", d->name, ZSTD_getErrorName(rc));
      return -1;
    }
    d->frame_open = rc != 0; /* 0: a frame is complete and flushed */
  }
  return (ssize_t)out.pos;
}

/* One step of decoding into dst: >0 bytes, 0 at the end, -1 (err set). */
static ssize_t decode(decomp *d, void *dst, size_t n, cl_error *err) {
  return d->kind == DECOMP_GZIP ? read_gzip(d, dst, n, err) : read_zstd(d, dst, n, err);
}

/* The decoding thread: decode, write to the pipe, close it at the end. A
** reader that went away (EPIPE) just ends it; SIGPIPE is blocked here. */
static void *decode_main(void *arg) {
  decomp *d = arg;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  char *out = malloc(DECOMP_OUT_BUF);
  if (!out) {
    d->thread_rc = cl_fail(&d->thread_err, CL_EXIT_INTERNAL, "%s: out of memory", d->name);
  } else {
    ssize_t n;
    while ((n = decode(d, out, DECOMP_OUT_BUF, &d->thread_err)) > 0)
      if (io_write_all(d->pipe_w, out, (size_t)n)) break;
    if (n < 0) d->thread_rc = d->thread_err.code;
  }
  free(out);
  close(d->pipe_w);
  d->pipe_w = -1;
  return NULL;
}

static int start_thread(decomp *d, cl_error *err) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0)
    return cl_fail(err, CL_EXIT_INTERNAL, "%s: cannot make a pipe for decoding: %s", d->name,
                   strerror(errno));
  (void)fcntl(p[1], F_SETPIPE_SZ, DECOMP_PIPE_SIZE); /* fewer wake-ups; best effort */
  d->pipe_r = p[0];
  d->pipe_w = p[1];
  if (pthread_create(&d->thread, NULL, decode_main, d) != 0) {
    close(p[0]);
    close(p[1]);
    d->pipe_r = d->pipe_w = -1;
    return cl_fail(err, CL_EXIT_INTERNAL, "%s: cannot start the decoding thread", d->name);
  }
  d->thread_started = 1;
  return 0;
}

static void join_thread(decomp *d) {
  if (!d->thread_started) return;
  pthread_join(d->thread, NULL);
  d->thread_started = 0;
}

ssize_t decomp_read(decomp *d, void *dst, size_t n, cl_error *err) {
  if (n == 0) return 0;
  if (!d->sniffed) {
    if (sniff(d, err)) return -1;
    if (d->kind != DECOMP_PLAIN && start_thread(d, err)) return -1;
  }
  if (d->kind == DECOMP_PLAIN) return read_plain(d, dst, n, err);
  for (;;) {
    ssize_t r = read(d->pipe_r, dst, n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      cl_fail(err, CL_EXIT_INPUT, "cannot read %s: %s", d->name, strerror(errno));
      return -1;
    }
    if (r == 0) { /* the thread is done: did it end well? */
      join_thread(d);
      if (d->thread_rc) {
        *err = d->thread_err;
        return -1;
      }
    }
    return r;
  }
}

void decomp_free(decomp *d) {
  if (d->pipe_r >= 0) close(d->pipe_r); /* a thread still writing gets EPIPE and ends */
  join_thread(d);
  if (d->z) {
    inflateEnd(d->z);
    free(d->z);
  }
  if (d->zs) ZSTD_freeDStream(d->zs);
  free(d->in);
  memset(d, 0, sizeof *d);
}
