/**
 * Systems Manager Parameter Store behind the front door: AWS JSON 1.1 (X-Amz-Target
 * `AmazonSSM.<Operation>`, SigV4 service `ssm`) with the model's 13 Parameter Store operations,
 * authorized by identity policies on `arn:aws:ssm:<region>:<account>:parameter/<name>` and audited
 * with eventSource ssm.amazonaws.com (values never in the event: the model marks them sensitive).
 * Every other Systems Manager operation is unknown to Trent (UnknownOperationException).
 */
import { ssm } from '../../model/index.js';
import { jsonService } from '../../pipeline/json-service.js';
import type { AwsService } from '../../pipeline/service.js';
import { PARAMETER_STORE_OPERATIONS } from './registry.js';

export const SSM_EVENT_SOURCE = 'ssm.amazonaws.com';

/** "InternalServerError: An error occurred on the server side. HTTP Status Code: 500" */
const INTERNAL_ERROR = { code: 'InternalServerError', message: 'An error occurred on the server side.' };

export function parameterStoreService(): AwsService {
  return jsonService({
    signingName: 'ssm',
    eventSource: SSM_EVENT_SOURCE,
    model: ssm,
    operations: PARAMETER_STORE_OPERATIONS,
    internalError: INTERNAL_ERROR,
    notOffered: (operation) =>
      `${operation} is not offered by this server: its Systems Manager API is Parameter Store only.`,
  });
}
