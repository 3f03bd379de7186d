// SPDX-License-Identifier: MIT
// duckdb_run.mjs -- run bench/duckdb_retail_v1.sql with DuckDB's node API
// (@duckdb/node-api) and time it. Used by bench/run.sh (BENCH_DUCKDB=1).
//
//   node duckdb_run.mjs --modules DIR --threads N --as-of YYYY-MM-DD \
//        --input IN.csv --output OUT.csv [--sql FILE]
//
// DIR is the folder @duckdb/node-api was installed into with
// `npm install --prefix DIR` (it holds node_modules/). The SQL's @INPUT@,
// @OUTPUT@ and @AS_OF@ become SQL string literals. Prints one line to
// standard output:
//   duckdb v1.x.y: threads N, query S.SSS s, total S.SSS s
// "query" is the COPY statement alone; "total" adds creating the database
// and connecting (not node's own start-up, which the caller's timer sees).
// Exit status 1, with the reason on standard error, when anything fails.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function fail(msg) {
  process.stderr.write(`duckdb_run: ${msg}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { sql: join(dirname(fileURLToPath(import.meta.url)), 'duckdb_retail_v1.sql') };
  const known = ['--modules', '--threads', '--as-of', '--input', '--output', '--sql'];
  for (let i = 0; i < argv.length; i += 2) {
    if (!known.includes(argv[i]) || i + 1 >= argv.length)
      fail(`usage: node duckdb_run.mjs --modules DIR --threads N --as-of DATE --input F --output F [--sql F] (bad: ${argv[i]})`);
    opts[argv[i].slice(2).replace('-', '_')] = argv[i + 1];
  }
  for (const k of ['modules', 'threads', 'as_of', 'input', 'output'])
    if (opts[k] === undefined) fail(`--${k.replace('_', '-')} is required`);
  if (!/^[1-9][0-9]{0,3}$/.test(opts.threads)) fail(`--threads: not a thread count: ${opts.threads}`);
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(opts.as_of)) fail(`--as-of: not YYYY-MM-DD: ${opts.as_of}`);
  return opts;
}

const literal = (s) => `'${s.replaceAll("'", "''")}'`;

const opts = parseArgs(process.argv.slice(2));
let duckdb;
try {
  duckdb = createRequire(join(resolve(opts.modules), 'package.json'))('@duckdb/node-api');
} catch (e) {
  fail(`cannot load @duckdb/node-api from ${opts.modules}: ${e.message}`);
}
let sql;
try {
  sql = readFileSync(opts.sql, 'utf8');
} catch (e) {
  fail(`cannot read ${opts.sql}: ${e.message}`);
}
const subst = { '@INPUT@': literal(resolve(opts.input)), '@OUTPUT@': literal(resolve(opts.output)),
                '@AS_OF@': literal(opts.as_of) };
sql = sql.replace(/@(INPUT|OUTPUT|AS_OF)@/g, (m) => subst[m]);

try {
  const t0 = process.hrtime.bigint();
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`SET threads = ${Number(opts.threads)}`);
  const version = (await (await conn.runAndReadAll('SELECT version()')).getRows())[0][0];
  const t1 = process.hrtime.bigint();
  await conn.run(sql);
  const t2 = process.hrtime.bigint();
  conn.closeSync();
  const s = (a, b) => (Number(b - a) / 1e9).toFixed(3);
  process.stdout.write(`duckdb ${version}: threads ${opts.threads}, query ${s(t1, t2)} s, total ${s(t0, t2)} s\n`);
} catch (e) {
  fail(`${opts.input}: ${e.message}`);
}
