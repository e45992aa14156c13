/** Length of a data key from GenerateDataKey's KeySpec or NumberOfBytes (exactly one of them). */
import { DATA_KEY_SPECS, KmsError } from '../../domain/index.js';

export function dataKeyLength(keySpec: string | undefined, numberOfBytes: number | undefined): number {
  if (keySpec !== undefined && numberOfBytes !== undefined) {
    throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
  }
  if (keySpec !== undefined) {
    const length = DATA_KEY_SPECS[keySpec];
    if (length === undefined) throw new KmsError('ValidationException', `KeySpec ${keySpec} is not valid.`);
    return length;
  }
  if (numberOfBytes !== undefined) return numberOfBytes;
  throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
}
