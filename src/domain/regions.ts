/**
 * AWS's regions and the partition each belongs to, in one place. A request is scoped to one of
 * these (or to a region the operator adds); anything else is refused at authentication, as AWS
 * refuses it ("Credential should be scoped to a valid region"). The list is the AWS SDK's
 * partitions table (@aws-sdk/core util-endpoints, 2026) for the partitions Trent serves.
 */

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

export const PARTITIONS: readonly Partition[] = ['aws', 'aws-cn', 'aws-us-gov'];

const AWS_REGIONS: Readonly<Record<Partition, readonly string[]>> = {
  aws: [
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'me-west-1',
    'mx-central-1',
    'sa-east-1',
    'sa-west-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
};

/**
 * How the SDK names regions of each partition (its `regionRegex`): a region the operator adds is
 * placed in the partition whose form it has, as an SDK would place it.
 */
const REGION_FORM: readonly (readonly [Partition, RegExp])[] = [
  ['aws-us-gov', /^us-gov-[a-z]+-[0-9]{1,2}$/],
  ['aws-cn', /^cn-[a-z]+-[0-9]{1,2}$/],
  ['aws', /^(?:us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[0-9]{1,2}$/],
];

const KNOWN: ReadonlyMap<string, Partition> = new Map(
  PARTITIONS.flatMap((partition) => AWS_REGIONS[partition].map((region) => [region, partition] as const)),
);

/** The partition of a region, by the table, else by its form; `aws` for anything else. */
export function partitionOf(region: string): Partition {
  return KNOWN.get(region) ?? REGION_FORM.find(([, form]) => form.test(region))?.[0] ?? 'aws';
}

/** The regions a server accepts: AWS's, plus those its operator adds. */
export interface RegionSet {
  has(region: string): boolean;
}

/**
 * AWS's regions and `extra`; an extra region must have the form of a partition's regions (so its
 * partition is certain), otherwise this throws with a message naming it.
 */
export function regionSet(extra: readonly string[] = []): RegionSet {
  const names = new Set(KNOWN.keys());
  for (const region of extra) {
    if (!REGION_FORM.some(([, form]) => form.test(region))) {
      throw new Error(
        `region '${region}' is not a region name: it must look like AWS's (e.g. us-east-7, eu-south-3, cn-north-2)`,
      );
    }
    names.add(region);
  }
  return { has: (region) => names.has(region) };
}

/**
 * Where a global service (IAM) is signed and recorded in each partition: IAM's endpoint in the
 * `aws` partition is iam.amazonaws.com, signed for us-east-1 (IAM API reference, "Signing AWS API
 * requests"); aws-cn signs for cn-north-1 and aws-us-gov for us-gov-west-1.
 */
export const GLOBAL_SERVICE_REGION: Readonly<Record<Partition, string>> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1',
};

/** The regions a global service's requests may be signed for. */
export const GLOBAL_SIGNING_REGIONS: RegionSet = {
  has: (region) => Object.values(GLOBAL_SERVICE_REGION).includes(region),
};
