/* SPDX-License-Identifier: MIT */
/*
** pipeline.c -- chunks in, ordered results out, workers in between.
**
** Jobs live in a ring of slots; the reader fills slots in input order and
** queues them, workers take any queued slot, and the collector waits for the
** oldest slot. When a chunk's scan ends inside a row (the reader's quote-
** parity guess was fooled by malformed quoting), the collector joins that
** chunk with the next one and segments the pair itself: the result is then
** exactly what one sequential scan gives.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "pipeline.h"
#include "row_accept.h"

enum { SLOT_FREE, SLOT_QUEUED, SLOT_RUNNING, SLOT_DONE };

typedef struct slot_job {
  chunk c;
  seg_result r;
  int state;
} slot_job;

typedef struct worker_env {
  void **tstate;
  segmenter seg;
} worker_env;

typedef struct pipe {
  const pipeline_opts *o;
  slot_job *slots;
  size_t nslots;
  size_t head, count; /* oldest slot, slots in use */
  size_t next_queued; /* next slot a worker should take */
  size_t queued;
  int quit;
  pthread_mutex_t mu;
  pthread_cond_t work, done;
  worker_env main_env;
} pipe_t;

/* Plugin thread states are made here, on the main thread, before the
** worker that uses them starts. */
static int env_init(worker_env *e, const pipeline_opts *o, cl_error *err) {
  if (plugins_thread_init(o->plugins, &e->tstate, err)) return err->code;
  segmenter_init(&e->seg, o->shape, e->tstate);
  return 0;
}

static void env_free(worker_env *e, const pipeline_opts *o) {
  segmenter_free(&e->seg);
  plugins_thread_fini(o->plugins, e->tstate);
}

typedef struct worker_arg {
  pipe_t *p;
  worker_env env;
} worker_arg;

static void *worker_main(void *arg) {
  pipe_t *p = ((worker_arg *)arg)->p;
  worker_env *env = &((worker_arg *)arg)->env;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->quit && p->queued == 0) pthread_cond_wait(&p->work, &p->mu);
    if (p->queued == 0) break;
    slot_job *j = &p->slots[p->next_queued];
    p->next_queued = (p->next_queued + 1) % p->nslots;
    p->queued--;
    j->state = SLOT_RUNNING;
    pthread_mutex_unlock(&p->mu);
    segmenter_run(&env->seg, &j->c, &j->r);
    pthread_mutex_lock(&p->mu);
    j->state = SLOT_DONE;
    pthread_cond_broadcast(&p->done);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* What submit does with the chunk it read. */
enum { RUN_QUEUE, RUN_INLINE, RUN_LATER };

/* Read the next chunk into a new slot and queue it for the workers, run it
** here, or leave it (RUN_LATER: a merge is about to redo it anyway).
** Returns 1 if a slot was filled, 0 at end of input, else an error code. */
static int submit(pipe_t *p, int how, cl_error *err) {
  chunk c;
  int rc = input_chunk(p->o->in, p->o->chunk_size, &c, err);
  if (rc != 1) return rc;
  pthread_mutex_lock(&p->mu);
  slot_job *j = &p->slots[(p->head + p->count) % p->nslots];
  p->count++;
  j->c = c;
  j->state = how == RUN_QUEUE ? SLOT_QUEUED : how == RUN_INLINE ? SLOT_RUNNING : SLOT_DONE;
  if (how == RUN_QUEUE) {
    p->queued++;
    pthread_cond_signal(&p->work);
  }
  pthread_mutex_unlock(&p->mu);
  if (how == RUN_INLINE) {
    segmenter_run(&p->main_env.seg, &j->c, &j->r);
    j->state = SLOT_DONE;
  }
  return 1;
}

static void wait_done(pipe_t *p, slot_job *j) {
  pthread_mutex_lock(&p->mu);
  while (j->state != SLOT_DONE) pthread_cond_wait(&p->done, &p->mu);
  pthread_mutex_unlock(&p->mu);
}

typedef struct emit_ctx {
  const pipeline_opts *o;
  uint64_t base;
  cl_error *err;
  pipeline_stats *st;
  int rc;
} emit_ctx;

static void emit_reject(void *ud, uint64_t line, uint64_t last, const char *reason,
                        size_t rl, const char *raw, size_t wl) {
  emit_ctx *e = ud;
  if (e->rc) return;
  e->st->rejects_by[row_reject_kind(reason, rl)]++;
  e->rc = e->o->sink.reject(e->o->sink.ud, e->base + line, e->base + last, reason, rl, raw,
                            wl, e->err);
}

/* Write the oldest slot's results and free it. */
static int emit(pipe_t *p, slot_job *j, uint64_t *line, pipeline_stats *st, cl_error *err) {
  const pipeline_opts *o = p->o;
  const seg_result *r = &j->r;
  if (r->out.len && o->sink.out(o->sink.ud, r->out.p, r->out.len, err)) return err->code;
  for (uint32_t k = 0; o->sink.aud && k < r->naud; k++)
    if (r->aud[k].len && o->sink.aud(o->sink.ud, k, r->aud[k].p, r->aud[k].len, err))
      return err->code;
  emit_ctx e = {o, *line, err, st, 0};
  seg_result_rejects(r, emit_reject, &e);
  if (e.rc) return e.rc;
  if (r->state.len && o->sink.state && o->sink.state(o->sink.ud, r->state.p, r->state.len, err))
    return err->code;
  *line += r->lines;
  st->rows += r->rows;
  st->rejected += r->rejected;
  st->written += r->rows - r->rejected;
  st->invalid += r->invalid;
  tally_add(st->tally, r->tally, tally_entries(o->shape->g));
  for (uint32_t v = 0; v < o->shape->nvalues; v++) st->value_counts[v] += r->value_counts[v];
  for (uint32_t m = 0; m < o->shape->g->nmicros; m++) st->micro_counts[m] += r->micro_counts[m];
  uint32_t nd = seg_detail_micros(o->shape->g);
  for (size_t i = 0; i < (size_t)nd * o->shape->nvalues; i++) st->cross[i] += r->cross[i];
  for (size_t i = 0; i < seg_overlap_pairs(nd); i++) st->overlap[i] += r->overlap[i];
  if (r->any_bad_utf8) {
    size_t nc = o->shape->ncols ? o->shape->ncols : 1;
    if (!st->bad_utf8) {
      st->bad_utf8 = cl_calloc(nc, sizeof *st->bad_utf8);
      st->bad_utf8_line = cl_calloc(nc, sizeof *st->bad_utf8_line);
    }
    for (size_t c = 0; c < o->shape->ncols; c++) {
      if (r->bad_utf8[c] && !st->bad_utf8[c]) st->bad_utf8_line[c] = e.base + r->bad_utf8_line[c] - 1;
      st->bad_utf8[c] += r->bad_utf8[c];
    }
  }
  st->chunks++;
  st->bytes += j->c.len;
  if (o->progress) progress_tick(o->progress, st->rows, st->bytes);
  free(j->c.data);
  j->c.data = NULL;
  j->state = SLOT_FREE;
  return 0;
}

/* The oldest chunk ended inside a row: join it with the next and redo both. */
static int merge_next(pipe_t *p, int threaded, pipeline_stats *st, cl_error *err) {
  slot_job *j = &p->slots[p->head];
  if (p->count < 2) {
    int rc = submit(p, RUN_LATER, err);
    if (rc != 0 && rc != 1) return rc;
    if (rc == 0) { /* no more input: the chunk was final after all */
      j->c.final = 1;
      segmenter_run(&p->main_env.seg, &j->c, &j->r);
      return 0;
    }
  }
  slot_job *n = &p->slots[(p->head + 1) % p->nslots];
  if (threaded) wait_done(p, n);
  chunk m;
  m.len = j->c.len + n->c.len;
  m.data = cl_malloc(m.len ? m.len : 1);
  memcpy(m.data, j->c.data, j->c.len);
  memcpy(m.data + j->c.len, n->c.data, n->c.len);
  m.final = n->c.final;
  free(j->c.data);
  free(n->c.data);
  n->c = m;
  segmenter_run(&p->main_env.seg, &n->c, &n->r);
  j->c.data = NULL;
  j->state = SLOT_FREE;
  p->head = (p->head + 1) % p->nslots;
  p->count--;
  st->merges++;
  return 0;
}

int pipeline_run(const pipeline_opts *o, pipeline_stats *st, cl_error *err) {
  pipe_t p;
  memset(&p, 0, sizeof p);
  memset(st, 0, sizeof *st);
  st->value_counts = cl_calloc(o->shape->nvalues ? o->shape->nvalues : 1, sizeof *st->value_counts);
  st->micro_counts = cl_calloc(o->shape->g->nmicros ? o->shape->g->nmicros : 1, sizeof *st->micro_counts);
  st->tally = cl_calloc(tally_entries(o->shape->g) ? tally_entries(o->shape->g) : 1, sizeof *st->tally);
  uint32_t nd = seg_detail_micros(o->shape->g);
  st->cross = cl_calloc((size_t)nd * o->shape->nvalues + 1, sizeof *st->cross);
  st->overlap = cl_calloc(seg_overlap_pairs(nd) + 1, sizeof *st->overlap);
  int threaded = o->threads > 1;
  p.o = o;
  p.nslots = threaded ? (size_t)o->threads * 2 + 2 : 2;
  p.slots = cl_calloc(p.nslots, sizeof *p.slots);
  for (size_t i = 0; i < p.nslots; i++) seg_result_init(&p.slots[i].r, o->shape);
  pthread_mutex_init(&p.mu, NULL);
  pthread_cond_init(&p.work, NULL);
  pthread_cond_init(&p.done, NULL);
  pthread_t *tids = cl_calloc((size_t)o->threads, sizeof *tids);
  worker_arg *wa = cl_calloc((size_t)o->threads, sizeof *wa);
  int started = 0, made = 0, rc = env_init(&p.main_env, o, err);
  for (; !rc && threaded && made < o->threads; made++) {
    wa[made].p = &p;
    rc = env_init(&wa[made].env, o, err);
  }
  if (rc && made > 0) made--; /* the one that failed cleaned up after itself */
  for (; !rc && threaded && started < o->threads; started++)
    if (pthread_create(&tids[started], NULL, worker_main, &wa[started]) != 0) {
      rc = cl_fail(err, CL_EXIT_INTERNAL, "cannot start worker thread %d", started + 1);
      break;
    }
  int eof = 0;
  uint64_t line = o->first_line;
  while (!rc) {
    while (!eof && p.count < p.nslots) {
      int s = submit(&p, threaded ? RUN_QUEUE : RUN_INLINE, err);
      if (s == 0) eof = 1;
      else if (s != 1) {
        rc = s;
        break;
      }
      if (!threaded) break; /* inline: keep just one chunk ahead */
    }
    if (rc || p.count == 0) break;
    slot_job *j = &p.slots[p.head];
    if (threaded) wait_done(&p, j);
    if (!j->r.clean && !j->c.final) {
      rc = merge_next(&p, threaded, st, err);
      continue;
    }
    rc = emit(&p, j, &line, st, err);
    if (rc) break;
    p.head = (p.head + 1) % p.nslots;
    p.count--;
  }
  pthread_mutex_lock(&p.mu);
  p.quit = 1;
  p.queued = 0; /* on error, abandon queued chunks */
  pthread_cond_broadcast(&p.work);
  pthread_mutex_unlock(&p.mu);
  for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
  for (int i = 0; i < made; i++) env_free(&wa[i].env, o);
  free(wa);
  free(tids);
  if (p.main_env.tstate) env_free(&p.main_env, o);
  for (size_t i = 0; i < p.nslots; i++) {
    free(p.slots[i].c.data);
    seg_result_free(&p.slots[i].r);
  }
  free(p.slots);
  pthread_mutex_destroy(&p.mu);
  pthread_cond_destroy(&p.work);
  pthread_cond_destroy(&p.done);
  return rc;
}

void pipeline_stats_free(pipeline_stats *s) {
  free(s->value_counts);
  free(s->micro_counts);
  free(s->cross);
  free(s->overlap);
  s->cross = s->overlap = NULL;
  free(s->bad_utf8);
  free(s->bad_utf8_line);
  free(s->tally);
  s->tally = NULL;
  s->value_counts = s->micro_counts = NULL;
  s->bad_utf8 = s->bad_utf8_line = NULL;
}
