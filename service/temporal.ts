// Temporal client for the HTTP service and the CLI. Uses the same payload codec as the worker, so what the
// service signals (requests, claims) is encrypted before it reaches Temporal.
import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Config } from '../config';
import { connectionReason, DEFAULT_TEMPORAL_ADDRESS, TemporalUnreachableError } from '../config/temporal';
import { createDataConverter, parsePayloadKeys } from '../security/codec';

export interface TemporalClients {
  connection: Connection;
  client: Client;
  /** The codec inside the data converter, for the Web UI's codec endpoint. */
  codec: PayloadCodec;
}

export type TemporalConfig = Pick<Config, 'PAYLOAD_KEYS' | 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>;

export async function connectTemporal(config: TemporalConfig, opts: { connectTimeoutMs?: number } = {}): Promise<TemporalClients> {
  const dataConverter = createDataConverter(parsePayloadKeys(config.PAYLOAD_KEYS));
  const address = config.TEMPORAL_ADDRESS ?? DEFAULT_TEMPORAL_ADDRESS;
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: opts.connectTimeoutMs ?? 10_000 });
  } catch (err) {
    throw new TemporalUnreachableError(address, connectionReason(err));
  }
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const codec = dataConverter.payloadCodecs?.[0];
  if (!codec) throw new Error('createDataConverter returned no payload codec');
  return { connection, client, codec };
}
