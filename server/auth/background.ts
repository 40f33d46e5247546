import { trackBackgroundWork } from '@/server/core/background-work';
import { getLogger } from '@/server/core/log';

export type AfterResponse = (task: string, work: () => Promise<void>) => void;

/**
 * Runs `work` after the current request has been answered, so the answer's time and outcome
 * cannot depend on what the work finds (an account, or none). Failures are logged, never shown.
 */
export const runAfterResponse: AfterResponse = (task, work) => {
  const run = new Promise<void>((resolve) => setImmediate(resolve))
    .then(work)
    .catch((error: unknown) => getLogger().error({ err: error, task }, 'background task failed'));
  trackBackgroundWork(run);
};
