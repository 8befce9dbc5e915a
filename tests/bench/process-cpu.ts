import { readFileSync } from 'node:fs'

/*
 * CPU time of a process, for "CPU per request": on a shared machine the wall-clock rate moves with everyone
 * else's load, the CPU a request costs the server much less. Linux only (/proc); NaN elsewhere.
 */

/** Linux reports utime and stime in clock ticks of 1/100 s on every architecture the bench runs on. */
const TICKS_PER_SECOND = 100

/** User + system CPU milliseconds `pid` has used so far, or NaN when /proc is not there. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const utime = Number(fields[11])
    const stime = Number(fields[12])
    return ((utime + stime) * 1000) / TICKS_PER_SECOND
  } catch {
    return Number.NaN
  }
}

/** This process's own CPU milliseconds (the storage ceiling runs in the bench process). */
export function ownCpuMs(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}
