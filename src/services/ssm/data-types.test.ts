import { describe, expect, it } from 'vitest';
import { checkDataType } from './data-types.js';

describe('data types', () => {
  it('knows text, aws:ec2:image and aws:ssm:integration', () => {
    for (const t of ['text', 'aws:ssm:integration']) expect(() => checkDataType(t, 'x', 'String')).not.toThrow();
    expect(() => checkDataType('Text')).toThrow(
      expect.objectContaining({
        code: 'ValidationException',
        message: 'The following data type is not supported: Text (Data type names are all lowercase.)',
      }),
    );
  });
  it('checks the AMI ID format of aws:ec2:image, String parameters only', () => {
    expect(() => checkDataType('aws:ec2:image', 'ami-0123456789abcdef0', 'String')).not.toThrow();
    expect(() => checkDataType('aws:ec2:image', 'ami-12345678', 'String')).not.toThrow();
    expect(() => checkDataType('aws:ec2:image', 'not-an-ami', 'String')).toThrow(
      expect.objectContaining({ code: 'ValidationException' }),
    );
    expect(() => checkDataType('aws:ec2:image', 'ami-12345678', 'SecureString')).toThrow(
      expect.objectContaining({ code: 'ValidationException' }),
    );
  });
});
