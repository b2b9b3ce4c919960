// A background pass that runs every `pollMs` (and soon after wake()), one at a time, never
// keeping the process alive; a pass that throws is logged and the next one still comes. The
// copy job runner and the materialized view auto refresh run on it.
import type { Logger } from 'pino';

export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private halted = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly pollMs: number,
    private readonly log: Logger,
    /** What the log says when a pass fails. */
    private readonly failure: string,
  ) {}

  get stopped(): boolean {
    return this.halted;
  }

  start(): void {
    this.schedule(this.pollMs);
  }

  /** Runs a pass soon. */
  wake(): void {
    if (!this.halted) this.schedule(50);
  }

  private schedule(ms: number): void {
    if (this.halted) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.pass()
        .catch((e: unknown) => this.log.warn({ err: e }, this.failure))
        .finally(() => this.schedule(this.pollMs));
    }, ms);
    this.timer.unref();
  }

  /** No further pass; resolves when the one running (if any) has ended. */
  async stop(): Promise<void> {
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
