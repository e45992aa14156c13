/**
 * IAM behind the front door: the AWS Query protocol with IAM's model and the operations of the
 * registry. IAM is global: signed for us-east-1 in the aws partition, its events recorded there.
 */
import { queryService } from '../../pipeline/query-service.js';
import type { AwsService } from '../../pipeline/service.js';
import { IAM_OPERATIONS } from './registry.js';

export const IAM_SERVICE: AwsService = queryService({
  service: 'iam',
  eventSource: 'iam.amazonaws.com',
  global: true,
  operations: IAM_OPERATIONS as Parameters<typeof queryService>[0]['operations'],
  accessDeniedCode: 'AccessDenied',
});
