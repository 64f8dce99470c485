import type { Context, Middleware, Next } from 'koa';
import { z } from 'zod';
import { nulPaths } from '../schemas';
import { HttpError } from './errors';

export interface ValidatedInput<Body, Query, Params> {
  body: Body;
  query: Query;
  params: Params;
}

/** Describes what a route accepts; the same schemas feed /openapi.json. */
export interface RouteSchemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;
export type InputOf<S extends RouteSchemas> = ValidatedInput<Infer<S['body']>, Infer<S['query']>, Infer<S['params']>>;

function describe(issues: z.core.$ZodIssue[], where: string): string {
  return issues.map((issue) => `${issue.path.length ? issue.path.join('.') : where}: ${issue.message}`).join('; ');
}

const NUL_MESSAGE = 'must not contain a NUL character (\\u0000)';

/**
 * Parses body, query and params with their schemas; a mismatch is a 400 naming each bad field. No string of any
 * route may hold a NUL character (PostgreSQL refuses it, in text and JSON alike): checked here, for every route.
 */
export function validate<S extends RouteSchemas>(schemas: S): Middleware {
  return async (ctx: Context, next: Next) => {
    const parts = { body: (ctx.request as { body?: unknown }).body ?? {}, query: ctx.query, params: ctx.params ?? {} };
    const input: Record<string, unknown> = {};
    const problems: { field: string; message: string }[] = [];
    for (const where of ['params', 'query', 'body'] as const) {
      const withNul = nulPaths(parts[where], where);
      problems.push(...withNul.map((field) => ({ field, message: NUL_MESSAGE })));
      const schema = schemas[where];
      if (!schema || withNul.length) continue;
      const parsed = schema.safeParse(parts[where]);
      if (parsed.success) input[where] = parsed.data;
      else {
        for (const issue of parsed.error.issues) problems.push({ field: [where, ...issue.path].join('.'), message: issue.message });
        if (problems.length === 0) problems.push({ field: where, message: describe(parsed.error.issues, where) });
      }
    }
    if (problems.length) {
      throw new HttpError(400, 'validation_error', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { errors: problems });
    }
    ctx.state.input = input;
    await next();
  };
}
