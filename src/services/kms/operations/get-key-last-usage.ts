import { KmsError } from '../../../domain/index.js';
import { defineOperation } from '../types.js';

/** The setting that holds when this server began tracking key usage (epoch ms, 8 bytes). */
export const TRACKING_START_SETTING = 'key-usage-tracking-start';

export const GetKeyLastUsage = defineOperation({
  name: 'GetKeyLastUsage',
  action: 'kms:GetKeyLastUsage',
  readOnly: true,
  key: { member: 'KeyId', aliases: false, crossAccount: false },
  async run({ key, services }) {
    const started = await services.storage.getSetting(TRACKING_START_SETTING);
    if (!started) throw new KmsError('KMSInternalException', 'Key usage tracking is not initialized.');
    const trackingStart = new Date(Number(started.readBigUInt64BE()));
    const usage = await services.usage.latest(services.storage, key.arn);
    return {
      KeyId: key.keyId,
      KeyCreationDate: key.creationDate,
      TrackingStartDate: key.creationDate > trackingStart ? key.creationDate : trackingStart,
      ...(usage
        ? {
            KeyLastUsage: {
              Operation: usage.operation as never,
              Timestamp: usage.usedAt,
              CloudTrailEventId: usage.eventId,
              KmsRequestId: usage.requestId,
            },
          }
        : {}),
    };
  },
});
