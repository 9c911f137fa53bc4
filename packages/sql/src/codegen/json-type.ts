import { type JsonSchema, unwrapNullable } from '@tributary/schema';

/** The TypeScript type of a JSON value described by a (normalised) JSON Schema. */
export function jsonSchemaToTs(schema: JsonSchema): string {
  if ('anyOf' in schema) return union(schema.anyOf.map(jsonSchemaToTs));
  switch (schema.type) {
    case 'string':
      return schema.enum ? union(schema.enum.map((v) => JSON.stringify(v))) : 'string';
    case 'integer':
    case 'number':
      return schema.enum ? union(schema.enum.map(String)) : 'number';
    case 'boolean':
      return schema.enum ? union(schema.enum.map(String)) : 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = jsonSchemaToTs(schema.items);
      return /[|&]/.test(item) ? `(${item})[]` : `${item}[]`;
    }
    case 'object': {
      const required = new Set(schema.required);
      const fields = Object.entries(schema.properties).map(
        ([key, value]) => `${tsPropertyKey(key)}${required.has(key) ? '' : '?'}: ${jsonSchemaToTs(value)}`,
      );
      return fields.length === 0 ? 'Record<string, never>' : `{ ${fields.join('; ')} }`;
    }
  }
}

/** Whether the schema (nullable unwrapped) is a JSON object or array (stored as jsonb). */
export function isStructured(schema: JsonSchema): boolean {
  const inner = unwrapNullable(schema);
  return 'anyOf' in inner || inner.type === 'array' || inner.type === 'object';
}

function union(parts: readonly string[]): string {
  return [...new Set(parts)].join(' | ');
}

/** A property key as TypeScript accepts it: bare when it is an identifier, quoted otherwise. */
export function tsPropertyKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}
