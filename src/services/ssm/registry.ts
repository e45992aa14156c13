/**
 * Parameter Store's operations, typed against the generated model: every one of the model's
 * operations must be listed here (a missing one is a compile error); one not built yet is null
 * and answers UnknownOperationException with the message every unbuilt operation has.
 */
import type { ssm } from '../../model/index.js';
import type { JsonServiceOperation } from '../../pipeline/json-service.js';
import { deleteParameterOperation } from './operations/delete-parameter.js';
import { deleteParametersOperation } from './operations/delete-parameters.js';
import { describeParametersOperation } from './operations/describe-parameters.js';
import { getParameterHistoryOperation } from './operations/get-parameter-history.js';
import { getParameterOperation } from './operations/get-parameter.js';
import { getParametersByPathOperation } from './operations/get-parameters-by-path.js';
import { getParametersOperation } from './operations/get-parameters.js';
import { labelParameterVersionOperation } from './operations/label-parameter-version.js';
import { putParameterOperation } from './operations/put-parameter.js';
import {
  addTagsToResourceOperation,
  listTagsForResourceOperation,
  removeTagsFromResourceOperation,
} from './operations/tags.js';
import { unlabelParameterVersionOperation } from './operations/unlabel-parameter-version.js';

type AnyOperation = JsonServiceOperation<never, unknown>;

const REGISTRY: Readonly<Record<ssm.OperationName, AnyOperation | null>> = {
  AddTagsToResource: addTagsToResourceOperation as AnyOperation,
  DeleteParameter: deleteParameterOperation as AnyOperation,
  DeleteParameters: deleteParametersOperation as AnyOperation,
  DescribeParameters: describeParametersOperation as AnyOperation,
  GetParameter: getParameterOperation as AnyOperation,
  GetParameterHistory: getParameterHistoryOperation as AnyOperation,
  GetParameters: getParametersOperation as AnyOperation,
  GetParametersByPath: getParametersByPathOperation as AnyOperation,
  LabelParameterVersion: labelParameterVersionOperation as AnyOperation,
  ListTagsForResource: listTagsForResourceOperation as AnyOperation,
  PutParameter: putParameterOperation as AnyOperation,
  RemoveTagsFromResource: removeTagsFromResourceOperation as AnyOperation,
  UnlabelParameterVersion: unlabelParameterVersionOperation as AnyOperation,
};

/** The operations built, for jsonService. */
export const PARAMETER_STORE_OPERATIONS: Readonly<Record<string, AnyOperation>> = Object.fromEntries(
  Object.entries(REGISTRY).filter((e): e is [string, AnyOperation] => e[1] !== null),
);
