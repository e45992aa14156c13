import { describe, expect, it } from 'vitest';
import { checkPolicies, parsePolicies, policiesView, withPolicyStatus } from './policies.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const expiration = (ts: string) => ({ Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: ts } });
const text = (...p: unknown[]) => JSON.stringify(p);

describe('parameter policies', () => {
  it('parses the three types', () => {
    const parsed = parsePolicies(
      text(
        expiration('2026-02-01T21:34:33.000Z'),
        { Type: 'ExpirationNotification', Version: '1.0', Attributes: { Before: '15', Unit: 'Days' } },
        { Type: 'NoChangeNotification', Version: '1.0', Attributes: { After: '2', Unit: 'Hours' } },
      ),
    );
    expect(parsed.map((p) => p.type)).toEqual(['Expiration', 'ExpirationNotification', 'NoChangeNotification']);
    expect(parsed[0]!.timestamp).toEqual(new Date('2026-02-01T21:34:33.000Z'));
    expect(parsed[1]!.periodMs).toBe(15 * 86_400_000);
    expect(parsed[2]!.periodMs).toBe(2 * 3_600_000);
    expect(parsePolicies(text(expiration('2019-11-01T22:13:48.87+10:30')))[0]!.timestamp).toEqual(
      new Date('2019-11-01T11:43:48.870Z'),
    );
  });
  it('answers AWS errors', () => {
    const code = (t: string) => {
      try {
        checkPolicies(t, 'Advanced', NOW);
      } catch (err) {
        return (err as { code: string }).code;
      }
      return 'ok';
    };
    expect(code(text({ Type: 'Rotation', Version: '1.0', Attributes: {} }))).toBe('InvalidPolicyTypeException');
    expect(code('not json')).toBe('InvalidPolicyTypeException');
    expect(code(text(expiration('tomorrow')))).toBe('InvalidPolicyAttributeException');
    expect(code(text(expiration('2025-01-01T00:00:00Z')))).toBe('InvalidPolicyAttributeException');
    expect(
      code(text({ Type: 'NoChangeNotification', Version: '1.0', Attributes: { After: '2', Unit: 'Weeks' } })),
    ).toBe('InvalidPolicyAttributeException');
    expect(code(text(expiration('2027-01-01T00:00:00Z'), expiration('2028-01-01T00:00:00Z')))).toBe(
      'IncompatiblePolicyException',
    );
    expect(code(text(...Array(11).fill(expiration('2027-01-01T00:00:00Z'))))).toBe('PoliciesLimitExceededException');
    expect(code(text(expiration('2027-01-01T00:00:00Z')))).toBe('ok');
  });
  it('are for the advanced tier only; none is none', () => {
    expect(() => checkPolicies(text(expiration('2027-01-01T00:00:00Z')), 'Standard')).toThrow(
      expect.objectContaining({ code: 'ValidationException' }),
    );
    expect(checkPolicies('[]', 'Standard')).toBeUndefined();
    expect(checkPolicies(undefined, 'Standard')).toBeUndefined();
  });
  it('shows each policy with its status, the status out of its text', () => {
    const stored = withPolicyStatus(text(expiration('2027-01-01T00:00:00Z')), 'Expiration', 'Finished');
    expect(policiesView(stored)).toEqual([
      {
        PolicyText: JSON.stringify(expiration('2027-01-01T00:00:00Z')),
        PolicyType: 'Expiration',
        PolicyStatus: 'Finished',
      },
    ]);
    expect(policiesView(text(expiration('2027-01-01T00:00:00Z')))[0]!.PolicyStatus).toBe('Pending');
  });
});
