/**
 * Names the generated client declares itself or relies on; a derived name equal to one of them
 * gets a numeric suffix like any other collision.
 */
const RESERVED_TYPE_NAMES: readonly string[] = [
  'TrackingClient',
  'TrackOptions',
  'Array',
  'Boolean',
  'Date',
  'Error',
  'Function',
  'Map',
  'Number',
  'Object',
  'Promise',
  'Readonly',
  'ReadonlyArray',
  'Record',
  'RegExp',
  'Set',
  'String',
  'Symbol',
];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `level_up` → `LevelUp`; `app__v2_` → `AppV2`. Names that would not start with a letter get a prefix. */
export function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  const joined = words.map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`).join('');
  if (joined === '') return 'Unnamed';
  return /^[A-Za-z]/.test(joined) ? joined : `N${joined}`;
}

/** `LevelUpV2` → `level_up_v2`: the inverse of pascalCase for canonical snake_case names. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A property key as written in a TypeScript interface: bare when it is an identifier, quoted otherwise. */
export function propertyKey(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/**
 * Hands out unique identifiers: the first request for a name gets it, later ones get `Name2`,
 * `Name3`, … Callers ask in a fixed order (events by name, then version), so output is deterministic.
 */
export function createNameAllocator(
  reserved: readonly string[] = RESERVED_TYPE_NAMES,
): (wanted: string) => string {
  const taken = new Set(reserved);
  return (wanted) => {
    let name = wanted;
    for (let n = 2; taken.has(name); n++) name = `${wanted}${n}`;
    taken.add(name);
    return name;
  };
}
