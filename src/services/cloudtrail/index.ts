/** Public surface of services/cloudtrail/: the CloudTrail service for the front door. */
export { CLOUDTRAIL_EVENT_SOURCE, cloudtrailService } from './service.js';
export { lookupEvent, lookupEventsOperation } from './operations/lookup-events.js';
