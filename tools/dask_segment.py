#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""dask_segment.py -- cleave over the partitions of one or many CSV files on
a Dask cluster, as a subprocess filter on each partition; the shard outputs
gathered in input order and the shard summaries merged with `cleave merge`.
The result equals one `cleave run` over the concatenated inputs (the same
tagged lines, the same summary but for timings and thread counts).

    dask_segment.py --cleave build/cleave --output out.csv --summary s.json \\
        [--scheduler tcp://host:8786 | --local-workers 2] [--partitions 4] \\
        input1.csv [input2.csv ...] -- --rules r.lua --plugins DIR --as-of 2026-11-01

Everything after `--` is passed to every `cleave run` (rules, plugins,
as_of, dialect). The inputs must share one header; each is cut into
--partitions byte ranges at record boundaries (a line ends a record when
the quotes so far are balanced, so quoted newlines stay inside their
record). Workers read their range from the file, so the files (and the
rule file, ini and plugins) must be at the same path on every worker: a
shared file system, or copies. With --local-workers N a LocalCluster of N
worker processes is started on 127.0.0.1 (what the test uses).
"""
import argparse
import os
import subprocess
import sys
import tempfile


def record_bounds(path, parts):
    """Byte offsets that cut path's records (after the header) into parts
    ranges of about equal size, at record boundaries. Returns (header bytes,
    [(start, end), ...])."""
    size = os.path.getsize(path)
    with open(path, 'rb') as f:
        header = b''
        quotes = 0
        while True:  # the header record (it may span lines too)
            line = f.readline()
            header += line
            quotes += line.count(b'"')
            if quotes % 2 == 0 or not line:
                break
        start = f.tell()
        body = size - start
        targets = [start + body * (i + 1) // parts for i in range(parts - 1)]
        cuts, pos, quotes = [], start, 0
        for line in f:
            quotes += line.count(b'"')
            pos += len(line)
            if quotes % 2 == 0:
                while targets and pos >= targets[0]:
                    targets.pop(0)
                    cuts.append(pos)
                if not targets:
                    break
    cuts = [start] + cuts + [size] * (parts - len(cuts))
    ranges = [(cuts[i], cuts[i + 1]) for i in range(parts) if cuts[i + 1] > cuts[i]]
    return header, ranges


def segment_range(cleave, path, start, end, header_file, args):
    """Run cleave as a filter over path[start:end]; return (lines, summary)."""
    with tempfile.TemporaryDirectory() as tmp:
        summary = os.path.join(tmp, 'summary.json')
        cmd = [cleave, 'run', '--no-config', '--no-header', '--columns-from', header_file,
               '--input', '-', '--output', '-', '--no-output-header', '--summary', summary,
               '--threads', '1'] + list(args)
        with open(path, 'rb') as f:
            f.seek(start)
            data = f.read(end - start)
        p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise RuntimeError('cleave exit %d on %s bytes %d-%d: %s' % (
                p.returncode, path, start, end, p.stderr.decode('utf-8', 'replace')))
        with open(summary, 'rb') as s:
            return p.stdout, s.read()


def main():
    argv = sys.argv[1:]
    extra = []
    if '--' in argv:
        i = argv.index('--')
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--cleave', default='cleave')
    ap.add_argument('--scheduler', help='address of a running scheduler')
    ap.add_argument('--local-workers', type=int, default=2)
    ap.add_argument('--partitions', type=int, default=4, help='per input file')
    ap.add_argument('--output', required=True)
    ap.add_argument('--summary')
    ap.add_argument('inputs', nargs='+')
    a = ap.parse_args(argv)
    from dask.distributed import Client, LocalCluster

    cleave = os.path.abspath(a.cleave) if os.sep in a.cleave else a.cleave
    out_dir = os.path.dirname(os.path.abspath(a.output))
    work = tempfile.mkdtemp(prefix='.dask_segment.', dir=out_dir)
    try:
        header, jobs = None, []
        for path in a.inputs:
            h, ranges = record_bounds(path, a.partitions)
            if header is None:
                header = h
            elif h != header:
                sys.exit('dask_segment.py: %s has another header than %s' % (path, a.inputs[0]))
            jobs += [(os.path.abspath(path), s, e) for s, e in ranges]
        header_file = os.path.join(work, 'header.csv')
        with open(header_file, 'wb') as f:
            f.write(header)
        # the output's header line: cleave's own, from a run over the header alone
        head = subprocess.run([cleave, 'run', '--no-config', '--input', header_file,
                               '--output', '-'] + extra, stdout=subprocess.PIPE, check=True).stdout
        if a.scheduler:
            client = Client(a.scheduler)
            cluster = None
        else:
            cluster = LocalCluster(n_workers=a.local_workers, threads_per_worker=1,
                                   processes=True, host='127.0.0.1', dashboard_address=None)
            client = Client(cluster)
        try:
            futures = [client.submit(segment_range, cleave, p, s, e, header_file, extra,
                                     pure=False) for p, s, e in jobs]
            results = client.gather(futures)  # in submission order: input order
        finally:
            client.close()
            if cluster:
                cluster.close()
        tmp_out = os.path.join(work, 'output.csv')
        with open(tmp_out, 'wb') as f:
            f.write(head)
            for lines, _ in results:
                f.write(lines)
        if a.summary:
            shards = os.path.join(work, 'shards.jsonl')
            with open(shards, 'wb') as f:
                for _, s in results:
                    f.write(s.rstrip(b'\n') + b'\n')
            subprocess.run([cleave, 'merge', '--output', a.summary, shards], check=True)
        os.replace(tmp_out, a.output)
    finally:
        for name in os.listdir(work):
            os.unlink(os.path.join(work, name))
        os.rmdir(work)


if __name__ == '__main__':
    main()
