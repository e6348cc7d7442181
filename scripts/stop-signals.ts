// How `npm start` hears "stop". Ctrl-C in a terminal reaches both npm and node, and npm forwards it once
// more, so node sees SIGINT twice for one key press. The first SIGINT, SIGTERM or SIGHUP starts the graceful
// stop; repeats within `repeatWindowMs` are the same press; a later one forces the stop. The listeners stay
// installed throughout: with none left, a repeated signal would end node at once, and leave its children.

export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface StopSignalHandlers {
  stop(signal: NodeJS.Signals): void;
  force(signal: NodeJS.Signals): void;
}

/** Installs the listeners; returns a function that removes them. */
export function onStopSignals(handlers: StopSignalHandlers, opts: { repeatWindowMs?: number; now?: () => number } = {}): () => void {
  const repeatWindowMs = opts.repeatWindowMs ?? 1_000;
  const now = opts.now ?? Date.now;
  let firstAt: number | undefined;
  let forced = false;
  const listener = (signal: NodeJS.Signals): void => {
    if (firstAt === undefined) {
      firstAt = now();
      handlers.stop(signal);
    } else if (!forced && now() - firstAt > repeatWindowMs) {
      forced = true;
      handlers.force(signal);
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, listener);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, listener);
  };
}
