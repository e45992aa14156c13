import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { iam, sts } from './index.js';

const raw = (service: 'iam' | 'sts') =>
  JSON.parse(readFileSync(new URL(`../../../shared/aws-models/${service}/service-2.json`, import.meta.url), 'utf8')) as {
    operations: Record<string, unknown>;
  };

describe('generated IAM model', () => {
  it('lists every operation of the model, sorted, with its shapes in the schema', () => {
    expect([...iam.OPERATION_NAMES]).toEqual(Object.keys(raw('iam').operations).sort());
    for (const op of iam.OPERATION_NAMES) {
      const { input, output, resultWrapper } = iam.OPERATIONS[op];
      if (input !== undefined) expect(iam.SCHEMA[input as iam.ShapeName]?.type, op).toBe('structure');
      if (output !== undefined) {
        expect(iam.SCHEMA[output as iam.ShapeName]?.type, op).toBe('structure');
        expect(resultWrapper, op).toBe(`${op}Result`);
      }
    }
    expect(iam.API_VERSION).toBe('2010-05-08');
    expect(iam.XML_NAMESPACE).toBe('https://iam.amazonaws.com/doc/2010-05-08/');
    expect(iam.isOperationName('CreateUser')).toBe(true);
    expect(iam.isOperationName('GetCallerIdentity')).toBe(false);
    expect(iam.isOperationName('hasOwnProperty')).toBe(false);
  });

  it('has operations without input or output', () => {
    expect(iam.OPERATIONS.GetAccountSummary).toEqual({
      output: 'GetAccountSummaryResponse',
      resultWrapper: 'GetAccountSummaryResult',
      errors: ['ServiceFailureException'],
    });
    expect(iam.OPERATIONS.DeleteUser.output).toBeUndefined();
    expect(iam.OPERATIONS.CreateUser).toMatchObject({
      input: 'CreateUserRequest',
      output: 'CreateUserResponse',
      resultWrapper: 'CreateUserResult',
      errors: expect.arrayContaining(['EntityAlreadyExistsException', 'NoSuchEntityException']) as unknown,
    });
  });

  it('carries the constraints validation uses', () => {
    expect(iam.SCHEMA.CreateUserRequest.required).toEqual(['UserName']);
    expect(iam.SCHEMA.userNameType).toMatchObject({ type: 'string', min: 1, max: 64, pattern: '[\\w+=,.@-]+' });
    expect(iam.SCHEMA.tagListType).toMatchObject({ type: 'list', member: 'Tag', max: 50 });
    expect(iam.SCHEMA.maxItemsType).toMatchObject({ type: 'integer', min: 1, max: 1000 });
    expect(iam.SCHEMA.statusType.enum).toEqual(['Active', 'Inactive', 'Expired']);
    expect(iam.statusTypeValues).toEqual(['Active', 'Inactive', 'Expired']);
    expect(iam.SCHEMA.summaryMapType).toMatchObject({ type: 'map', key: 'summaryKeyType', value: 'summaryValueType' });
    expect(iam.SCHEMA.dateType.type).toBe('timestamp');
    expect(iam.SCHEMA.booleanType.type).toBe('boolean');
  });

  it("names errors by their awsQueryError code, with the model's status", () => {
    expect(iam.MODEL_ERRORS.NoSuchEntityException).toEqual({ code: 'NoSuchEntity', status: 404, fault: false });
    expect(iam.MODEL_ERRORS.EntityAlreadyExistsException).toEqual({ code: 'EntityAlreadyExists', status: 409, fault: false });
    expect(iam.MODEL_ERRORS.ServiceFailureException).toEqual({ code: 'ServiceFailure', status: 500, fault: true });
    expect(iam.MODEL_ERRORS.CredentialReportNotReadyException.code).toBe('ReportInProgress');
    // A shape without an awsQueryError travels under its own name, as a 400.
    expect(iam.MODEL_ERRORS.OrganizationNotFoundException).toEqual({
      code: 'OrganizationNotFoundException',
      status: 400,
      fault: false,
    });
    expect(iam.errorSpecFor('NoSuchEntity')).toBe(iam.MODEL_ERRORS.NoSuchEntityException);
    expect(iam.errorSpecFor('NoSuchEntityException')).toBe(iam.MODEL_ERRORS.NoSuchEntityException);
    expect(iam.errorSpecFor('AccessDenied')).toEqual({ code: 'AccessDenied', status: 403, fault: false });
    expect(iam.errorSpecFor('Nope')).toBeUndefined();
    expect(iam.httpStatusFor('LimitExceeded')).toBe(409);
    expect(iam.httpStatusFor('Nope')).toBe(400);
    expect(iam.isKnownErrorCode('ValidationError')).toBe(true);
    expect(iam.isKnownErrorCode('NoSuchEntityException')).toBe(false);
    for (const op of iam.OPERATION_NAMES) {
      for (const e of iam.OPERATIONS[op].errors) expect(Object.keys(iam.MODEL_ERRORS)).toContain(e);
    }
  });
});

describe('generated STS model', () => {
  it('lists every operation with its result wrapper', () => {
    expect([...sts.OPERATION_NAMES]).toEqual(Object.keys(raw('sts').operations).sort());
    expect(sts.OPERATIONS.AssumeRole).toMatchObject({
      input: 'AssumeRoleRequest',
      output: 'AssumeRoleResponse',
      resultWrapper: 'AssumeRoleResult',
    });
    expect(sts.OPERATIONS.GetCallerIdentity.errors).toEqual([]);
    expect(sts.API_VERSION).toBe('2011-06-15');
    expect(sts.XML_NAMESPACE).toBe('https://sts.amazonaws.com/doc/2011-06-15/');
  });

  it('carries the AssumeRole constraints AWS STS reports', () => {
    expect(sts.SCHEMA.AssumeRoleRequest.required).toEqual(['RoleArn', 'RoleSessionName']);
    expect(sts.SCHEMA.roleSessionNameType).toMatchObject({ min: 2, max: 64, pattern: '[\\w+=,.@-]*' });
    expect(sts.SCHEMA.roleDurationSecondsType).toMatchObject({ type: 'integer', min: 900, max: 43200 });
    expect(sts.SCHEMA.policyDescriptorListType).toMatchObject({ type: 'list', member: 'PolicyDescriptorType' });
    expect(sts.SCHEMA.accessKeySecretType.sensitive).toBe(true);
  });

  it('names errors by code, with status', () => {
    expect(sts.MODEL_ERRORS.MalformedPolicyDocumentException).toEqual({
      code: 'MalformedPolicyDocument',
      status: 400,
      fault: false,
    });
    expect(sts.MODEL_ERRORS.PackedPolicyTooLargeException.code).toBe('PackedPolicyTooLarge');
    expect(sts.MODEL_ERRORS.RegionDisabledException).toEqual({ code: 'RegionDisabledException', status: 403, fault: false });
    expect(sts.MODEL_ERRORS.ExpiredTokenException.code).toBe('ExpiredTokenException');
    expect(sts.errorSpecFor('InvalidAction')?.status).toBe(400);
    expect(sts.errorSpecFor('InternalFailure')).toEqual({ code: 'InternalFailure', status: 500, fault: true });
  });
});
