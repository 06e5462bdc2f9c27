// softmax, log_softmax and their backward, the masked softmax and
// logsumexp in bfloat16 and float16.
//
// The contract (nonlin.h): each output is the 16-bit rounding of a value
// within the f32 function's bound of the exact result, so within half an
// ulp of the 16-bit type plus that bound (softmax: 1 ulp of the 16-bit
// type); and it is, bit for bit, the f32 function's result on the widened
// inputs rounded once (a NaN's sign and payload aside), except softmax on
// contiguous rows longer than kLongRow. Both are asserted on every ISA, on every shape path of the
// float tests plus a long row split in parts, on normal rows and on rows
// with -inf, NaN, +inf and values near the 16-bit range's ends.
#include "half_scoring.hpp"
#include "reference.hpp"
#include "row_bounds.hpp"
#include "row_shapes.hpp"

namespace {

using namespace nonlin_test;

template <class T>
struct row_functions {
    nonlin_status (*forward[2])(size_t, size_t, size_t, const T*, T*);  // [log]
    nonlin_status (*backward[2])(size_t, size_t, size_t, const T*, const T*, T*);
};

const row_functions<float> kFloatRows = {
    {nonlin_softmax_f32, nonlin_log_softmax_f32},
    {nonlin_softmax_backward_f32, nonlin_log_softmax_backward_f32}};
const row_functions<nonlin_bf16> kBf16Rows = {
    {nonlin_softmax_bf16, nonlin_log_softmax_bf16},
    {nonlin_softmax_backward_bf16, nonlin_log_softmax_backward_bf16}};
const row_functions<nonlin_f16> kF16Rows = {
    {nonlin_softmax_f16, nonlin_log_softmax_f16},
    {nonlin_softmax_backward_f16, nonlin_log_softmax_backward_f16}};

const row_functions<nonlin_bf16>& rows_for(const nonlin_bf16*) { return kBf16Rows; }
const row_functions<nonlin_f16>& rows_for(const nonlin_f16*) { return kF16Rows; }

// The float shapes, and a contiguous row of three kLongRow parts and more;
// in a thinned run (NONLIN_TEST_SWEEP_THIN) the long row on the best ISA
// only, as the streaming path's tests: its parts are split by the same
// ISA-independent code on every ISA.
std::vector<shape> half_shapes(const std::string& isa) {
    std::vector<shape> s(std::begin(kShapes), std::end(kShapes));
    if (sweep_thinning() == 0 || isa == available_isas().back()) {
        s.push_back({1, 3 * nonlin::kLongRow + 1000, 1});
    }
    return s;
}

// The spreads of the forward's inputs: sigma 3 alone in a thinned run
// (NONLIN_TEST_SWEEP_THIN, under emulators and sanitizers).
std::vector<double> sigmas() {
    if (sweep_thinning() > 0) return {3.0};
    return {1.0, 3.0, 30.0};
}

bool long_contiguous(const shape& s) { return s.inner == 1 && s.axis > nonlin::kLongRow; }

// The inputs of one case, rounded to T: normal values of spread sigma; with
// `special`, every 97th element -inf, one NaN, one +inf, the first of
// several contiguous rows all -inf and, in a quarter of the elements, values near the top of T's range.
template <class T>
std::vector<T> row_inputs(const shape& s, double sigma, bool special) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    std::vector<float> x = normal_values(total(s), sigma, 21);
    if (special) {
        const float top = static_cast<float>(half_value(f, round_to_half(f, 6e4)));
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (i % 97 == 5) x[i] = -kInf;
            if (i % 4 == 1) x[i] = top - static_cast<float>(i % 7) * 16;
        }
        x[x.size() / 2] = kNaN;
        x[x.size() - 1] = kInf;
        if (s.inner == 1 && s.outer > 1)
            for (std::size_t a = 0; a < s.axis; ++a) x[a] = -kInf;
    }
    std::vector<T> h(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) h[i].bits = narrow_float(f, x[i]);
    return h;
}

// In the accuracy tier selected (`fast`): the f32 function runs in it too.
template <class T>
void check_forward(bool log, bool fast, tally& t, const std::string& isa) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    const auto fn = rows_for(static_cast<const T*>(nullptr)).forward[log];
    const auto fn32 = kFloatRows.forward[log];
    for (const shape& s : half_shapes(isa)) {
        for (const double sigma : sigmas()) {
            for (const bool special : {false, true}) {
                INFO(isa << " " << f.name << (log ? " log_softmax " : " softmax ") << s.outer
                         << "x" << s.axis << "x" << s.inner << " sigma " << sigma
                         << (special ? " with special values" : ""));
                const std::vector<T> x = row_inputs<T>(s, sigma, special);
                const std::vector<float> xf = widened(x);
                std::vector<T> y(x.size());
                std::vector<float> yf(x.size());
                REQUIRE(fn(s.outer, s.axis, s.inner, x.data(), y.data()) == NONLIN_OK);
                REQUIRE(fn32(s.outer, s.axis, s.inner, xf.data(), yf.data()) == NONLIN_OK);
                const std::vector<double> ref = reference_softmax(xf, s.outer, s.axis, s.inner, log);
                const double bound = bound_of(log ? row_bound::log_softmax : row_bound::softmax,
                                              path_of(s.axis, s.inner), fast);
                std::vector<expectation> want(x.size());
                for (std::size_t i = 0; i < x.size(); ++i)
                    want[i] = expect(f, ref[i], bound, log ? std::max(std::fabs(ref[i]), 1.0) : ref[i],
                                     fast && !log);
                score(t, y, yf, want, xf,
                      log || !long_contiguous(s) ? same_as_f32::number : same_as_f32::no);
                std::vector<T> in_place = x;
                REQUIRE(fn(s.outer, s.axis, s.inner, in_place.data(), in_place.data()) == NONLIN_OK);
                for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(in_place[i].bits == y[i].bits);
            }
        }
    }
}

// dx against the formula in double, from the 16-bit forward's output.
template <class T>
void check_backward(bool log, bool fast, tally& t, const std::string& isa) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    const row_functions<T>& fns = rows_for(static_cast<const T*>(nullptr));
    for (const shape& s : half_shapes(isa)) {
        INFO(isa << " " << f.name << (log ? " log_softmax" : " softmax") << "_backward "
                 << s.outer << "x" << s.axis << "x" << s.inner);
        const std::vector<T> x = row_inputs<T>(s, 3.0, false);
        std::vector<T> y(x.size()), dy(x.size()), dx(x.size());
        REQUIRE(fns.forward[log](s.outer, s.axis, s.inner, x.data(), y.data()) == NONLIN_OK);
        const std::vector<float> dyn = normal_values(x.size(), 2.0, 22);
        for (std::size_t i = 0; i < x.size(); ++i) dy[i].bits = narrow_float(f, dyn[i]);
        REQUIRE(fns.backward[log](s.outer, s.axis, s.inner, y.data(), dy.data(), dx.data()) ==
                NONLIN_OK);
        const std::vector<float> yf = widened(y), dyf = widened(dy);
        std::vector<float> dxf(x.size());
        REQUIRE(kFloatRows.backward[log](s.outer, s.axis, s.inner, yf.data(), dyf.data(),
                                         dxf.data()) == NONLIN_OK);
        const double bound =
            bound_of(log ? row_bound::log_softmax_backward : row_bound::softmax_backward,
                     path_of(s.axis, s.inner), fast);
        std::vector<expectation> want(x.size());
        for (const row_index r : rows_of(s.outer, s.axis, s.inner)) {
            double sum = 0.0;  // of y dy (softmax) or of dy (log_softmax)
            for (std::size_t a = 0; a < s.axis; ++a) {
                const std::size_t k = r.base + a * r.stride;
                sum += log ? static_cast<double>(dyf[k]) : static_cast<double>(yf[k]) * dyf[k];
            }
            for (std::size_t a = 0; a < s.axis; ++a) {
                const std::size_t k = r.base + a * r.stride;
                const double yk = yf[k], g = dyf[k];
                const double exact = log ? g - std::exp(yk) * sum : yk * (g - sum);
                const double scale = log ? std::max(std::fabs(g), std::fabs(std::exp(yk) * sum))
                                         : std::max(std::fabs(exact), std::fabs(yk * g));
                want[k] = expect(f, exact, bound, scale, false);
            }
        }
        score(t, dx, dxf, want, yf, same_as_f32::number);
        std::vector<T> in_place = dy;
        REQUIRE(fns.backward[log](s.outer, s.axis, s.inner, y.data(), in_place.data(),
                                  in_place.data()) == NONLIN_OK);
        for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(in_place[i].bits == dx[i].bits);
    }
}

template <class T>
void check_rows(const std::string& isa, bool fast) {
    const char* type = format_of(static_cast<const T*>(nullptr)).name;
    for (const bool log : {false, true}) {
        tally fwd, bwd;
        check_forward<T>(log, fast, fwd, isa);
        report("forward", isa, fast, log ? "log_softmax" : "softmax", type, fwd);
        check_backward<T>(log, fast, bwd, isa);
        report("backward", isa, fast, log ? "log_softmax_backward" : "softmax_backward", type,
               bwd);
    }
}

template <class T>
struct masked_functions {
    nonlin_status (*masked[2])(size_t, size_t, size_t, size_t, const T*, const uint8_t*, T*, float,
                               nonlin_empty_row);
    nonlin_status (*logsumexp)(size_t, size_t, size_t, const T*, T*);
    nonlin_status (*logsumexp_backward)(size_t, size_t, size_t, const T*, const T*, const T*, T*);
};
const masked_functions<nonlin_bf16> kBf16Masked = {
    {nonlin_masked_softmax_bf16, nonlin_masked_log_softmax_bf16}, nonlin_logsumexp_bf16,
    nonlin_logsumexp_backward_bf16};
const masked_functions<nonlin_f16> kF16Masked = {
    {nonlin_masked_softmax_f16, nonlin_masked_log_softmax_f16}, nonlin_logsumexp_f16,
    nonlin_logsumexp_backward_f16};
const masked_functions<nonlin_bf16>& masked_for(const nonlin_bf16*) { return kBf16Masked; }
const masked_functions<nonlin_f16>& masked_for(const nonlin_f16*) { return kF16Masked; }

// The masked, scaled softmax: a mask slice shared by every outer slice, a
// third of it masked and one row of it empty, both empty-row modes.
template <class T>
void check_masked(bool log, tally& t, const std::string& isa) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    const auto fn = masked_for(static_cast<const T*>(nullptr)).masked[log];
    const auto fn32 = log ? nonlin_masked_log_softmax_f32 : nonlin_masked_softmax_f32;
    for (const shape& s : half_shapes(isa)) {
        std::vector<uint8_t> mask(s.axis * s.inner);
        for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = (i * 2654435761u >> 7) % 3 != 0;
        for (std::size_t a = 0; a < s.axis; ++a) mask[a * s.inner] = 0;  // row (o, 0) empty
        for (const bool special : {false, true}) {
            for (const bool zero : {false, true}) {
                const float scale = zero ? 0.125f : 1.0f;
                const nonlin_empty_row mode = zero ? NONLIN_EMPTY_ROW_ZERO : NONLIN_EMPTY_ROW_NAN;
                INFO(isa << " " << f.name << (log ? " masked_log_softmax " : " masked_softmax ")
                         << s.outer << "x" << s.axis << "x" << s.inner << " scale " << scale
                         << (special ? " with special values" : ""));
                const std::vector<T> x = row_inputs<T>(s, 3.0, special);
                const std::vector<float> xf = widened(x);
                std::vector<T> y(x.size());
                std::vector<float> yf(x.size());
                REQUIRE(fn(s.outer, s.axis, s.inner, 1, x.data(), mask.data(), y.data(), scale,
                           mode) == NONLIN_OK);
                REQUIRE(fn32(s.outer, s.axis, s.inner, 1, xf.data(), mask.data(), yf.data(),
                             scale, mode) == NONLIN_OK);
                const std::vector<double> ref = reference_masked_softmax(
                    xf, mask.data(), 1, s.outer, s.axis, s.inner, scale, log, zero);
                const double bound =
                    bound_of(log ? row_bound::masked_log_softmax : row_bound::masked_softmax,
                             path_of(s.axis, s.inner));
                std::vector<expectation> want(x.size());
                for (std::size_t i = 0; i < x.size(); ++i)
                    want[i] = expect(f, ref[i], bound,
                                     log ? std::max(std::fabs(ref[i]), 1.0) : ref[i], false);
                score(t, y, yf, want, xf, same_as_f32::number);
            }
        }
    }
}

// logsumexp (one value per row) and its gradient.
template <class T>
void check_logsumexp(tally& fwd, tally& bwd, const std::string& isa) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    const masked_functions<T>& fns = masked_for(static_cast<const T*>(nullptr));
    for (const shape& s : half_shapes(isa)) {
        for (const bool special : {false, true}) {
            INFO(isa << " " << f.name << " logsumexp " << s.outer << "x" << s.axis << "x"
                     << s.inner << (special ? " with special values" : ""));
            const std::vector<T> x = row_inputs<T>(s, 3.0, special);
            const std::vector<float> xf = widened(x);
            const std::size_t rows = s.outer * s.inner;
            std::vector<T> y(rows), dx(x.size());
            std::vector<float> yf(rows), dxf(x.size());
            REQUIRE(fns.logsumexp(s.outer, s.axis, s.inner, x.data(), y.data()) == NONLIN_OK);
            REQUIRE(nonlin_logsumexp_f32(s.outer, s.axis, s.inner, xf.data(), yf.data()) ==
                    NONLIN_OK);
            const std::vector<double> ref = reference_logsumexp(xf, s.outer, s.axis, s.inner);
            std::vector<expectation> want(rows);
            for (std::size_t i = 0; i < rows; ++i)
                want[i] = expect(f, ref[i], bound_of(row_bound::logsumexp, path_of(s.axis, s.inner)),
                                 std::max(std::fabs(ref[i]), 1.0), false);
            score(fwd, y, yf, want, xf, same_as_f32::number);
            // The gradient from the 16-bit y and a 16-bit dy per row.
            std::vector<T> dy(rows);
            for (std::size_t i = 0; i < rows; ++i)
                dy[i].bits = round_to_half(f, 0.5 + static_cast<double>(i % 5));
            const std::vector<float> ywide = widened(y), dyf = widened(dy);
            REQUIRE(fns.logsumexp_backward(s.outer, s.axis, s.inner, x.data(), y.data(),
                                           dy.data(), dx.data()) == NONLIN_OK);
            REQUIRE(nonlin_logsumexp_backward_f32(s.outer, s.axis, s.inner, xf.data(),
                                                  ywide.data(), dyf.data(), dxf.data()) ==
                    NONLIN_OK);
            std::vector<expectation> grad(x.size(), expectation{false, false, 0, 0, 0});
            if (!special) {
                for (const row_index r : rows_of(s.outer, s.axis, s.inner)) {
                    const std::size_t row = r.base / (s.axis * s.inner) * s.inner +
                                            r.base % (s.axis * s.inner);
                    for (std::size_t a = 0; a < s.axis; ++a) {
                        const std::size_t k = r.base + a * r.stride;
                        const double exact = dyf[row] * std::exp(static_cast<double>(xf[k]) -
                                                                 ywide[row]);
                        grad[k] = expect(f, exact, bound_of(row_bound::logsumexp_backward,
                                                            path_of(s.axis, s.inner)),
                                         exact, false);
                    }
                }
            }
            score(bwd, dx, dxf, grad, xf, same_as_f32::number);
        }
    }
}

// Argument checks: the f32 rules, and nothing written on a refusal.
template <class T>
void check_refusals() {
    const row_functions<T>& fns = rows_for(static_cast<const T*>(nullptr));
    const T sentinel{0x1234};
    std::vector<T> x(24, T{0x3f80}), out(24, sentinel);
    for (const bool log : {false, true}) {
        CHECK(fns.forward[log](2, 4, 1, nullptr, out.data()) == NONLIN_ERR_NULL_POINTER);
        CHECK(fns.backward[log](2, 4, 1, x.data(), nullptr, out.data()) ==
              NONLIN_ERR_NULL_POINTER);
        CHECK(fns.forward[log](SIZE_MAX / 2, 4, 3, x.data(), out.data()) == NONLIN_ERR_BAD_SHAPE);
        CHECK(fns.forward[log](2, 8, 1, out.data(), out.data() + 4) == NONLIN_ERR_OVERLAP);
        CHECK(fns.backward[log](2, 4, 1, x.data(), out.data() + 1, out.data()) ==
              NONLIN_ERR_OVERLAP);
        CHECK(fns.forward[log](0, 4, 1, nullptr, nullptr) == NONLIN_OK);
        const auto masked = masked_for(static_cast<const T*>(nullptr)).masked[log];
        const uint8_t mask[8] = {1, 0, 1, 1, 0, 1, 1, 1};
        CHECK(masked(2, 4, 1, 1, x.data(), mask, out.data(), -1.0f, NONLIN_EMPTY_ROW_NAN) ==
              NONLIN_ERR_BAD_ARGUMENT);
        CHECK(masked(3, 4, 1, 2, x.data(), mask, out.data(), 1.0f, NONLIN_EMPTY_ROW_NAN) ==
              NONLIN_ERR_BAD_SHAPE);
        CHECK(masked(2, 4, 1, 1, x.data(), mask, out.data(), 1.0f,
                     static_cast<nonlin_empty_row>(5)) == NONLIN_ERR_BAD_ARGUMENT);
    }
    const masked_functions<T>& m = masked_for(static_cast<const T*>(nullptr));
    CHECK(m.logsumexp(2, 4, 1, nullptr, out.data()) == NONLIN_ERR_NULL_POINTER);
    CHECK(m.logsumexp_backward(2, 4, 1, x.data(), x.data(), x.data(), x.data() + 1) ==
          NONLIN_ERR_OVERLAP);
    for (const T& o : out) CHECK(o.bits == sentinel.bits);
}

}  // namespace

TEST_CASE("16-bit softmax family: the f32 results rounded once, within the 16-bit bounds",
          "[half][softmax]") {
    FOR_EACH_HALF_ISA_AND_TIER();
    check_rows<nonlin_bf16>(isa_name, fast_tier);
    check_rows<nonlin_f16>(isa_name, fast_tier);
}

TEST_CASE("16-bit masked softmax and logsumexp: the f32 results rounded once, within bounds",
          "[half][softmax]") {
    FOR_EACH_HALF_ISA();
    for (const bool log : {false, true}) {
        tally bf, hf;
        check_masked<nonlin_bf16>(log, bf, isa_name);
        check_masked<nonlin_f16>(log, hf, isa_name);
        const char* name = log ? "masked_log_softmax" : "masked_softmax";
        report("forward", isa_name, false, name, "bf16", bf);
        report("forward", isa_name, false, name, "f16", hf);
    }
    tally bf, hf, bfb, hfb;
    check_logsumexp<nonlin_bf16>(bf, bfb, isa_name);
    check_logsumexp<nonlin_f16>(hf, hfb, isa_name);
    report("forward", isa_name, false, "logsumexp", "bf16", bf);
    report("forward", isa_name, false, "logsumexp", "f16", hf);
    report("backward", isa_name, false, "logsumexp_backward", "bf16", bfb);
    report("backward", isa_name, false, "logsumexp_backward", "f16", hfb);
}

TEST_CASE("16-bit softmax family: argument checks leave the output untouched",
          "[half][softmax][errors]") {
    check_refusals<nonlin_bf16>();
    check_refusals<nonlin_f16>();
}
