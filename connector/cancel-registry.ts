import type { CallContext } from "../shared/bus.ts";
import type { Deadline } from "../shared/deadline.ts";
import { IbMcpError } from "../shared/errors.ts";

type Listener = (reason: unknown) => void;

// No code says "cancelled": nobody reads the answer of a call whose caller left, so TIMEOUT (retryable) it is.
const stoppedWaiting = () =>
  new IbMcpError("TIMEOUT", "the caller stopped waiting (its client disconnected)");

/**
 * The calls running now that a caller may cancel, by the X-Cancel-Id of their request. An id is known only while
 * its call listens (the dispatcher unsubscribes when the call ends), so the map holds nothing after a call.
 */
export function createCancelRegistry() {
  const byId = new Map<string, Set<Listener>>();
  return {
    /** The onCancel hook of the call with this id. */
    hook(id: string): NonNullable<CallContext["onCancel"]> {
      return (fn) => {
        let listeners = byId.get(id);
        if (!listeners) {
          listeners = new Set();
          byId.set(id, listeners);
        }
        const own = listeners;
        own.add(fn);
        return () => {
          own.delete(fn);
          if (own.size === 0 && byId.get(id) === own) byId.delete(id);
        };
      };
    },
    /** Cancels the call with this id; false when none listens (it ended, or never ran here). */
    cancel(id: string): boolean {
      const listeners = byId.get(id);
      if (!listeners) return false;
      byId.delete(id);
      const reason = stoppedWaiting();
      for (const fn of listeners) fn(reason);
      return true;
    },
    get size(): number {
      return byId.size;
    },
  };
}
export type CancelRegistry = ReturnType<typeof createCancelRegistry>;

/**
 * A caller that leaves at its deadline or when it is cancelled, whichever comes first, once: the coalescer then
 * aborts the shared run when no other caller waits, which frees the pacing slot and cancels IB's request.
 */
export function cancellable(
  deadline: Pick<Deadline, "deadlineAt" | "onExpire">,
  onCancel: NonNullable<CallContext["onCancel"]>,
): Pick<Deadline, "deadlineAt" | "onExpire"> {
  return {
    deadlineAt: deadline.deadlineAt,
    onExpire(fn) {
      let done = false;
      let offDeadline: (() => void) | undefined;
      let offCancel: (() => void) | undefined;
      const once = (reason: unknown) => {
        if (done) return;
        done = true;
        offDeadline?.();
        offCancel?.();
        fn(reason instanceof IbMcpError ? reason : stoppedWaiting());
      };
      offDeadline = deadline.onExpire(once);
      if (!done) offCancel = onCancel(once);
      if (done) offDeadline();
      return () => {
        done = true;
        offDeadline?.();
        offCancel?.();
      };
    },
  };
}
