/**
 * STS behind the front door: the AWS Query protocol with STS's model and the operations of the
 * registry. STS is regional (signed for the caller's region, events recorded there).
 */
import { queryService } from '../../pipeline/query-service.js';
import type { AwsService } from '../../pipeline/service.js';
import { STS_OPERATIONS, STS_SECRET_SHAPES } from './registry.js';

export const STS_SERVICE: AwsService = queryService({
  service: 'sts',
  eventSource: 'sts.amazonaws.com',
  global: false,
  operations: STS_OPERATIONS as Parameters<typeof queryService>[0]['operations'],
  accessDeniedCode: 'AccessDenied',
  secretShapes: STS_SECRET_SHAPES,
});
