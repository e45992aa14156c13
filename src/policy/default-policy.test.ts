import { describe, expect, it } from 'vitest';
import { defaultKeyPolicy } from './default-policy.js';
import { validateKeyPolicy } from './parse.js';

// GetKeyPolicy's Policy string for a key created without a policy, as recorded from AWS
// (aws-samples/aws-kms-workshop, `aws kms get-key-policy`), with the account id substituted.
const RECORDED =
  '{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n' +
  '    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n    "Principal" : {\n' +
  '      "AWS" : "arn:aws:iam::111122223333:root"\n    },\n    "Action" : "kms:*",\n' +
  '    "Resource" : "*"\n  } ]\n}';

describe('defaultKeyPolicy', () => {
  it('is byte for byte what AWS returns', () => {
    expect(defaultKeyPolicy('111122223333')).toBe(RECORDED);
  });

  it('names the partition it is given', () => {
    expect(defaultKeyPolicy('111122223333', 'aws-cn')).toContain('"AWS" : "arn:aws-cn:iam::111122223333:root"');
  });

  it('validates, and reads back as one Allow for the account root', () => {
    const result = validateKeyPolicy(defaultKeyPolicy('111122223333'));
    expect(result).toEqual({
      ok: true,
      document: {
        version: '2012-10-17',
        id: 'key-default-1',
        statements: [
          {
            sid: 'Enable IAM User Permissions',
            effect: 'Allow',
            principal: {
              negated: false,
              principals: {
                anyone: false,
                aws: ['arn:aws:iam::111122223333:root'],
                service: [],
                federated: [],
                canonicalUser: [],
              },
            },
            action: { negated: false, patterns: ['kms:*'] },
            resource: { negated: false, patterns: ['*'] },
            conditions: [],
          },
        ],
      },
    });
  });

  it.each(['11112222333', '1111222233334', 'abcdefghijkl', '111122223333"'])('refuses account id %j', (account) => {
    expect(() => defaultKeyPolicy(account)).toThrow(/Invalid account id/);
  });

  it('refuses a partition that is not one', () => {
    expect(() => defaultKeyPolicy('111122223333', 'aws:iam')).toThrow(/Invalid partition/);
  });
});
