// Projects: `unit` and `emulators` need no Temporal server; `time-skipping` runs workflows with
// mocked activities on Temporal's test server (one per file); `integration` and `faults` share ONE
// Temporal dev server started by test/setup/global-setup.ts for the whole run.
/** @type {import('jest').Config['transform']} */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

/** @type {import('jest').Config} */
module.exports = {
  // A global option (ignored inside projects): bundling workflows in a beforeAll takes seconds.
  testTimeout: 180_000,
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'emulators', testMatch: ['<rootDir>/test/emulators/**/*.test.ts'] },
    { ...common, displayName: 'time-skipping', testMatch: ['<rootDir>/test/time-skipping/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'] },
  ],
  // The Temporal native runtime keeps a handle open (sdk-typescript #928).
  forceExit: true,
};
