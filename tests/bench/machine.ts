import { spawnSync } from 'node:child_process'
import os from 'node:os'

export interface Machine {
  cpuModel: string
  cores: number
  memoryGiB: number
  node: string
  platform: string
  /** 1-minute load average when the run started: above the core count, other work shared the CPUs. */
  loadAverageAtStart: number
  commit: string | null
  hasLocalChanges: boolean | null
}

export function describeMachine(repoRoot: string): Machine {
  const cpus = os.cpus()
  const git = (...args: string[]) => {
    const result = spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' })
    return result.status === 0 ? result.stdout.trim() : null
  }
  const status = git('status', '--porcelain')
  return {
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg()[0] ?? 0,
    commit: git('rev-parse', '--short', 'HEAD'),
    hasLocalChanges: status === null ? null : status.length > 0,
  }
}

export function currentLoadAverage(): number {
  return os.loadavg()[0] ?? 0
}
