/**
 * The key policy KMS attaches when CreateKey or ReplicateKey has no Policy: the account may do
 * everything with the key, which enables IAM policies (Developer Guide, "Default key policy").
 *
 * The text is byte for byte what GetKeyPolicy returns for such a key, in AWS's pretty-printing:
 * two-space indent, " : " between name and value, "[ {" and "} ]" around statements, no trailing
 * newline. Recorded: `aws kms get-key-policy` output in aws-samples/aws-kms-workshop, and the
 * GetKeyPolicy example in the KMS model (aws-sdk-ruby, awsdocs API reference).
 */

const ACCOUNT_ID = /^[0-9]{12}$/;
const PARTITION = /^aws(?:-[a-z]+)*$/;

export function defaultKeyPolicy(accountId: string, partition = 'aws'): string {
  // Guards against building a policy that names someone else: these values come from our own
  // configuration and principal records, so a bad one is a programming error.
  if (!ACCOUNT_ID.test(accountId)) throw new Error(`Invalid account id: ${JSON.stringify(accountId)}`);
  if (!PARTITION.test(partition)) throw new Error(`Invalid partition: ${JSON.stringify(partition)}`);
  return [
    '{',
    '  "Version" : "2012-10-17",',
    '  "Id" : "key-default-1",',
    '  "Statement" : [ {',
    '    "Sid" : "Enable IAM User Permissions",',
    '    "Effect" : "Allow",',
    '    "Principal" : {',
    `      "AWS" : "arn:${partition}:iam::${accountId}:root"`,
    '    },',
    '    "Action" : "kms:*",',
    '    "Resource" : "*"',
    '  } ]',
    '}',
  ].join('\n');
}
