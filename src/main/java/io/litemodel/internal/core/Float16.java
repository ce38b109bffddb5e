package io.litemodel.internal.core;

/**
 * IEEE 754 half-precision conversion. Written here because Java 17 has no {@code Float.floatToFloat16} (added in
 * Java 20) and the float API must convert without allocating; round-to-nearest-even, with NaN, infinities and
 * subnormals handled.
 */
final class Float16 {
  private Float16() {}

  /** @return the half-precision bits nearest to {@code value} */
  static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) { // NaN or infinity
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
    }
    int halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1f) { // overflow
      return (short) (sign | 0x7c00);
    }
    if (halfExponent <= 0) { // subnormal or zero in half precision
      if (halfExponent < -10) {
        return (short) sign;
      }
      int m = mantissa | 0x800000;
      int shift = 14 - halfExponent;
      int half = m >>> shift;
      int remainder = m & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (remainder > halfway || (remainder == halfway && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (halfExponent << 10) | (mantissa >>> 13);
    int remainder = mantissa & 0x1fff;
    if (remainder > 0x1000 || (remainder == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, which is the correct rounding up to the next binade or infinity
    }
    return (short) (sign | half);
  }

  /** @return the float equal to the half-precision {@code bits} */
  static float toFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal: value = mantissa * 2^-24
      float magnitude = mantissa * 0x1p-24f;
      return sign != 0 ? -magnitude : magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }
}
