// Temporal client for the HTTP service. Uses the same payload codec as the worker, so what the
// service signals (requests, claims) is encrypted before it reaches Temporal.
import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Config } from '../config';
import { createDataConverter, parsePayloadKeys } from '../security/codec';

export interface TemporalClients {
  connection: Connection;
  client: Client;
  /** The codec inside the data converter, for the Web UI's codec endpoint. */
  codec: PayloadCodec;
}

export async function connectTemporal(config: Config): Promise<TemporalClients> {
  const dataConverter = createDataConverter(parsePayloadKeys(config.PAYLOAD_KEYS));
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const codec = dataConverter.payloadCodecs?.[0];
  if (!codec) throw new Error('createDataConverter returned no payload codec');
  return { connection, client, codec };
}
