// Projects: `unit` and `emulators` need no Temporal server; `integration` and `faults` share ONE
// Temporal dev server started by test/setup/global-setup.ts for the whole run.
/** @type {import('jest').Config['transform']} */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'emulators', testMatch: ['<rootDir>/test/emulators/**/*.test.ts'], testTimeout: 60_000 },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'], testTimeout: 120_000 },
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'], testTimeout: 300_000 },
  ],
  // The Temporal native runtime keeps a handle open (sdk-typescript #928).
  forceExit: true,
};
