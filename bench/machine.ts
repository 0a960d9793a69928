/**
 * What else the machine was doing during a measurement, from /proc (Linux): the CPU all processes used,
 * the CPU of a process and its children (PostgreSQL's postmaster and backends), and which code was
 * measured (git commit and uncommitted changes). A benchmark on a shared 2-core machine means little
 * without these.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readCpuSeconds } from './server-process.js';

/** Busy and total CPU seconds of the whole machine since boot, from the first line of /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] as string;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (USER_HZ = 100)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
    return { busy: busy / 100, total: (busy + (idle ?? 0) + (iowait ?? 0)) / 100 };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** CPU seconds of a process plus its living children (children that already exited are not counted). */
export function treeCpuSeconds(pid: number): number {
  let total = readCpuSeconds(pid);
  for (const candidate of allPids()) {
    if (parentOf(candidate) === pid) total += readCpuSeconds(candidate) || 0;
  }
  return total;
}

/** The postmaster listening on `port` (its command line holds `-p <port>`), if any. */
export function findPostmaster(port: number): number | undefined {
  for (const pid of allPids()) {
    try {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const at = args.indexOf('-p');
      if (at >= 0 && args[at + 1] === String(port) && /postgres$/.test(args[0] ?? '')) return pid;
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

/**
 * The code measured: the commit, how many files differed from it, and a hash of every file under src/
 * (names and contents), which tells two runs of the same uncommitted code apart from two runs of
 * different code.
 */
export function codeState(root: string): {
  commit: string | null;
  uncommittedFiles: number | null;
  srcSha256: string;
} {
  const hash = createHash('sha256');
  const visit = (directory: string) => {
    for (const entry of fs
      .readdirSync(directory, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile())
        hash.update(path.relative(root, full)).update('\0').update(fs.readFileSync(full)).update('\0');
    }
  };
  visit(path.join(root, 'src'));
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return null;
    }
  };
  const status = git('status', '--porcelain');
  return {
    commit: git('rev-parse', '--short', 'HEAD')?.trim() ?? null,
    uncommittedFiles: status === null ? null : status.split('\n').filter(Boolean).length,
    srcSha256: hash.digest('hex').slice(0, 16),
  };
}
