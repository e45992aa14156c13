import { describe, expect, it } from 'vitest';
import {
  INVALID_NAME_MESSAGE,
  INVALID_PATH_MESSAGE,
  NOT_QUALIFIED_MESSAGE,
  RESERVED_PREFIX_MESSAGE,
  checkParameterName,
  checkPath,
  isUnderPath,
} from './names.js';

const failure = (f: () => void): { code: string; message: string } => {
  try {
    f();
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a failure');
};

describe('checkParameterName', () => {
  it('accepts names and hierarchies AWS accepts', () => {
    for (const name of ['a', 'My_Param-1.2', '/Dev/DBServer/MySQL/db-string13', '/a', `/${'x/'.repeat(14)}y`]) {
      expect(() => checkParameterName(name)).not.toThrow();
    }
  });
  it('refuses the aws and ssm prefixes, case-insensitively', () => {
    expect(failure(() => checkParameterName('AWSparam'))).toMatchObject({
      code: 'ValidationException',
      message: RESERVED_PREFIX_MESSAGE,
    });
    expect(failure(() => checkParameterName('/ssm'))).toMatchObject({ message: RESERVED_PREFIX_MESSAGE });
    expect(failure(() => checkParameterName('/Ssm/x'))).toMatchObject({ message: INVALID_NAME_MESSAGE });
    expect(failure(() => checkParameterName('/aws/service/x'))).toEqual(
      expect.objectContaining({
        code: 'AccessDeniedException',
        message: 'No access to reserved parameter name: /aws/service/x.',
      }),
    );
  });
  it('refuses hierarchies without the leading slash, other characters and empty levels', () => {
    expect(failure(() => checkParameterName('db/endpoint'))).toMatchObject({ message: NOT_QUALIFIED_MESSAGE });
    for (const name of ['Dev MySQL DB', '/a/b@c', '/a//b', '/a/', '/', 'a:1']) {
      expect(failure(() => checkParameterName(name))).toMatchObject({
        code: 'ValidationException',
        message: INVALID_NAME_MESSAGE,
      });
    }
  });
  it('allows 15 levels, not 16', () => {
    expect(() => checkParameterName(`/${Array(15).fill('l').join('/')}`)).not.toThrow();
    expect(failure(() => checkParameterName(`/${Array(16).fill('l').join('/')}`)).code).toBe(
      'HierarchyLevelLimitExceededException',
    );
  });
  it('limits names to 1011 characters', () => {
    expect(() => checkParameterName('a'.repeat(1011))).not.toThrow();
    expect(failure(() => checkParameterName('a'.repeat(1012))).code).toBe('ValidationException');
  });
});

describe('paths', () => {
  it('checks a path as GetParametersByPath does', () => {
    for (const path of ['/', '/a', '/a/b/', '/aws/service']) expect(() => checkPath(path)).not.toThrow();
    for (const path of ['a', 'a/b', '/a//b', '/a b', '/ssm/x']) {
      expect(failure(() => checkPath(path))).toMatchObject({
        code: 'ValidationException',
        message: INVALID_PATH_MESSAGE,
      });
    }
  });
  it('places names one level below, or at any depth with recursive', () => {
    expect(isUnderPath('/a/b', '/a', false)).toBe(true);
    expect(isUnderPath('/a/b/c', '/a', false)).toBe(false);
    expect(isUnderPath('/a/b/c', '/a/', true)).toBe(true);
    expect(isUnderPath('/ab/c', '/a', true)).toBe(false);
    expect(isUnderPath('/a', '/a', true)).toBe(false);
    expect(isUnderPath('top', '/', false)).toBe(true);
    expect(isUnderPath('/top', '/', false)).toBe(true);
    expect(isUnderPath('/a/b', '/', false)).toBe(false);
    expect(isUnderPath('/a/b', '/', true)).toBe(true);
  });
});
