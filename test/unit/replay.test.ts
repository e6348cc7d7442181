// Recorded histories of every workflow path must replay on the current code, with no server: a
// change that alters the command sequence of running workflows (without patched() or a new
// deployment version, see docs/versioning.md) fails here. Record them with
// `RECORD_HISTORIES=1 npx jest test/integration/record-histories`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { createDataConverter, FAILURE_CONVERTER_PATH, parsePayloadKeys } from '../../security/codec';
import { historyFromFixture } from '../helpers/history-json';
import { workflowBundle } from '../helpers/harness';
import { FIXTURE_KEYS, HISTORY_DIR, PRE_PATCH_HISTORIES, REQUIRED_HISTORIES } from '../fixtures/histories/paths';

jest.setTimeout(180_000);

const dataConverter = createDataConverter(parsePayloadKeys(FIXTURE_KEYS));
const files = existsSync(HISTORY_DIR) ? readdirSync(HISTORY_DIR).filter((f) => f.endsWith('.json')).sort() : [];
const load = (file: string) => historyFromFixture(readFileSync(join(HISTORY_DIR, file), 'utf8'));

test('a history is recorded for every workflow path', () => {
  expect(files.map((f) => f.replace(/\.json$/, ''))).toEqual(expect.arrayContaining([...REQUIRED_HISTORIES]));
});

test.each(files)('%s replays on the current workflow code', async (file) => {
  await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter }, load(file), file)).resolves.toBeUndefined();
});

test('a deliberately non-deterministic change fails the replay', async () => {
  const broken = await bundleWorkflowCode({
    workflowsPath: require.resolve('../fixtures/broken-workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const file = 'redaction-happy-path.json';
  await expect(Worker.runReplayHistory({ workflowBundle: broken, dataConverter }, load(file), file)).rejects.toBeInstanceOf(DeterminismViolationError);
});

// The real patched() example (docs/versioning.md): reading file contents arrived while requests were running.
// Histories from before it carry no marker and replay without the new activity; new ones carry the marker.
const patchMarkers = (file: string): string[] =>
  (load(file).events ?? []).flatMap((e) => (e.markerRecordedEventAttributes?.markerName === 'core_patch' ? [JSON.stringify(e.markerRecordedEventAttributes.details)] : []));
test('histories recorded before the file-contents patch carry no patch marker and still replay (above)', () => {
  for (const name of PRE_PATCH_HISTORIES) expect({ name, markers: patchMarkers(`${name}.json`) }).toEqual({ name, markers: [] });
});
test('histories recorded after it carry the patch marker and read files', () => {
  for (const name of ['redaction-file-in-attachment', 'redaction-file-needs-a-look']) {
    const events = load(`${name}.json`).events ?? [];
    expect(patchMarkers(`${name}.json`).length).toBeGreaterThan(0);
    expect(events.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'scanAttachmentContents')).toBe(true);
  }
});
