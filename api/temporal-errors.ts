import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { HttpError } from './middleware/errors';

/**
 * Runs a workflow update and turns its refusal into the HTTP answer a client can act on: the validator's
 * message, 422 for bad input, 409 for the wrong moment (e.g. cancelling a meeting already processed).
 */
export async function asHttp<T>(update: () => Promise<T>): Promise<T> {
  try {
    return await update();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const status = error.cause.type === 'InvalidArgument' ? 422 : 409;
      throw new HttpError(status, status === 422 ? 'invalid_request' : 'conflict', error.cause.message);
    }
    if (error instanceof WorkflowNotFoundError) {
      throw new HttpError(409, 'conflict', 'This meeting is over: its workflow no longer takes changes');
    }
    throw error;
  }
}
