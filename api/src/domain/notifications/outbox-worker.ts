import type { AppDeps } from '../../http/context'
import { type DispatchOptions, dispatchOutbox, OUTBOX_DEFAULT_BATCH_SIZE, type OutboxDeps } from './dispatch-outbox'

export interface OutboxWorker {
  /** Stops scheduling and resolves once the batch in flight, if any, has recorded its outcomes. */
  stop(): Promise<void>
}

export interface OutboxWorkerOptions extends DispatchOptions {
  /** Pause between runs when the queue is drained, in ms. */
  intervalMs: number
}

/**
 * Runs the outbox dispatcher in this process: a run starts only after the previous one ended (never two at
 * once), and a full batch is followed at once by the next, so a burst — a cancelled session notifying every
 * booking — drains without waiting an interval per batch. A failing run is logged and tried again later.
 */
export function startOutboxWorker(deps: OutboxDeps & Pick<AppDeps, 'now'>, options: OutboxWorkerOptions): OutboxWorker {
  const dispatchOptions = { ...options, batchSize: options.batchSize ?? OUTBOX_DEFAULT_BATCH_SIZE }
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let isStopped = false

  const schedule = (delayMs: number) => {
    if (isStopped) return
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        running = undefined
      })
    }, delayMs)
    // The HTTP server keeps the process alive; the worker alone must not.
    timer.unref()
  }

  const runOnce = async () => {
    let isQueueFull = false
    try {
      const report = await dispatchOutbox(deps, deps.now(), dispatchOptions)
      if (report.taken > 0 || report.interrupted > 0) deps.logger.info('outbox dispatched', { ...report })
      isQueueFull = report.taken >= dispatchOptions.batchSize
    } catch (error) {
      deps.logger.error('outbox dispatch failed', {
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      })
    }
    schedule(isQueueFull ? 0 : options.intervalMs)
  }

  schedule(0)
  return {
    async stop() {
      isStopped = true
      clearTimeout(timer)
      await running
    },
  }
}
