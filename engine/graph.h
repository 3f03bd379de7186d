/* SPDX-License-Identifier: MIT */
/*
** graph.h -- the compiled predicate graph: what a rule file means, as C data.
**
** Rule files (Lua) build this once; then it is immutable and shared read-only
** by all worker threads. Nodes are stored in one array and refer to each
** other by index; a node may have several parents (a Lua local used twice is
** one node), and such shared nodes are evaluated once per record.
**
** Value nodes produce a typed value (cleave_value); predicate nodes produce
** true/false. Missing values follow retail-v1: a comparison, range, set or
** tag test on a missing value is false; NOT flips a result as it is.
*/
#ifndef CLEAVE_GRAPH_H
#define CLEAVE_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "cleave/plugin.h"
#include "strset.h"

/* Value types add ENUM (a macro split's value) to the ABI's types. */
enum { VT_BOOL = CLEAVE_BOOL, VT_NUMBER = CLEAVE_NUMBER, VT_TEXT = CLEAVE_TEXT,
       VT_DATE = CLEAVE_DATE, VT_TAGS = CLEAVE_TAGS, VT_ENUM = 16 };

typedef enum node_kind {
  /* value nodes */
  N_FIELD,    /* slot: a typed view of an input column */
  N_CONST,    /* a constant (number, text, date) */
  N_ARITH,    /* a op b, op in + - * / ; a zero divisor gives missing */
  N_NEG,      /* -a */
  N_CALL,     /* plugin criterion */
  N_MACRO,    /* the value of a macro split (ENUM) */
  N_SCORE,    /* sum of weights of the children that hold (NUMBER) */
  N_BUCKET,   /* holdout bucket 0..9999: stable hash of salt + text value */
  /* predicates */
  N_CMP,      /* a op b, op in < <= > >= == ~= ; b may be a constant node */
  N_BETWEEN,  /* lo <= a <= hi (constants) */
  N_IN,       /* a in set (text set, number list, or enum bitset); op 1: not in */
  N_PREFIX,   /* text a starts with one of set */
  N_HAS,      /* tags a has any/all of the tags in set */
  N_MISSING,  /* a is missing */
  N_AND, N_OR, N_NOT,
  N_ATLEAST,  /* at least k of the children hold */
  N_TRUE,     /* constant true (an empty all{}) */
  /* How graph_optimize may tell the evaluator to run a predicate: a leaf
  ** with its constant inline (node.exec; node.kind stays as written). */
  X_NUM_CMPK,     /* number value <op> constant fk */
  X_SLOT_NUM_CMPK,/* number field (fslot) <op> constant fk */
  X_SLOT_TEXT_EQ, /* text field (fslot) = / != constant (kids[1]) */
  X_ENUM_IN,      /* macro fslot's value in u.in.bits (op 1: not in) */
  X_SLOT_BETWEEN, /* number field (fslot) between u.range.lo and hi */
  X_SLOT_MISSING, /* field fslot is missing */
  X_SLOT_TEXT_IN  /* text field (fslot) in u.in.set */
} node_kind;

typedef enum cmp_op { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE } cmp_op;
typedef enum arith_op { AR_ADD, AR_SUB, AR_MUL, AR_DIV } arith_op;

/* How values compare and calculate (missing values, division by zero, texts,
** dates, plugin results): values.h, used by both evaluators. */

typedef struct node {
  uint8_t kind;    /* node_kind */
  uint8_t type;    /* result type: VT_BOOL for predicates */
  uint8_t op;      /* cmp_op / arith_op; N_HAS: 0 any, 1 all */
  uint8_t shared;  /* more than one parent: cache per record */
  uint8_t exec;    /* how to evaluate it: kind, or an X_* shortcut */
  uint16_t depth;  /* 1 + the deepest kid (a leaf is 1); at most LIMIT_DEPTH + 1 */
  uint32_t fslot;  /* X_*: the slot or macro the shortcut reads */
  double fk;       /* X_*_CMPK: the constant */
  uint32_t line;   /* rule file line that built it */
  uint32_t nkids;
  uint32_t *kids;  /* child node ids, as written */
  uint32_t *order; /* AND/OR/ATLEAST: kid ids in evaluation order, cheap first */
  double cost;     /* estimated cost of evaluating it once */
  union {
    uint32_t slot;                 /* N_FIELD */
    cleave_value cval;             /* N_CONST (text owned by the graph) */
    uint32_t macro;                /* N_MACRO */
    struct { double lo, hi; char *salt; } range; /* N_BETWEEN, N_BUCKET */
    struct { strset set; double *nums; size_t nnums;
             uint64_t bits; } in; /* N_IN, N_PREFIX, N_HAS: bits = enum
                                     values (N_IN on ENUM) or tag bits */
    struct { const cleave_criterion *crit; uint32_t plugin; void *inst;
             cleave_value *consts; /* per arg: CONST values (owned) */
             int32_t *argkid;      /* per arg: index in kids, -1 = CONST */
             char *label;          /* "dates.days_since" */
             uint32_t site; } call;/* N_CALL; site: index in graph.sites
                                      (call_sites.h), nsites or more: none */
    struct { uint32_t k; double *weights; } count; /* N_ATLEAST, N_SCORE */
  } u;
  uint32_t cache_ix; /* index in the per-record cache when shared */
} node;

/* A typed view of an input column. The same column may have several slots
** (e.g. read as text and as number). */
typedef struct slot {
  char *column;
  uint8_t type;      /* VT_NUMBER, VT_TEXT, VT_DATE, VT_TAGS */
  char sep;          /* VT_TAGS separator */
  uint32_t line;     /* declaration line in the rule file */
  int32_t col;       /* column index in the input, -1 until bound */
  strset tags;       /* VT_TAGS: the tags rules ask about, for a bitset */
  uint32_t node;     /* the N_FIELD node reading it, or GRAPH_NONE */
} slot;

#define GRAPH_NONE UINT32_MAX

/* A plugin call whose results are counted (call_sites.h): a live N_CALL. */
typedef struct call_site {
  uint32_t node;
  uint32_t slot;     /* the one argument read per row is this column, or GRAPH_NONE */
} call_site;

typedef struct macro_case {
  uint32_t value; /* index into macro.values */
  uint32_t pred;  /* node id */
  uint32_t line;
} macro_case;

typedef struct macro {
  char *name;
  uint32_t line;
  char **values;      /* distinct value names, in first-use order */
  uint32_t nvalues;
  macro_case *cases;
  uint32_t ncases;
  uint32_t otherwise; /* value index */
  uint64_t may_be_empty; /* bit v: value v may be empty (no check warning) */
} macro;

/* Between a record's micro segments, wherever a list of them is written: the
** output's segments column, explain's "micro segments:" line, cleave test. */
#define MICRO_LIST_SEP ';'
#define MICRO_LIST_SEP_STR ";"

typedef struct micro {
  char *name;
  uint32_t line;
  uint32_t pred;      /* node id of everything it requires (within included) */
  int64_t within;     /* node id of its macro scope, or -1 */
  int may_be_empty;   /* check does not warn when it is empty */
} micro;

/* A file the rules read besides the rule file (a list file), as named in
** the rules (relative to the rule file's folder), with the sha256 of the
** bytes read. */
typedef struct graph_file {
  char *path;
  char sha256[65];
} graph_file;

/* A population threshold (spend:top_percent(10), dsl_quantile.c): a
** comparison of a number column with the constant node cnode, whose value is
** the column's quantile q -- resolved (quantile.h) before graph_optimize, so
** the evaluators see a plain number. */
typedef struct graph_quant {
  uint32_t slot;     /* the number column */
  uint32_t cnode;    /* the N_CONST node holding the threshold */
  uint32_t cmp;      /* the N_CMP node */
  uint32_t line;
  double q;          /* the quantile, 0 < q < 1 */
  int lower;         /* the lower quantile (bottom_percent), sketch_kll.h */
  char method[64];   /* as written: "top_percent(10)" */
  char label[32];    /* for people: "top 10 %" */
} graph_quant;

typedef struct graph {
  char *rules_path;     /* as used in messages */
  char rules_sha256[65];/* of the bytes compiled ("" for rules given as a string) */
  graph_file *files;    /* list files read, in first-read order, each once */
  uint32_t nfiles;
  node *nodes;
  uint32_t nnodes, cap_nodes;
  slot *slots;
  uint32_t nslots;
  strset slot_keys;     /* item i: slot i's (type, sep, column), for lookups */
  macro *macros;
  uint32_t nmacros;
  micro *micros;
  uint32_t nmicros;
  uint32_t ncache;      /* shared nodes, for per-record caches */
  graph_quant *quants;  /* population thresholds, in rule-file order */
  uint32_t nquants;
  char *quant_source;   /* where their values came from ("stats file x.json"); set
                        ** once every threshold has its value, NULL until then */
  call_site *sites;     /* plugin calls whose failures are counted (call_sites.h) */
  uint32_t nsites;
  int32_t as_of;
} graph;

void graph_init(graph *g, const char *rules_path, int32_t as_of);
void graph_free(graph *g); /* also frees plugin instances (free_inst) */
/* Record a file the rules read and the sha256 of its bytes (a path read
** twice is recorded once). */
void graph_add_file(graph *g, const char *path, const void *bytes, size_t len);

/* Append a node (zeroed except kind/type/line; depth 1); returns its id. */
uint32_t graph_add(graph *g, node_kind kind, int type, uint32_t line);
/* Set a node's children (copied); its depth becomes 1 + the deepest kid's. */
void graph_set_kids(graph *g, uint32_t id, const uint32_t *kids, uint32_t n);
/* The depth a node with these kids would have. */
uint32_t graph_depth_of(const graph *g, const uint32_t *kids, uint32_t n);
/* The slot for (column, type, sep), or GRAPH_NONE. */
uint32_t graph_find_slot(const graph *g, const char *column, int type, char sep);
/* The slot for (column, type, sep), created on first use (hashed lookup). */
uint32_t graph_slot(graph *g, const char *column, int type, char sep, uint32_t line);

/* Record a population threshold (zeroed but for what is given); returns it. */
graph_quant *graph_add_quant(graph *g, uint32_t col_slot, uint32_t cnode, uint32_t cmp, double q);
/* The threshold whose constant node is id, or NULL. */
const graph_quant *graph_quant_of(const graph *g, uint32_t cnode);

/* After building: mark shared nodes, estimate costs, order AND/OR children
** cheapest first. Pure reordering: results do not change. */
void graph_optimize(graph *g);

/* Mark in live (nnodes bytes, zeroed by the caller) every node a macro
** split or a micro segment can evaluate: its N_MACRO node, its cases'
** conditions, micro conditions, and everything under them. */
void graph_live(const graph *g, uint8_t *live);

/* Names for messages and explain output. */
const char *vt_name(int type); /* "number", "text", ... */

#endif
