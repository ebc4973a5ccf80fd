#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The soak (make soak): goattach over samples/soak for SOAK_SECONDS.

Targets are started, crashed and restarted; short-lived goattaches attach
to them (--pid) and detach by SIGINT around one batch each, some are killed
by SIGKILL in the middle of one; one long-lived goattach (no --pid: every
process of the binary) stays attached from the first target to the last.
The target makes traced calls only inside a batch it is told to run, and
prints what it counted after it, so each window is checked exactly:

    completed lines == calls that returned, per function
    lines with "ended" (never returned, with a reason) == calls unwound
    (when events were lost: completed + ended + lost == calls, neither more
    than the program's), no exit without entry, no call not tracked.

A SIGKILLed goattach prints no summary and loses what was in its ring
buffer and its calls map: its windows are counted apart (printed <= made),
but every BPF program and link it had (read from its /proc/PID/fdinfo while
it ran) must be gone after the kill. The long-lived goattach's RSS is
sampled every second: after the warm-up (the first 60 s, or the first
quarter of a shorter soak) it may not grow by more than RSS_SLACK_KIB over
its value at the end of the warm-up.

The last line is "N passed, N failed", like the suites.
"""
import argparse
import collections
import json
import os
import random
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time

RSS_SLACK_KIB = 8 * 1024
BATCH_OPS = 8            # operations per goroutine per batch (1000 goroutines)
SHORT_WINDOWS = 3        # attach/detach cycles per target
READY_TIMEOUT = 60
BATCH_TIMEOUT = 300
GONE_TIMEOUT = 10        # for the kernel to free a killed goattach's programs

# samples/soak's traced functions: the ones it counts
TRACED = ['main.work', 'main.blocker', 'main.recurse', 'main.recoverer', 'main.panicker', 'main.exiter',
          'main.collect', 'main.fatal']
# the ones that always return: a line saying one never returned is kept, to show
RETURNING = {'main.work', 'main.blocker', 'main.recurse', 'main.recoverer', 'main.collect'}
SUMMARY_RE = re.compile(r'^goattach: (\d+) calls, (\d+) events lost, (\d+) exits without entry, '
                        r'(\d+) morestack passes ignored, (\d+) calls still in progress(.*)$')
ENDED_RE = re.compile(r'^goattach: calls that never returned: (.*)$')


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=''):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f'FAIL {what}{": " + detail if detail else ""}', flush=True)
        return ok


def log(msg):
    print(f'[{time.strftime("%H:%M:%S")}] {msg}', flush=True)


def kib(status_pid):
    try:
        with open(f'/proc/{status_pid}/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def bpf_ids(pid):
    """The BPF program and link ids goattach PID holds, from its fds."""
    progs, links = set(), set()
    fddir = f'/proc/{pid}/fdinfo'
    for fd in os.listdir(fddir):
        try:
            with open(os.path.join(fddir, fd)) as f:
                for line in f:
                    key, _, val = line.partition(':')
                    if key == 'link_id':
                        links.add(int(val))
                    elif key == 'prog_id':
                        progs.add(int(val))
        except OSError:
            continue
    return progs, links


def bpftool_ids(kind):
    out = subprocess.run(['bpftool', '-j', kind, 'list'], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f'bpftool {kind} list: {out.stderr.strip()}')
    return {obj['id'] for obj in json.loads(out.stdout or '[]')}


def uprobe_events_of(path):
    """Lines of uprobe_events naming PATH; None when tracefs is not mounted."""
    for f in ('/sys/kernel/tracing/uprobe_events', '/sys/kernel/debug/tracing/uprobe_events'):
        try:
            with open(f) as fh:
                return [line for line in fh if path in line]
        except OSError:
            continue
    return None


class Tally:
    """Lines of goattach's --json output, per pid and function."""

    def __init__(self):
        self.done = collections.Counter()     # (pid, func)
        self.ended = collections.Counter()    # (pid, func)
        self.reasons = collections.Counter()  # reason
        self.bad = 0
        self.suspect = []                     # lines of RETURNING functions with "ended"
        self.migrated = 0                     # calls that returned on another thread

    def add(self, line):
        try:
            ev = json.loads(line)
            func, pid = ev['func'], ev['pid']
        except (ValueError, KeyError, TypeError):
            self.bad += 1
            return
        if 'ended' in ev:
            self.ended[pid, func] += 1
            self.reasons[ev['ended']] += 1
            if func in RETURNING and len(self.suspect) < 10:
                self.suspect.append(f'{time.strftime("%H:%M:%S")} {line.strip()}')
        else:
            self.done[pid, func] += 1
            if ev.get('tid_exit', ev.get('tid_entry')) != ev.get('tid_entry'):
                self.migrated += 1


class Goattach:
    """One goattach run, its stdout tallied by a thread, stderr kept."""

    def __init__(self, args, db, pid=None):
        cmd = [args.goattach, '--db', db, '--json', '-b', args.sample]
        if pid:
            cmd += ['--pid', str(pid)]
        cmd += TRACED
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     bufsize=1 << 16)
        self.tally = Tally()
        self.stderr = []
        self.ready = threading.Event()
        self.threads = [threading.Thread(target=self._out, daemon=True),
                        threading.Thread(target=self._err, daemon=True)]
        for t in self.threads:
            t.start()
        self.progs, self.links = set(), set()

    def _out(self):
        for line in self.proc.stdout:
            self.tally.add(line)

    def _err(self):
        for line in self.proc.stderr:
            line = line.rstrip('\n')
            self.stderr.append(line)
            if line.startswith('Tracing '):
                self.ready.set()

    def wait_ready(self):
        deadline = time.time() + READY_TIMEOUT
        while not self.ready.wait(0.1):
            if self.proc.poll() is not None or time.time() > deadline:
                return False
        self.progs, self.links = bpf_ids(self.proc.pid)
        return True

    def stop(self, sig=signal.SIGINT, timeout=120):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        for t in self.threads:
            t.join()
        return rc

    def summary(self):
        """(calls, lost, orphan exits, morestack, in progress, rest), never-returned total."""
        summ, never = None, 0
        for line in self.stderr:
            m = SUMMARY_RE.match(line)
            if m:
                summ = tuple(int(x) for x in m.groups()[:5]) + (m.group(6),)
            m = ENDED_RE.match(line)
            if m:
                never = sum(int(part.split()[0]) for part in m.group(1).split(','))
        return summ, never


class Target:
    """samples/soak, driven over stdin; 'counts' lines read from stdout."""

    def __init__(self, args, errlog):
        self.proc = subprocess.Popen([args.sample], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=errlog, text=True)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stdout, selectors.EVENT_READ)
        line = self._line(READY_TIMEOUT)
        if not line or not line.startswith('ready '):
            raise RuntimeError(f'soak target: no ready line ({line!r})')
        self.pid = self.proc.pid

    def _line(self, timeout):
        if not self.sel.select(timeout):
            return None
        return self.proc.stdout.readline()

    def send(self, cmd, seed):
        self.proc.stdin.write(f'{cmd} {seed} {BATCH_OPS}\n')
        self.proc.stdin.flush()

    def counts(self):
        line = self._line(BATCH_TIMEOUT)
        if not line or not line.startswith('counts '):
            raise RuntimeError(f'soak target {self.pid}: no counts ({line!r})')
        return json.loads(line[len('counts '):])['funcs']

    def quit(self):
        self.proc.stdin.close()
        return self.proc.wait(60)


def add_counts(into, counts):
    for func, c in counts.items():
        for k, v in c.items():
            into.setdefault(func, collections.Counter())[k] += v


def compare(res, what, counts, tally, pid, lost, detail, lost_here=True):
    """
    The window's exact check; returns (made, printed, ended). lost_here:
    LOST is this window's (else goattach's, over several targets: with
    none lost, each target is exact all the same).
    """
    made = sum(c['calls'] for c in counts.values())
    done = sum(n for (p, _), n in tally.done.items() if p == pid)
    ended = sum(n for (p, _), n in tally.ended.items() if p == pid)
    wrong = []
    funcs = set(counts) | {f for (p, f) in tally.done if p == pid} | {f for (p, f) in tally.ended if p == pid}
    for f in sorted(funcs):
        c = counts.get(f, {'calls': 0, 'returned': 0, 'unwound': 0})
        d, e = tally.done[pid, f], tally.ended[pid, f]
        if c['calls'] != c['returned'] + c['unwound']:
            wrong.append(f'{f}: the program counted {c["calls"]} calls, {c["returned"]} returned, '
                         f'{c["unwound"]} unwound')
        if lost == 0 and (d != c['returned'] or e != c['unwound']):
            wrong.append(f'{f}: {d} completed, {e} never returned; the program: {c["returned"]} '
                         f'returned, {c["unwound"]} unwound')
        if lost and (d > c['returned'] or e > c['unwound']):
            wrong.append(f'{f}: {d} completed, {e} never returned: more than the program\'s '
                         f'{c["returned"]} and {c["unwound"]}')
    if done + ended + lost != made and (lost_here or lost == 0):
        wrong.append(f'{done} completed + {ended} never returned + {lost} lost != {made} made')
    if lost and done + ended > made:
        wrong.append(f'{done} completed + {ended} never returned > {made} made')
    if not res.check(not wrong, f'{what} exact', '; '.join(wrong) + f' ({detail})'):
        for line in tally.suspect:
            if f'"pid":{pid},' in line.replace(' ', ''):
                print(f'  never returned, yet the program saw it return (read at): {line}', flush=True)
    return made, done, ended


def check_gone(res, what, progs, links):
    deadline = time.time() + GONE_TIMEOUT
    while True:
        left_p = progs & bpftool_ids('prog')
        left_l = links & bpftool_ids('link')
        if not (left_p or left_l) or time.time() > deadline:
            break
        time.sleep(0.2)
    return res.check(not (left_p or left_l) and bool(progs), f'{what}: no program or link left',
                     f'programs {sorted(left_p)} links {sorted(left_l)} still loaded'
                     if left_p or left_l else f'none seen while it ran ({progs}, {links})')


def short_window(res, args, db, target, seed, stats, kill=False):
    """One goattach --pid around one batch: SIGINT after the counts, or SIGKILL during it."""
    ga = Goattach(args, db, target.pid)
    name = f'window {stats["windows"] + 1} (pid {target.pid}, {"SIGKILL" if kill else "SIGINT"})'
    if not res.check(ga.wait_ready(), f'{name}: goattach attached', '\n'.join(ga.stderr[-5:])):
        ga.stop(signal.SIGKILL)
        return None
    stats['windows'] += 1
    target.send('batch', seed)
    if kill:
        time.sleep(random.uniform(0.05, 1.0))
        ga.stop(signal.SIGKILL)
        counts = target.counts()
        made = sum(c['calls'] for c in counts.values())
        printed = sum(ga.tally.done.values()) + sum(ga.tally.ended.values())
        res.check(printed <= made and ga.tally.bad <= 1, f'{name}: printed no more than made',
                  f'{printed} printed, {made} made, {ga.tally.bad} bad lines')
        check_gone(res, name, ga.progs, ga.links)
        stats['killed_made'] += made
        stats['killed_printed'] += printed
        stats['kills'] += 1
        log(f'{name}: {made} calls made, {printed} printed before the kill '
            f'({made - printed} not printed: goattach killed, its ring buffer and calls map freed)')
        return counts
    counts = target.counts()
    rc = ga.stop()
    summ, never = ga.summary()
    res.check(rc == 0 and summ is not None, f'{name}: goattach exited 0 with its summary',
              f'status {rc}: ' + ' | '.join(ga.stderr[-3:]))
    if summ is None:
        return counts
    calls, lost, orphans, _, _, rest = summ
    made, done, ended = compare(res, name, counts, ga.tally, target.pid, lost, summ)
    res.check(orphans == 0 and 'not tracked' not in rest and ga.tally.bad == 0,
              f'{name}: no exit without entry, nothing untracked', f'{summ}')
    res.check(never == ended and (lost or calls == done),
              f'{name}: summary agrees with the lines', f'{summ}, never returned {never}, '
              f'lines {done} completed {ended} ended')
    check_gone(res, name, ga.progs, ga.links)
    stats['made'] += made
    stats['printed'] += done
    stats['ended'] += ended
    stats['lost'] += lost
    stats['reasons'].update(ga.tally.reasons)
    return counts


def crash_window(res, args, db, target, seed, stats):
    """A batch, then main.fatal panics unrecovered: goattach --pid ends with the target."""
    ga = Goattach(args, db, target.pid)
    name = f'window {stats["windows"] + 1} (pid {target.pid}, crash)'
    if not res.check(ga.wait_ready(), f'{name}: goattach attached', '\n'.join(ga.stderr[-5:])):
        ga.stop(signal.SIGKILL)
        return None
    stats['windows'] += 1
    target.send('crash', seed)
    counts = target.counts()
    trc = target.proc.wait(60)
    res.check(trc == 2, f'{name}: the target died of its panic', f'exit status {trc}')
    try:
        ga.proc.wait(60)
    except subprocess.TimeoutExpired:
        res.check(False, f'{name}: goattach --pid ended with its target', 'still running after 60 s')
    rc = ga.stop()
    summ, never = ga.summary()
    res.check(rc == 0 and summ is not None, f'{name}: goattach ended with the target, its summary',
              f'status {rc}: ' + ' | '.join(ga.stderr[-3:]))
    if summ is None:
        return counts
    made, done, ended = compare(res, name, counts, ga.tally, target.pid, summ[1], summ)
    res.check(ga.tally.ended[target.pid, 'main.fatal'] == 1, f'{name}: main.fatal never returned',
              f'{ga.tally.ended[target.pid, "main.fatal"]} lines')
    check_gone(res, name, ga.progs, ga.links)
    stats['made'] += made
    stats['printed'] += done
    stats['ended'] += ended
    stats['lost'] += summ[1]
    stats['reasons'].update(ga.tally.reasons)
    stats['crashes'] += 1
    return counts


def rss_sampler(pid, samples, stop):
    t0 = time.time()
    while not stop.wait(1.0):
        r = kib(pid)
        if r is None:
            return
        samples.append((time.time() - t0, r))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--goattach', required=True)
    ap.add_argument('--goanalyze', required=True)
    ap.add_argument('--sample', required=True)
    ap.add_argument('--seconds', type=int, default=1800)
    ap.add_argument('--seed', type=int, default=int(time.time()))
    args = ap.parse_args()
    args.sample = os.path.abspath(args.sample)
    res = Results()
    random.seed(args.seed)

    if os.geteuid() != 0:
        print('SKIP soak: needs root (BPF uprobes)')
        print('0 passed, 0 failed')
        return 0
    work = tempfile.mkdtemp(prefix='goattach-soak.')
    db = os.path.join(work, 'soak.db')
    subprocess.run([args.goanalyze, 'index', args.sample, '--db', db], check=True,
                   stdout=subprocess.DEVNULL)
    errlog = open(os.path.join(work, 'targets.stderr'), 'w')
    log(f'soak: {args.seconds} s, seed {args.seed}, work dir {work}')

    stats = collections.Counter()          # windows, calls, targets, ...
    stats['reasons'] = collections.Counter()  # why the exact windows' calls never returned
    per_pid = {}   # pid -> what the program counted in all its batches
    long_ga = Goattach(args, db)
    if not res.check(long_ga.wait_ready(), 'long-lived goattach attached', '\n'.join(long_ga.stderr[-5:])):
        long_ga.stop(signal.SIGKILL)
        print(f'{res.passed} passed, {res.failed} failed')
        return 1
    rss, rss_stop = [], threading.Event()
    sampler = threading.Thread(target=rss_sampler, args=(long_ga.proc.pid, rss, rss_stop), daemon=True)
    sampler.start()
    t_start = time.time()
    deadline = t_start + args.seconds
    seed = args.seed * 1000
    cycle = 0
    while time.time() < deadline:
        cycle += 1
        target = Target(args, errlog)
        stats['targets'] += 1
        counts = per_pid.setdefault(target.pid, {})
        for i in range(SHORT_WINDOWS + 1):
            seed += 1
            got = short_window(res, args, db, target, seed, stats, kill=(i == SHORT_WINDOWS))
            if got:
                add_counts(counts, got)
            if time.time() >= deadline:
                break
        seed += 1
        if cycle % 2:
            got = crash_window(res, args, db, target, seed, stats)
            if got:
                add_counts(counts, got)
        else:
            # restarted the plain way: killed between batches
            target.proc.send_signal(signal.SIGTERM)
            trc = target.proc.wait(60)
            res.check(trc == -signal.SIGTERM, f'target {target.pid} stopped by SIGTERM', f'status {trc}')
            stats['sigterms'] += 1
        log(f'cycle {cycle}: target {target.pid} done; {stats["windows"]} windows, '
            f'{stats["made"]} calls made in exact windows, long-lived goattach RSS '
            f'{rss[-1][1] if rss else "?"} KiB')

    # the long-lived goattach, per target process
    time.sleep(1.5)   # one sweep of the calls the last target left
    rss_stop.set()
    sampler.join()
    rc = long_ga.stop()
    summ, never = long_ga.summary()
    res.check(rc == 0 and summ is not None, 'long-lived goattach exited 0 with its summary',
              f'status {rc}: ' + ' | '.join(long_ga.stderr[-3:]))
    long_made = long_done = long_ended = 0
    if summ is not None:
        lost = summ[1]
        for pid, counts in per_pid.items():
            m, d, e = compare(res, f'long-lived goattach, target {pid}', counts, long_ga.tally, pid,
                              lost, f'lost {lost} in all', lost_here=False)
            long_made, long_done, long_ended = long_made + m, long_done + d, long_ended + e
        res.check(long_done + long_ended + lost == long_made and summ[2] == 0 and long_ga.tally.bad == 0
                  and 'not tracked' not in summ[5],
                  'long-lived goattach: every call of every target accounted for',
                  f'{long_done} completed + {long_ended} never returned + {lost} lost vs {long_made} made; {summ}')
        res.check(never == long_ended, 'long-lived goattach: summary agrees with the lines',
                  f'never returned {never}, lines {long_ended}')
        # what the target is for: threads changed under calls, stacks grown at traced entries
        res.check(long_ga.tally.migrated > 0 and summ[3] > 0, 'calls moved threads, stacks grew',
                  f'{long_ga.tally.migrated} calls returned on another thread, {summ[3]} morestack passes')
    check_gone(res, 'long-lived goattach', long_ga.progs, long_ga.links)

    # memory: flat after the warm-up
    warm = min(60.0, args.seconds / 4)
    after = [r for t, r in rss if t >= warm]
    if res.check(len(after) >= 2, 'long-lived goattach RSS sampled after the warm-up', f'{len(rss)} samples'):
        base, top = after[0], max(after)
        res.check(top - base <= RSS_SLACK_KIB, 'long-lived goattach memory flat',
                  f'{base} KiB at {warm:.0f} s, up to {top} KiB (bound +{RSS_SLACK_KIB} KiB)')
        log(f'long-lived goattach RSS: {rss[0][1]} KiB at {rss[0][0]:.0f} s, {base} KiB at {warm:.0f} s '
            f'(end of warm-up), max {top} KiB, {rss[-1][1]} KiB at {rss[-1][0]:.0f} s (bound: +{RSS_SLACK_KIB} KiB)')

    ev = uprobe_events_of(args.sample)
    res.check(not ev, 'no uprobe_events entry for the sample', ''.join(ev or []))
    if ev is None:
        log('uprobe_events: tracefs is not mounted (goattach makes no tracefs probe: links are fds)')
    res.check(stats['crashes'] > 0 and stats['targets'] > 1, 'target restarts observed',
              f'{stats["targets"]} targets, {stats["crashes"]} crashed')
    res.check(stats['kills'] > 0, 'goattach SIGKILLed and restarted', f'{stats["kills"]} kills')

    log(f'targets {stats["targets"]} ({stats["crashes"]} died of a panic, {stats["sigterms"]} SIGTERM), '
        f'windows {stats["windows"]} ({stats["kills"]} SIGKILLed)')
    log(f'exact windows: {stats["made"]} calls made = {stats["printed"]} printed + {stats["ended"]} never '
        f'returned + {stats["lost"]} lost; reasons: {dict(stats["reasons"])}')
    log(f'SIGKILLed windows (apart): {stats["killed_made"]} calls made, {stats["killed_printed"]} printed')
    if summ is not None:
        log(f'long-lived goattach: {long_made} calls made = {long_done} printed + {long_ended} never returned '
            f'+ {summ[1]} lost; reasons: {dict(long_ga.tally.reasons)}; {long_ga.tally.migrated} returned '
            f'on another thread, {summ[3]} morestack passes ignored')
    errlog.close()
    if not res.failed and not os.environ.get('KEEP_TMP'):
        subprocess.run(['rm', '-rf', work])
    print(f'{res.passed} passed, {res.failed} failed', flush=True)
    return 1 if res.failed else 0


if __name__ == '__main__':
    sys.exit(main())
