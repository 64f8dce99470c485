import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { meetingWorkflowId } from '../workflows/ids';
import { validate, type InputOf, type RouteSchemas } from './middleware/validate';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<S extends RouteSchemas = RouteSchemas> {
  method: Method;
  path: string;
  summary: string;
  /** Requires a session (the auth middleware runs before validation). */
  auth: boolean;
  /** Administrators only (implies auth): anyone else gets 403. */
  admin?: boolean;
  schemas?: S;
  status?: number;
  /** Middlewares between auth and validation (rate limits). */
  before?: Middleware[];
  /** Receives the request's input as its schemas parsed it. */
  handler: (ctx: Context, input: InputOf<S>) => Promise<void>;
}

/** Every route the API serves, as registered: /openapi.json is built from this list. */
export class RouteRegistry {
  readonly routes: RouteSpec[] = [];

  constructor(
    private readonly router: Router,
    private readonly auth: Middleware,
    private readonly adminOnly: Middleware,
  ) {}

  add<S extends RouteSchemas>(spec: RouteSpec<S>): void {
    this.routes.push(spec as unknown as RouteSpec);
    const access = spec.admin ? [this.auth, this.adminOnly] : spec.auth ? [this.auth] : [];
    const chain: Middleware[] = [...(spec.before ?? []), ...access, validate(spec.schemas ?? {})];
    const koaPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    const aboutMeeting = spec.path.startsWith('/meetings/{id}');
    this.router[spec.method](koaPath, ...chain, async (ctx: Context) => {
      // This request's log lines (the access line too) carry the meeting's ids, as the worker's lines do.
      if (aboutMeeting) Object.assign(ctx.state.logFields, { meetingId: ctx.params.id, workflowId: meetingWorkflowId(ctx.params.id) });
      await spec.handler(ctx, ctx.state.input as InputOf<S>);
      if (spec.status && ctx.status === 200) ctx.status = spec.status;
    });
  }

  openApi(info: { title: string; version: string; serverUrl: string }) {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of this.routes) {
      const parameters = [
        ...[...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } })),
        ...queryParameters(route.schemas?.query),
      ];
      paths[route.path] ??= {};
      paths[route.path][route.method] = {
        summary: route.summary,
        ...(route.auth ? { security: [{ bearer: [] }] } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(route.schemas?.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(route.schemas.body, { io: 'input', unrepresentable: 'any' }) } } } } : {}),
        responses: {
          [String(route.status ?? 200)]: { description: 'Success' },
          ...(route.schemas ? { '400': { $ref: '#/components/responses/Error' } } : {}),
          ...(route.auth ? { '401': { $ref: '#/components/responses/Error' } } : {}),
          ...(route.admin ? { '403': { $ref: '#/components/responses/Error' } } : {}),
        },
      };
    }
    return {
      openapi: '3.1.0',
      info,
      servers: [{ url: info.serverUrl }],
      paths,
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        responses: {
          Error: {
            description: 'An error: a stable id and a message that says what to fix',
            content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'object', properties: { id: { type: 'string' }, message: { type: 'string' } } } } } } },
          },
        },
      },
    };
  }
}

function queryParameters(schema: z.ZodType | undefined) {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: property }));
}
