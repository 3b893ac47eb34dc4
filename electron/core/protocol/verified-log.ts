/**
 * The service log as this device checks it (docs/architecture.md section 6; section 7): Status
 * answers and Full Get answers pass through the CheckpointVerifier before anything in them is used.
 */
import type { GetRequest, GetResponse } from '../../../shared/protocol/messages/get';
import type { StatusRequest, StatusResponse } from '../../../shared/protocol/messages/status';
import type { SignedCheckpoint } from '../../../shared/merkle/checkpoint';
import type { CheckpointVerifier } from './checkpoint-verifier';
import type { CallOptions, MeshServiceClient } from './mesh-service-client';

/** Pin the service key from Hello if this device has not met the service yet (TOFU). */
export async function ensureServiceKey(
  client: MeshServiceClient,
  verifier: CheckpointVerifier,
  options: CallOptions = {},
): Promise<void> {
  if (verifier.serviceKey !== undefined) return;
  const hello = await client.call('Hello', {}, options);
  verifier.pinServiceKey(hello.ServiceKey);
}

/**
 * Status (draft-hallambaker-mesh-reference-03 section 7.10; draft-hallambaker-mesh-protocol-00
 * section 10.6) with its checkpoint verified against the last one this device saw; the answer's
 * ContainerStatus may be used once this returns.
 */
export async function verifiedStatus(
  client: MeshServiceClient,
  verifier: CheckpointVerifier,
  request: Omit<StatusRequest, 'FromTreeSize'> = {},
  options: CallOptions = {},
): Promise<{ status: StatusResponse; checkpoint: SignedCheckpoint }> {
  await ensureServiceKey(client, verifier, options);
  const from = verifier.checkpoint?.TreeSize;
  const status = await client.call(
    'Status',
    { ...request, ...(from !== undefined && { FromTreeSize: from }) },
    options,
  );
  return { status, checkpoint: verifier.acceptStatus(status) };
}

/**
 * Get with Full (draft-hallambaker-mesh-reference-03 section 7.8): every item comes with its log
 * record and an inclusion proof in a checkpoint that is verified consistent with this device's view
 * of the log.
 */
export async function verifiedGet(
  client: MeshServiceClient,
  verifier: CheckpointVerifier,
  request: Omit<GetRequest, 'Full'>,
  options: CallOptions = {},
): Promise<GetResponse> {
  await ensureServiceKey(client, verifier, options);
  const response = await client.call('Get', { ...request, Full: true }, options);
  await verifier.verifyGetResponse(response, (from) =>
    client.call('Status', from === undefined ? {} : { FromTreeSize: from }, options),
  );
  return response;
}
