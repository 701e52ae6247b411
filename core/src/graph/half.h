// IEEE 754 binary16 <-> binary32 conversion for f16 constants.
// Exact for every half value (including subnormals, infinities and NaN);
// float -> half rounds to nearest even.
#pragma once

#include <cstdint>
#include <cstring>

namespace garden {

inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  uint32_t mantissa = h & 0x3FFu;
  uint32_t bits;
  if (exponent == 0x1F) {  // infinity or NaN
    bits = sign | 0x7F800000u | (mantissa << 13);
  } else if (exponent != 0) {  // normal
    bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {  // signed zero
    bits = sign;
  } else {  // subnormal half: normalize into a normal float
    int shift = 0;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      ++shift;
    }
    mantissa &= 0x3FFu;
    bits = sign | (static_cast<uint32_t>(113 - shift) << 23) | (mantissa << 13);
  }
  float result;
  std::memcpy(&result, &bits, sizeof result);
  return result;
}

inline uint16_t float_to_half(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t abs_bits = bits & 0x7FFFFFFFu;
  if (abs_bits >= 0x7F800000u)  // infinity or NaN (keep NaN quiet and non-zero)
    return static_cast<uint16_t>(sign | 0x7C00u | (abs_bits > 0x7F800000u ? 0x200u : 0u));
  if (abs_bits >= 0x477FF000u)  // rounds to a value beyond the largest half
    return static_cast<uint16_t>(sign | 0x7C00u);
  const int exponent = static_cast<int>(abs_bits >> 23) - 127;
  if (exponent < -25) return sign;  // below half the smallest subnormal: zero
  uint32_t mantissa = (abs_bits & 0x7FFFFFu) | 0x800000u;  // with the implicit 1
  // Bits to drop: 13 for normal halves, more for subnormal ones.
  const int drop = exponent < -14 ? 13 + (-14 - exponent) : 13;
  const uint32_t half_way = 1u << (drop - 1);
  const uint32_t remainder = mantissa & ((1u << drop) - 1);
  mantissa >>= drop;
  if (remainder > half_way || (remainder == half_way && (mantissa & 1u))) ++mantissa;
  if (exponent < -14) return static_cast<uint16_t>(sign | mantissa);  // may round up to the smallest normal
  // Normal: a carry out of the mantissa correctly bumps the exponent.
  const uint32_t biased = static_cast<uint32_t>(exponent + 15);
  return static_cast<uint16_t>(sign | ((biased << 10) + (mantissa - 0x400u)));
}

}  // namespace garden
