import { keyMetadata } from '../metadata.js';
import { relatedKeys } from '../multi-region.js';
import { defineOperation } from '../types.js';

export const DescribeKey = defineOperation({
  name: 'DescribeKey',
  action: 'kms:DescribeKey',
  readOnly: true,
  key: { member: 'KeyId', aliases: true, crossAccount: true },
  async run({ key, services }) {
    return { KeyMetadata: keyMetadata(key, await relatedKeys(services, key)) };
  },
});
