import { canMove } from './request';

describe('request state machine', () => {
  it('requested → approved → pending → running → completed | failed', () => {
    expect(canMove('requested', 'approved')).toBe(true);
    expect(canMove('approved', 'pending')).toBe(true);
    expect(canMove('pending', 'running')).toBe(true);
    expect(canMove('running', 'completed')).toBe(true);
    expect(canMove('running', 'failed')).toBe(true);
  });

  it('cannot skip approval, go back, or leave a final state', () => {
    expect(canMove('requested', 'running')).toBe(false);
    expect(canMove('running', 'pending')).toBe(false);
    expect(canMove('completed', 'running')).toBe(false);
    expect(canMove('cancelled', 'pending')).toBe(false);
    expect(canMove('refused', 'approved')).toBe(false);
  });

  it('a scheduled erasure may be cancelled during grace, a running one may not', () => {
    expect(canMove('pending', 'cancelled')).toBe(true);
    expect(canMove('running', 'cancelled')).toBe(false);
  });
});
