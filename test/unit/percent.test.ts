import { describe, expect, it } from 'vitest';
import { fractionToPoints, pointsToFraction, shiftDecimal } from '../../src/core/percent.js';

describe('percentages between points and fractions', () => {
  it('moves the decimal point in the text, without float noise', () => {
    expect(pointsToFraction('12.5')).toBe('0.125');
    expect(pointsToFraction('10.9')).toBe('0.109');
    expect(pointsToFraction('100')).toBe('1');
    expect(pointsToFraction('0')).toBe('0');
    expect(pointsToFraction('-3.25')).toBe('-0.0325');
    expect(fractionToPoints('0.125')).toBe('12.5');
    expect(fractionToPoints(0.109)).toBe('10.9');
    expect(fractionToPoints(0.10900000000000001)).toBe('10.9');
    expect(fractionToPoints(-0.005)).toBe('-0.5');
    expect(fractionToPoints(1)).toBe('100');
    expect(shiftDecimal('1234.5', 3)).toBe('1234500');
    expect(shiftDecimal('1234.5', -5)).toBe('0.012345');
  });
});
