import type { ClassifiedVersion } from '@tributary/schema';

/** One major line of an event: the versions that share a processed table. */
export interface EventLine {
  readonly event: string;
  readonly major: number;
  readonly first: boolean;
  readonly versions: readonly ClassifiedVersion[];
}

/** Groups classified versions into lines (one processed table each), in plan order. */
export function eventLines(classified: readonly ClassifiedVersion[]): EventLine[] {
  const lines: { event: string; major: number; first: boolean; versions: ClassifiedVersion[] }[] = [];
  for (const version of classified) {
    const last = lines.at(-1);
    if (last && last.event === version.event.name && last.major === version.major)
      last.versions.push(version);
    else
      lines.push({
        event: version.event.name,
        major: version.major,
        first: last?.event !== version.event.name,
        versions: [version],
      });
  }
  return lines;
}

/** `<event>` for an event's first line, `<event>_v<major>` for a line started by a breaking version. */
export function lineTableName(line: Pick<EventLine, 'event' | 'major' | 'first'>): string {
  return line.first ? line.event : `${line.event}_v${line.major}`;
}
