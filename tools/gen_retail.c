/* SPDX-License-Identifier: MIT */
/*
** gen_retail.c -- deterministic generator of retail-v1 customer CSV files
**
** Writes a customers.csv in the layout of shared/workload/retail-v1.md to
** standard output. The same seed and options always give the same bytes:
** the only randomness is a xoshiro256** generator seeded with splitmix64,
** and every draw is integer arithmetic. The format options (--crlf,
** --quote-all, --bom, --no-final-newline, --ragged) change only how the
** records are written, never which records are drawn, so the variants of
** one seed hold the same data.
*/

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Random numbers                                                           */

typedef struct rng {
  uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed) {
  uint64_t x = seed;
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

/* xoshiro256** 1.0 (Blackman and Vigna). */
static uint64_t rng_next(rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

/* A uniform integer in [0, n), n <= 2^32 (multiply-shift, bias < 2^-32). */
static uint32_t rng_below(rng *r, uint32_t n) {
  return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* A uniform integer in [lo, hi]. */
static int rng_range(rng *r, int lo, int hi) {
  return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1));
}

/* True with probability per_mille / 1000. */
static int rng_chance(rng *r, unsigned per_mille) {
  return rng_below(r, 1000) < per_mille;
}

/* ---------------------------------------------------------------------- */
/* Distributions: every weight table sums to 1000 (checked at start-up).    */

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* An index into weights[0..n), drawn with the given weights. */
static int pick(rng *r, const uint16_t *weights, int n) {
  int u = (int)rng_below(r, 1000);
  for (int i = 0; i < n - 1; i++) {
    if (u < weights[i]) return i;
    u -= weights[i];
  }
  return n - 1;
}

/* A value range [lo, hi] drawn with weight w. */
typedef struct band {
  int lo, hi;
  uint16_t w;
} band;

static int pick_band(rng *r, const band *bands, int n) {
  int u = (int)rng_below(r, 1000);
  int i = 0;
  for (; i < n - 1; i++) {
    if (u < bands[i].w) break;
    u -= bands[i].w;
  }
  return rng_range(r, bands[i].lo, bands[i].hi);
}

/* ---------------------------------------------------------------------- */
/* Tables                                                                   */

static const char *const first_names[] = {
  "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Ava", "Elijah",
  "Sophia", "James", "Isabella", "William", "Mia", "Lucas", "Charlotte",
  "Henry", "Harper", "Mateo", "Evelyn", "Leo", "Aisha", "Mohammed", "Priya",
  "Arjun", "Yuki", "Haruto", "Min-jun", "Seo-yeon", "Wei", "Mei", "Lukas",
  "Hannah", "Jan", "Zofia", "Sven", "Ingrid", "Pierre", "Camille", "Giulia",
  "Marco", "Sipho", "Thandiwe", "Aoife", "Cian", "Kiri", "Tane", "Joao",
  "Ana", "Valentina", "Santiago", "Camila", "Diego", "Anne-Marie",
  "Mary Kate", "O'Brien", "D'Arcy", "N'Golo", "D'Andre", "Ke'ala",
  "Jos\xc3\xa9", "Zo\xc3\xab", "S\xc3\xb8ren", "\xc5\x81ucja", "Chlo\xc3\xa9",
};

static const char *const genders[] = {"F", "M", "X"};
static const uint16_t gender_w[] = {480, 480, 40};

/* Age; index 0 is "missing" (about 2%). */
static const band age_bands[] = {
  {0, 0, 20}, {18, 24, 150}, {25, 34, 220}, {35, 49, 270},
  {50, 64, 200}, {65, 90, 140},
};

static const band income_bands[] = {
  {0, 0, 20}, {1, 39999, 250}, {40000, 79999, 300},
  {80000, 149999, 250}, {150000, 400000, 180},
};

typedef struct country {
  const char *code;
  uint16_t w;
  uint8_t postal_digits;  /* for countries other than US and GB */
  uint16_t postal_missing; /* per mille of rows with no postal code */
} country;

enum { C_US = 0, C_GB = 3 };  /* their indices below (checked at start-up) */

static const country countries[] = {
  {"US", 290, 5, 0}, {"CA", 40, 6, 5}, {"MX", 25, 5, 5},
  {"GB", 180, 0, 0}, {"IE", 15, 5, 100}, {"DE", 60, 5, 5},
  {"FR", 50, 5, 5}, {"ES", 30, 5, 5}, {"IT", 30, 5, 5},
  {"NL", 20, 4, 5}, {"BE", 10, 4, 5}, {"SE", 10, 5, 5},
  {"PL", 12, 5, 5}, {"ZA", 8, 4, 5}, {"AE", 8, 5, 500},
  {"JP", 30, 7, 5}, {"IN", 40, 6, 5}, {"AU", 30, 4, 5},
  {"SG", 10, 6, 5}, {"KR", 12, 5, 5}, {"NZ", 8, 4, 5},
  {"BR", 30, 8, 5}, {"AR", 12, 4, 5}, {"CL", 8, 7, 5},
  {"CO", 10, 6, 5}, {"CH", 12, 4, 5}, {"NO", 10, 4, 5},
};

/* New York City ZIP prefixes (nyc_metro), and a few that look close. */
static const char *const nyc_prefixes[] = {
  "100", "101", "102", "103", "104", "110", "111", "112", "113", "114",
};
static const char *const near_nyc_prefixes[] = {
  "070", "071", "105", "106", "107", "108", "109", "115", "116", "117",
  "119", "120", "123",
};

/* GB postcode areas: the first eight are London's core (london_core). */
typedef struct gb_area {
  const char *area;
  uint8_t max_district;
  uint16_t w;
} gb_area;

static const gb_area gb_areas[] = {
  {"E", 20, 80}, {"EC", 4, 50}, {"N", 22, 60}, {"NW", 11, 60},
  {"SE", 28, 80}, {"SW", 20, 90}, {"W", 14, 70}, {"WC", 2, 40},
  {"EH", 17, 50}, {"B", 99, 50}, {"M", 60, 50}, {"L", 40, 40},
  {"LS", 29, 30}, {"G", 84, 40}, {"CF", 99, 25}, {"BS", 49, 30},
  {"OX", 49, 20}, {"CB", 25, 20}, {"BT", 94, 20}, {"NE", 99, 25},
  {"S", 99, 20}, {"EN", 11, 15}, {"HA", 9, 15}, {"BR", 8, 10},
  {"CR", 9, 10},
};
static const char inward_letters[] = "ABDEFGHJLNPQRSTUWXYZ";

static const char *const tiers[] = {"urban", "suburban", "rural"};
static const uint16_t tier_w[] = {450, 350, 200};

/* Days back from as_of (2026-11-01) for signup_date. */
static const band signup_bands[] = {
  {1, 90, 80}, {91, 365, 120}, {366, 4322, 800},
};

/* Days back from as_of for last_purchase_date; index 0 is "missing". */
static const band recency_bands[] = {
  {0, 0, 100}, {1, 30, 225}, {31, 60, 135}, {61, 120, 135}, {121, 180, 90},
  {181, 240, 72}, {241, 365, 99}, {366, 4322, 144},
};

/* orders_12m when there was a purchase in the last 365 days. */
static const band order_bands[] = {
  {1, 1, 200}, {2, 4, 280}, {5, 9, 220}, {10, 19, 180}, {20, 40, 90},
  {41, 60, 30},
};

/* Average basket in cents. */
static const band basket_bands[] = {
  {500, 2499, 150}, {2500, 3999, 150}, {4000, 11999, 400},
  {12000, 40000, 300},
};

static const band open_bands[] = {
  {0, 0, 300}, {1, 4, 250}, {5, 15, 300}, {16, 30, 120}, {31, 60, 30},
};

static const char *const tags[] = {
  "hiking", "camping", "running", "cycling", "tech", "gaming", "fashion",
  "fast_fashion", "beauty", "home", "garden", "cooking", "parenting", "toys",
  "family_travel", "luxury", "discounts", "sustainability", "pets", "music",
  "books", "sports", "travel", "fitness",
};
static const uint16_t tag_count_w[] = {200, 250, 250, 150, 100, 50};

static const char *const channels[] = {"email", "sms", "push", "none"};
static const uint16_t channel_w[] = {450, 200, 200, 150};

static const char *const loyalties[] = {
  "none", "bronze", "silver", "gold", "platinum",
};
static const uint16_t loyalty_w[] = {400, 250, 180, 120, 50};

static const char *const industries[] = {
  "software", "healthcare", "finance", "retail", "manufacturing",
  "education", "logistics", "media", "energy", "government",
};
static const uint16_t industry_w[] = {200, 120, 120, 120, 100, 80, 80, 70,
                                      60, 50};

/* company_size for B2B rows; index 0 is "missing" (about 1%). */
static const band size_bands[] = {
  {0, 0, 10}, {1, 49, 400}, {50, 999, 340}, {1000, 4999, 150},
  {5000, 19999, 70}, {20000, 50000, 30},
};

/* Notes for the rows that have one ('\n' is written as the line end). */
static const char *const notes_plain[] = {
  "prefers weekends, no calls before 10",
  "moved from Leeds, update address",
  "VIP since 2019",
  "asked about the \"gold\" tier",
  "He said \"hi\", twice",
  "referral from store #12",
  "do not email; prefers post",
  "returned 2 items, size issue",
  "caf\xc3\xa9 visit, Z\xc3\xbcrich",
  "wants invoices as PDF",
  "\"do not call\"",
  "complained about delivery",
  "birthday in March",
};
static const char *const notes_multiline[] = {
  "called twice:\nfirst about billing, then about returns",
  "address line 2:\n\"Flat 3\", rear entrance",
};

/* ---------------------------------------------------------------------- */
/* Dates: day index 0 is 2015-01-01; AS_OF (2026-11-01) is index NDAYS.    */

enum { NDAYS = 4322 };

typedef struct calendar {
  char date[NDAYS][10];  /* "YYYY-MM-DD" of each day index, no NUL */
} calendar;

static int days_in_month(int y, int m) {
  static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return len[m - 1];
}

static void put_digits(char *p, int v, int width) {
  for (int i = width - 1; i >= 0; i--) {
    p[i] = (char)('0' + v % 10);
    v /= 10;
  }
}

/* Fills the calendar; returns 0, or -1 if NDAYS does not end on 2026-10-31. */
static int calendar_init(calendar *cal) {
  int y = 2015, m = 1, d = 1;
  for (int i = 0; i < NDAYS; i++) {
    char *p = cal->date[i];
    put_digits(p, y, 4);
    p[4] = '-';
    put_digits(p + 5, m, 2);
    p[7] = '-';
    put_digits(p + 8, d, 2);
    if (++d > days_in_month(y, m)) {
      d = 1;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
  }
  return (y == 2026 && m == 11 && d == 1) ? 0 : -1;
}

/* ---------------------------------------------------------------------- */
/* One customer                                                             */

typedef struct customer {
  uint32_t id;            /* 0 .. 999999999 */
  const char *first_name;
  int age;                /* 0: missing */
  const char *gender;
  int income;
  int country;            /* index into countries[] */
  char postal[16];        /* NUL-terminated; empty: missing */
  const char *tier;
  int signup_ago;         /* days_since(signup_date), 1..NDAYS */
  int last_ago;           /* days_since(last_purchase_date); 0: missing */
  int orders;
  long spend_cents;
  int opens, clicks;
  int ntags;
  unsigned char tag[5];
  const char *channel;
  const char *loyalty;
  int b2b;
  const char *industry;   /* NULL: empty */
  int company_size;       /* 0: missing */
  const char *notes;      /* NULL: empty */
} customer;

static int pick_country(rng *r) {
  int u = (int)rng_below(r, 1000);
  int i = 0;
  for (; i < COUNT(countries) - 1; i++) {
    if (u < countries[i].w) break;
    u -= countries[i].w;
  }
  return i;
}

static void gen_us_postal(rng *r, char *out) {
  int u = (int)rng_below(r, 100);
  int start = 0;
  if (u < 45) {
    memcpy(out, nyc_prefixes[rng_below(r, COUNT(nyc_prefixes))], 3);
    start = 3;
  } else if (u < 55) {
    memcpy(out, near_nyc_prefixes[rng_below(r, COUNT(near_nyc_prefixes))], 3);
    start = 3;
  }
  for (int i = start; i < 5; i++) out[i] = (char)('0' + rng_below(r, 10));
  out[5] = '\0';
}

static int pick_gb_area(rng *r) {
  int u = (int)rng_below(r, 1000);
  int i = 0;
  for (; i < COUNT(gb_areas) - 1; i++) {
    if (u < gb_areas[i].w) break;
    u -= gb_areas[i].w;
  }
  return i;
}

/* A GB postcode like "SW1A 1AA": area, district (maybe with a letter),
** space, inward code. Some are lower-case, lack the space, are the outward
** code alone, or (rarely) are junk that starts with a digit. */
static void gen_gb_postal(rng *r, char *out) {
  const gb_area *a = &gb_areas[pick_gb_area(r)];
  char *p = out;
  int shape = (int)rng_below(r, 1000);
  if (shape < 3) {  /* junk: starts with a digit */
    *p++ = (char)('1' + rng_below(r, 9));
    *p++ = 'A';
    *p++ = 'A';
    *p = '\0';
    return;
  }
  size_t alen = strlen(a->area);
  memcpy(p, a->area, alen);
  p += alen;
  int district = rng_range(r, 1, a->max_district);
  if (district >= 10) *p++ = (char)('0' + district / 10);
  *p++ = (char)('0' + district % 10);
  if (district < 10 && rng_chance(r, 200))
    *p++ = (char)('A' + rng_below(r, 26));
  if (shape >= 20) {  /* full code, not the outward code alone */
    if (shape >= 100) *p++ = ' ';
    *p++ = (char)('0' + rng_below(r, 10));
    *p++ = inward_letters[rng_below(r, sizeof inward_letters - 1)];
    *p++ = inward_letters[rng_below(r, sizeof inward_letters - 1)];
  }
  *p = '\0';
  if (rng_chance(r, 80))
    for (char *q = out; *q; q++)
      if (*q >= 'A' && *q <= 'Z') *q = (char)(*q - 'A' + 'a');
}

static void gen_postal(rng *r, const country *c, char *out) {
  if (c == &countries[C_US]) {
    gen_us_postal(r, out);
  } else if (c == &countries[C_GB]) {
    gen_gb_postal(r, out);
  } else if (rng_chance(r, c->postal_missing)) {
    out[0] = '\0';
  } else {
    for (int i = 0; i < c->postal_digits; i++)
      out[i] = (char)('0' + rng_below(r, 10));
    out[c->postal_digits] = '\0';
  }
}

static void gen_tags(rng *r, customer *c) {
  uint32_t used = 0;
  c->ntags = pick(r, tag_count_w, COUNT(tag_count_w));
  for (int i = 0; i < c->ntags; i++) {
    int t;
    do t = (int)rng_below(r, COUNT(tags)); while (used & (1u << t));
    used |= 1u << t;
    c->tag[i] = (unsigned char)t;
  }
}

/* Orders, spend and recency hang together: no purchase in the last 365
** days means orders_12m = 0 and spend 0.00. A few recent buyers have 0
** orders too (all returned), so value_band none is not the same as dormant. */
static void gen_purchases(rng *r, customer *c) {
  int ago = pick_band(r, recency_bands, COUNT(recency_bands));
  if (ago > c->signup_ago) ago = rng_range(r, 1, c->signup_ago);
  c->last_ago = ago;
  if (ago == 0 || ago > 365 || rng_chance(r, 30)) {
    c->orders = 0;
    c->spend_cents = 0;
    return;
  }
  c->orders = pick_band(r, order_bands, COUNT(order_bands));
  long basket = pick_band(r, basket_bands, COUNT(basket_bands));
  if (rng_chance(r, 200))  /* whole-dollar baskets: averages like 40.00 */
    c->spend_cents = c->orders * (basket / 100 * 100);
  else
    c->spend_cents = c->orders * basket + (long)rng_below(r, 50u * (unsigned)c->orders + 1);
}

static void gen_business(rng *r, customer *c) {
  c->b2b = rng_chance(r, 150);
  c->industry = NULL;
  c->company_size = 0;
  if (!c->b2b) return;
  c->industry = industries[pick(r, industry_w, COUNT(industry_w))];
  c->company_size = pick_band(r, size_bands, COUNT(size_bands));
}

static const char *gen_notes(rng *r) {
  int u = (int)rng_below(r, 1000);
  if (u < 5) return notes_multiline[rng_below(r, COUNT(notes_multiline))];
  if (u < 250) return notes_plain[rng_below(r, COUNT(notes_plain))];
  return NULL;
}

static void gen_customer(rng *r, uint32_t id, customer *c) {
  c->id = id;
  c->first_name = first_names[rng_below(r, COUNT(first_names))];
  c->age = pick_band(r, age_bands, COUNT(age_bands));
  c->gender = genders[pick(r, gender_w, COUNT(gender_w))];
  c->income = pick_band(r, income_bands, COUNT(income_bands));
  if (c->income > 1000 && rng_chance(r, 400)) c->income = c->income / 1000 * 1000;
  c->country = pick_country(r);
  gen_postal(r, &countries[c->country], c->postal);
  c->tier = tiers[pick(r, tier_w, COUNT(tier_w))];
  c->signup_ago = pick_band(r, signup_bands, COUNT(signup_bands));
  gen_purchases(r, c);
  c->opens = pick_band(r, open_bands, COUNT(open_bands));
  c->clicks = rng_chance(r, 650) ? rng_range(r, 0, c->opens) : 0;
  gen_tags(r, c);
  c->channel = channels[pick(r, channel_w, COUNT(channel_w))];
  c->loyalty = loyalties[pick(r, loyalty_w, COUNT(loyalty_w))];
  gen_business(r, c);
  c->notes = gen_notes(r);
}

/* ---------------------------------------------------------------------- */
/* Output                                                                   */

enum { OUT_CAP = 1 << 20, ROW_MAX = 8192 };

typedef struct options {
  uint64_t rows, seed, ragged;
  int crlf, quote_all, bom, final_newline;
} options;

typedef struct out {
  FILE *f;
  char *buf;
  size_t len;
  int failed;
  int quote_all, crlf;
} out;

static void out_flush(out *o) {
  if (o->len && !o->failed && fwrite(o->buf, 1, o->len, o->f) != o->len)
    o->failed = 1;
  o->len = 0;
}

/* Room for one more row. */
static char *out_row_begin(out *o) {
  if (OUT_CAP - o->len < ROW_MAX) out_flush(o);
  return o->buf + o->len;
}

static char *put_eol(const out *o, char *p) {
  if (o->crlf) *p++ = '\r';
  *p++ = '\n';
  return p;
}

/* A text field (NULL: empty), quoted when asked to or when it holds
** , " CR or LF. The unquoted copy is tried first: quoting is rare. */
static char *put_text(const out *o, char *p, const char *s) {
  if (!s) s = "";
  if (!o->quote_all) {
    char *q = p;
    const char *t = s;
    for (; *t; t++) {
      if (*t == ',' || *t == '"' || *t == '\r' || *t == '\n') break;
      *q++ = *t;
    }
    if (!*t) return q;
  }
  *p++ = '"';
  for (; *s; s++) {
    if (*s == '"') *p++ = '"';
    if (*s == '\n' && o->crlf) *p++ = '\r';
    *p++ = *s;
  }
  *p++ = '"';
  return p;
}

static char *put_uint(char *p, unsigned long v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) *p++ = tmp[--n];
  return p;
}

static char *quote_mark(const out *o, char *p) {
  if (o->quote_all) *p++ = '"';
  return p;
}

/* A non-negative integer field; missing when v < 0. */
static char *put_int(const out *o, char *p, long v) {
  p = quote_mark(o, p);
  if (v >= 0) p = put_uint(p, (unsigned long)v);
  return quote_mark(o, p);
}

static char *put_date(const out *o, char *p, const calendar *cal, int ago) {
  p = quote_mark(o, p);
  if (ago > 0) {
    memcpy(p, cal->date[NDAYS - ago], 10);
    p += 10;
  }
  return quote_mark(o, p);
}

static char *put_spend(const out *o, char *p, long cents) {
  p = quote_mark(o, p);
  p = put_uint(p, (unsigned long)(cents / 100));
  *p++ = '.';
  *p++ = (char)('0' + cents / 10 % 10);
  *p++ = (char)('0' + cents % 10);
  return quote_mark(o, p);
}

static char *put_id(const out *o, char *p, uint32_t id) {
  p = quote_mark(o, p);
  *p++ = 'C';
  put_digits(p, (int)id, 9);
  p += 9;
  return quote_mark(o, p);
}

static char *put_tags(const out *o, char *p, const customer *c) {
  p = quote_mark(o, p);
  for (int i = 0; i < c->ntags; i++) {
    const char *t = tags[c->tag[i]];
    size_t n = strlen(t);
    if (i) *p++ = ';';
    memcpy(p, t, n);
    p += n;
  }
  return quote_mark(o, p);
}

#define SEP(p) (*(p)++ = ',')

/* One record with its line end; nfields is 21, or 20/22 for a ragged row. */
static void put_customer(out *o, const calendar *cal, const customer *c,
                         int nfields) {
  char *p = out_row_begin(o);
  p = put_id(o, p, c->id); SEP(p);
  p = put_text(o, p, c->first_name); SEP(p);
  p = put_int(o, p, c->age ? c->age : -1); SEP(p);
  p = put_text(o, p, c->gender); SEP(p);
  p = put_int(o, p, c->income); SEP(p);
  p = put_text(o, p, countries[c->country].code); SEP(p);
  p = put_text(o, p, c->postal); SEP(p);
  p = put_text(o, p, c->tier); SEP(p);
  p = put_date(o, p, cal, c->signup_ago); SEP(p);
  p = put_date(o, p, cal, c->last_ago); SEP(p);
  p = put_int(o, p, c->orders); SEP(p);
  p = put_spend(o, p, c->spend_cents); SEP(p);
  p = put_int(o, p, c->opens); SEP(p);
  p = put_int(o, p, c->clicks); SEP(p);
  p = put_tags(o, p, c); SEP(p);
  p = put_text(o, p, c->channel); SEP(p);
  p = put_text(o, p, c->loyalty); SEP(p);
  p = put_text(o, p, c->b2b ? "B2B" : "B2C"); SEP(p);
  p = put_text(o, p, c->industry); SEP(p);
  p = put_int(o, p, c->b2b && c->company_size ? c->company_size : -1);
  if (nfields >= 21) {
    SEP(p);
    p = put_text(o, p, c->notes);
  }
  if (nfields >= 22) {
    SEP(p);
    p = put_text(o, p, "extra field");
  }
  p = put_eol(o, p);
  o->len = (size_t)(p - o->buf);
}

static void put_header(out *o) {
  static const char *const columns[] = {
    "customer_id", "first_name", "age", "gender", "income", "country",
    "postal_code", "city_tier", "signup_date", "last_purchase_date",
    "orders_12m", "spend_12m", "email_opens_90d", "email_clicks_90d",
    "interests", "preferred_channel", "loyalty_tier", "account_type",
    "industry", "company_size", "notes",
  };
  char *p = out_row_begin(o);
  for (int i = 0; i < COUNT(columns); i++) {
    if (i) SEP(p);
    p = put_text(o, p, columns[i]);
  }
  p = put_eol(o, p);
  o->len = (size_t)(p - o->buf);
}

/* ---------------------------------------------------------------------- */
/* Driver                                                                   */

static int weights_ok(const uint16_t *w, int n) {
  int sum = 0;
  for (int i = 0; i < n; i++) sum += w[i];
  return sum == 1000;
}

static int bands_ok(const band *b, int n) {
  int sum = 0;
  for (int i = 0; i < n; i++) sum += b[i].w;
  return sum == 1000;
}

static int tables_ok(void) {
  int sum_c = 0, sum_a = 0;
  for (int i = 0; i < COUNT(countries); i++) sum_c += countries[i].w;
  for (int i = 0; i < COUNT(gb_areas); i++) sum_a += gb_areas[i].w;
  return sum_c == 1000 && sum_a == 1000 &&
         strcmp(countries[C_US].code, "US") == 0 &&
         strcmp(countries[C_GB].code, "GB") == 0 &&
         weights_ok(gender_w, COUNT(gender_w)) &&
         weights_ok(tier_w, COUNT(tier_w)) &&
         weights_ok(tag_count_w, COUNT(tag_count_w)) &&
         weights_ok(channel_w, COUNT(channel_w)) &&
         weights_ok(loyalty_w, COUNT(loyalty_w)) &&
         weights_ok(industry_w, COUNT(industry_w)) &&
         bands_ok(age_bands, COUNT(age_bands)) &&
         bands_ok(income_bands, COUNT(income_bands)) &&
         bands_ok(signup_bands, COUNT(signup_bands)) &&
         bands_ok(recency_bands, COUNT(recency_bands)) &&
         bands_ok(order_bands, COUNT(order_bands)) &&
         bands_ok(basket_bands, COUNT(basket_bands)) &&
         bands_ok(open_bands, COUNT(open_bands)) &&
         bands_ok(size_bands, COUNT(size_bands)) &&
         signup_bands[COUNT(signup_bands) - 1].hi == NDAYS &&
         recency_bands[COUNT(recency_bands) - 1].hi == NDAYS;
}

/* Customer ids: row number times a unit of Z/10^9, plus a seeded offset, is
** a bijection on 0..999999999, so ids are unique and look unordered. */
static uint32_t customer_id(uint64_t row, uint64_t offset) {
  return (uint32_t)((row * 387420489ULL + offset) % 1000000000ULL);
}

static int generate(const options *opt, FILE *f) {
  calendar *cal = malloc(sizeof *cal);
  out o = {f, malloc(OUT_CAP), 0, 0, opt->quote_all, opt->crlf};
  rng r;
  uint64_t id_seed = opt->seed ^ 0x5eed1d5eed1d5eedULL;
  uint64_t id_offset = splitmix64(&id_seed) % 1000000000ULL;
  uint64_t ragged_next = 0, ragged_row = UINT64_MAX;
  if (!cal || !o.buf) {
    fprintf(stderr, "gen_retail: out of memory\n");
    free(cal);
    free(o.buf);
    return 1;
  }
  if (calendar_init(cal) != 0 || !tables_ok()) {
    fprintf(stderr, "gen_retail: internal tables are inconsistent\n");
    free(cal);
    free(o.buf);
    return 1;
  }
  rng_seed(&r, opt->seed);
  if (opt->bom) {
    memcpy(o.buf, "\xef\xbb\xbf", 3);
    o.len = 3;
  }
  put_header(&o);
  /* Ragged rows j = 0..K-1 sit at (2j+1)N/(2K): spread evenly, distinct. */
  if (opt->ragged) ragged_row = (opt->rows) / (2 * opt->ragged);
  for (uint64_t row = 0; row < opt->rows && !o.failed; row++) {
    customer c;
    int nfields = 21;
    gen_customer(&r, customer_id(row, id_offset), &c);
    if (row == ragged_row) {
      nfields = (ragged_next % 2) ? 22 : 20;
      ragged_next++;
      ragged_row = ragged_next < opt->ragged
                       ? (2 * ragged_next + 1) * opt->rows / (2 * opt->ragged)
                       : UINT64_MAX;
    }
    put_customer(&o, cal, &c, nfields);
  }
  if (!opt->final_newline) o.len -= opt->crlf ? 2 : 1;
  out_flush(&o);
  if (!o.failed && fflush(f) != 0) o.failed = 1;
  if (o.failed) fprintf(stderr, "gen_retail: write error: %s\n", strerror(errno));
  free(cal);
  free(o.buf);
  return o.failed ? 1 : 0;
}

static void usage(FILE *f) {
  fputs(
    "usage: gen_retail [options] > customers.csv\n"
    "Writes a deterministic retail-v1 customer file to standard output.\n"
    "  --rows N            records to write (default 1000, at most 1e9)\n"
    "  --seed S            random seed, 0..2^64-1 (default 1)\n"
    "  --crlf              end lines with CRLF instead of LF\n"
    "  --quote-all         quote every field\n"
    "  --bom               start with a UTF-8 byte order mark\n"
    "  --no-final-newline  leave the last line without its line end\n"
    "  --ragged K          give K rows, spread evenly, a wrong number of\n"
    "                      fields (20 and 22 alternately), for reject tests\n"
    "  --help              show this help\n"
    "The same seed and options always give the same bytes; the format\n"
    "options never change which records are drawn.\n",
    f);
}

static int parse_u64(const char *s, uint64_t *v) {
  char *end;
  if (!s || *s < '0' || *s > '9') return -1;
  errno = 0;
  unsigned long long x = strtoull(s, &end, 10);
  if (errno || *end) return -1;
  *v = x;
  return 0;
}

/* Returns -1 on a usage error, 1 for --help, 0 otherwise. */
static int parse_args(int argc, char **argv, options *opt) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    uint64_t *num = NULL;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return 1;
    else if (strcmp(a, "--crlf") == 0) opt->crlf = 1;
    else if (strcmp(a, "--quote-all") == 0) opt->quote_all = 1;
    else if (strcmp(a, "--bom") == 0) opt->bom = 1;
    else if (strcmp(a, "--no-final-newline") == 0) opt->final_newline = 0;
    else if (strcmp(a, "--rows") == 0) num = &opt->rows;
    else if (strcmp(a, "--seed") == 0) num = &opt->seed;
    else if (strcmp(a, "--ragged") == 0) num = &opt->ragged;
    else {
      fprintf(stderr, "gen_retail: unknown option '%s'\n", a);
      return -1;
    }
    if (num && parse_u64(i + 1 < argc ? argv[++i] : NULL, num) != 0) {
      fprintf(stderr, "gen_retail: %s needs a non-negative integer\n", a);
      return -1;
    }
  }
  if (opt->rows > 1000000000ULL) {
    fprintf(stderr, "gen_retail: --rows is at most 1000000000 (ids have 9 digits)\n");
    return -1;
  }
  if (opt->ragged > opt->rows) {
    fprintf(stderr, "gen_retail: --ragged %llu exceeds --rows %llu\n",
            (unsigned long long)opt->ragged, (unsigned long long)opt->rows);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  options opt = {1000, 1, 0, 0, 0, 0, 1};
  int rc = parse_args(argc, argv, &opt);
  if (rc > 0) {
    usage(stdout);
    return 0;
  }
  if (rc < 0) {
    fputs("gen_retail: try 'gen_retail --help'\n", stderr);
    return 2;
  }
  return generate(&opt, stdout);
}
