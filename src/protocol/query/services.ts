/**
 * The AWS Query services Trent speaks, as one table (STYLE rule 3): each row is what the protocol
 * needs from a service's generated model. A new Query service is one new row.
 */
import { iam, sts, type ModelSchema } from '../../model/index.js';

export type QueryService = 'iam' | 'sts';

/** A Query service's operation names. */
export type QueryOperationName<S extends QueryService> = S extends 'iam' ? iam.OperationName : sts.OperationName;

/** The decoded parameters of operation `O` of service `S`. */
export type QueryOperationInput<S extends QueryService, O extends QueryOperationName<S>> = S extends 'iam'
  ? iam.OperationInputs[O & iam.OperationName]
  : sts.OperationInputs[O & sts.OperationName];

/** What operation `O` of service `S` returns (`Record<string, never>` when it has no output). */
export type QueryOperationOutput<S extends QueryService, O extends QueryOperationName<S>> = S extends 'iam'
  ? iam.OperationOutputs[O & iam.OperationName]
  : sts.OperationOutputs[O & sts.OperationName];

/** The parts of an operation's model entry the protocol reads. */
export interface QueryOperationSpec {
  readonly input?: string;
  readonly output?: string;
  readonly resultWrapper?: string;
}

/** The wire spec of one error: its code, status and whether it is the server's fault. */
export interface QueryErrorSpec {
  readonly code: string;
  readonly status: number;
  readonly fault: boolean;
}

export interface QueryServiceModel {
  /** the only `Version` the service answers */
  readonly apiVersion: string;
  /** the xmlns of responses and of the service's errors */
  readonly xmlNamespace: string;
  readonly schema: ModelSchema;
  readonly operations: Readonly<Record<string, QueryOperationSpec>>;
  readonly isOperationName: (name: string) => boolean;
  readonly errorSpecFor: (codeOrShapeName: string) => QueryErrorSpec | undefined;
}

export const QUERY_SERVICES: Readonly<Record<QueryService, QueryServiceModel>> = {
  iam: {
    apiVersion: iam.API_VERSION,
    xmlNamespace: iam.XML_NAMESPACE,
    schema: iam.SCHEMA,
    operations: iam.OPERATIONS,
    isOperationName: iam.isOperationName,
    errorSpecFor: iam.errorSpecFor,
  },
  sts: {
    apiVersion: sts.API_VERSION,
    xmlNamespace: sts.XML_NAMESPACE,
    schema: sts.SCHEMA,
    operations: sts.OPERATIONS,
    isOperationName: sts.isOperationName,
    errorSpecFor: sts.errorSpecFor,
  },
};

export function isQueryService(name: string): name is QueryService {
  return Object.prototype.hasOwnProperty.call(QUERY_SERVICES, name);
}
