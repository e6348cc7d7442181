// A trivial workflow with one activity runs on the suite's real Temporal dev server.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { smokeWorkflow } from './fixtures/smoke-workflow';

test('a workflow with one activity runs on the real dev server', async () => {
  const address = process.env.TEMPORAL_TEST_ADDRESS!;
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  try {
    const taskQueue = `smoke-${randomUUID()}`;
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('./fixtures/smoke-workflow'),
      activities: { greet: async (name: string) => `hello, ${name}` },
    });
    const client = new Client({ connection });
    const result = await worker.runUntil(
      client.workflow.execute(smokeWorkflow, { taskQueue, workflowId: `smoke-${randomUUID()}`, args: ['Temporal'] }),
    );
    expect(result).toBe('hello, Temporal');
    const info = await client.workflowService.getSystemInfo({});
    expect(info.serverVersion).toMatch(/^\d+\.\d+/);
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
});
