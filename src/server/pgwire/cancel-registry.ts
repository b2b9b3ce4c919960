// Live sessions by BackendKeyData, so that a CancelRequest arriving on another connection can
// reach the session it names. A wrong secret key is ignored silently, as PostgreSQL does.
// https://www.postgresql.org/docs/15/protocol-flow.html#id-1.10.6.9
import type { WireSession } from '../../session/wire.js';

export class CancelRegistry {
  readonly #byProcessId = new Map<number, Set<WireSession>>();

  add(session: WireSession): void {
    let set = this.#byProcessId.get(session.processId);
    if (set === undefined) this.#byProcessId.set(session.processId, (set = new Set()));
    set.add(session);
  }

  remove(session: WireSession): void {
    const set = this.#byProcessId.get(session.processId);
    if (set === undefined) return;
    set.delete(session);
    if (set.size === 0) this.#byProcessId.delete(session.processId);
  }

  /** Cancels the session with this key; false when none matched. */
  cancel(processId: number, secretKey: number): boolean {
    for (const session of this.#byProcessId.get(processId) ?? []) {
      if ((session.secretKey | 0) === (secretKey | 0)) {
        session.cancel();
        return true;
      }
    }
    return false;
  }
}
