import type { JsonSchema, ObjectSchema } from '@tributary/schema';
import { pascalCase, propertyKey } from './identifiers.js';

/** A named interface the client declares for an object schema. */
export interface NamedInterface {
  readonly name: string;
  readonly schema: ObjectSchema;
}

/** Writes TypeScript types for schemas, naming every nested object after its path. */
export interface TypeWriter {
  readonly allocate: (wanted: string) => string;
  /** Interfaces still to declare, in the order they were named. */
  readonly pending: NamedInterface[];
}

/** A JSDoc block for a description (and extra lines), or '' when there is nothing to say. */
export function jsDoc(lines: readonly (string | undefined)[], indent = ''): string {
  const text = lines.filter((l): l is string => l !== undefined && l !== '').flatMap((l) => l.split('\n'));
  if (text.length === 0) return '';
  const safe = text.map((l) => l.replaceAll('*/', '*\\/'));
  if (safe.length === 1) return `${indent}/** ${safe[0]} */\n`;
  return `${indent}/**\n${safe.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

/** The TypeScript type of a schema; nested objects become named interfaces (`<owner><Key>`). */
export function typeOf(schema: JsonSchema, owner: string, writer: TypeWriter): string {
  if ('anyOf' in schema) {
    const members = [
      ...new Set(
        schema.anyOf.map((m, i) =>
          typeOf(m, schema.anyOf.length > 2 ? `${owner}Option${i + 1}` : owner, writer),
        ),
      ),
    ];
    return members.join(' | ');
  }
  switch (schema.type) {
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
      return schema.type === 'integer' ? 'number' : schema.type;
    case 'null':
      return 'null';
    case 'array': {
      // `items` → `…Item`, `tags` → `…Tag`; anything else → `…Item` appended.
      const itemOwner = /[^s]s$/.test(owner) ? owner.slice(0, -1) : `${owner}Item`;
      const item = typeOf(schema.items, itemOwner, writer);
      return /[ |]/.test(item) ? `readonly (${item})[]` : `readonly ${item}[]`;
    }
    case 'object': {
      const name = writer.allocate(owner);
      writer.pending.push({ name, schema });
      return name;
    }
  }
}

/** `interface Name { … }` for an object schema, with JSDoc from descriptions; nested objects are queued. */
export function interfaceOf(
  item: NamedInterface,
  writer: TypeWriter,
  doc: readonly (string | undefined)[] = [],
): string {
  const required = new Set(item.schema.required);
  const members = Object.entries(item.schema.properties).map(([key, schema]) => {
    const type = typeOf(schema, `${item.name}${pascalCase(key)}`, writer);
    const notes = [
      schema.description,
      'format' in schema && schema.format ? `@format ${schema.format}` : undefined,
    ];
    return `${jsDoc(notes, '  ')}  readonly ${propertyKey(key)}${required.has(key) ? '' : '?'}: ${type};`;
  });
  const body = members.length > 0 ? `{\n${members.join('\n')}\n}` : '{\n  readonly [key: string]: never;\n}';
  return `${jsDoc([...doc, item.schema.description])}export interface ${item.name} ${body}\n`;
}
