// The configuration error on its own, so the CLI can recognise it without loading the schemas (zod,
// the payload codec and Temporal's protos) that `redactor scan` never needs.
export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    /** Where the values were looked for, e.g. which local run was found. */
    readonly note?: string,
  ) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}${note ? `\n${note}` : ''}`);
    this.name = 'ConfigError';
  }
}
