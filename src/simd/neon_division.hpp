// Float division for the NEON path. xsimd 8.1 divides float batches on NEON
// by a reciprocal estimate and two Newton steps times the numerator: not
// correctly rounded (softsign reached 2.5 ulp, celu 2.3) and wrong where the
// reciprocal is subnormal. AArch64 has IEEE division (FDIV); every a / b of
// a neon kernel (and a / s, s / b with a float s) goes through operator/=,
// specialized here for batch<float, neon64>. Included by vec.hpp at global
// scope, right after xsimd and before any kernel, in the neon translation
// unit only (the one that uses batch<float, neon64>).
#pragma once

namespace xsimd {

template <>
inline batch<float, neon64>& batch<float, neon64>::operator/=(batch const& other) noexcept {
    return *this = batch(vdivq_f32(*this, other));
}

}  // namespace xsimd
