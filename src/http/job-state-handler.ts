import { firstValueFrom } from 'rxjs';
import type { GatewayContext, RouteHandler } from './gateway-handlers.js';
import { sendError } from './gateway-request.js';
import { conductorParamSchema, jobIdParamSchema, parseParam } from './params.js';
import { sendJson } from './send-json.js';

/**
 * `GET /api/jobs/:jobId/state`: the job's state as JSON (see
 * `bridge.jobSnapshot`: folded from the replay ring, else from the observer
 * history); 404 when neither holds an event of the job.
 *
 * @example
 * ```ts
 * import { jobStateHandler } from './job-state-handler.js';
 *
 * const handlers = { ...ROUTE_HANDLERS, jobState: jobStateHandler };
 * ```
 */
export const jobStateHandler: RouteHandler<'jobState'> = async (
  request,
  route,
  { bridge }: GatewayContext,
) => {
  const jobId = parseParam(jobIdParamSchema, route.jobIdSegment);
  if (!jobId.success) return sendError(request, 400, jobId.error);
  const conductor =
    route.conductorSegment === undefined
      ? { success: true as const, data: undefined }
      : parseParam(conductorParamSchema, route.conductorSegment);
  if (!conductor.success) return sendError(request, 400, conductor.error);
  const state = await firstValueFrom(bridge.jobSnapshot(jobId.data, { conductor: conductor.data }));
  if (state === undefined) {
    return sendError(
      request,
      404,
      `no events of job ${jobId.data} in the replay buffer or the observer history`,
    );
  }
  sendJson(request.res, 200, state, request.cors);
};
