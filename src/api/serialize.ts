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
  /** The JSON: text, or its UTF-8 bytes. */
  readonly json: string | Buffer;
  /** @param json the JSON text, or its UTF-8 bytes */
  constructor(json: string | Uint8Array) {
    this.json = typeof json === 'string' || Buffer.isBuffer(json) ? json : Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  }

  /** @returns the JSON text */
  text(): string {
    return typeof this.json === 'string' ? this.json : this.json.toString('utf8');
  }
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
      // Bytes go out as they are (Fastify sends a Buffer payload unchanged).
      if (input instanceof JsonText && (!zod || mode === 'off')) return input.json as string;
      const data = input instanceof JsonText ? (JSON.parse(input.text()) as unknown) : input;
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
