/**
 * Response serialization: responses are checked against their zod schemas
 * (the same schemas the OpenAPI document is generated from).
 */
import { safeParse, type $ZodType } from 'zod/v4/core';

/** How responses are checked: `strict` fails the request, `log` logs and sends, `off` skips the check. */
export type ResponseValidation = 'strict' | 'log' | 'off';

/**
 * A response body already serialized (by an engine worker). Routes return it
 * in place of the object; the serializer sends the text, checking it against
 * the schema first when responses are checked.
 */
export class JsonText {
  /** @param json the JSON text */
  constructor(readonly json: string) {}
}

type SchemaLike = $ZodType | { properties: $ZodType };

function resolve(schema: unknown): $ZodType | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  if ('_zod' in schema) return schema as $ZodType;
  const p = (schema as { properties?: unknown }).properties;
  return p && typeof p === 'object' && '_zod' in p ? (p as $ZodType) : undefined;
}

/**
 * A Fastify serializer compiler over zod response schemas.
 * @param mode strict, log or off
 * @param warn receives a message when a response does not match (mode `log`)
 * @returns the compiler
 */
export function responseSerializer(mode: ResponseValidation, warn: (message: string) => void) {
  return ({ schema, method, url }: { schema: unknown; method: string; url: string }) => {
    const zod = resolve(schema as SchemaLike);
    return (input: unknown): string => {
      if (input instanceof JsonText && (!zod || mode === 'off')) return input.json;
      const data = input instanceof JsonText ? (JSON.parse(input.json) as unknown) : input;
      if (!zod || mode === 'off') return JSON.stringify(data);
      const r = safeParse(zod, data);
      if (r.success) return JSON.stringify(r.data);
      const where = r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      if (mode === 'strict') throw Object.assign(new Error(`response of ${method} ${url} does not match its schema: ${where}`), { statusCode: 500 });
      warn(`response of ${method} ${url} does not match its schema: ${where}`);
      return JSON.stringify(data);
    };
  };
}
