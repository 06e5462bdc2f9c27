// cross_entropy and nll_loss with bfloat16 and float16 logits or
// log-probabilities: the loss in float, the gradient in the 16-bit type.
//
// The contract (nonlin.h): the loss is, bit for bit, the f32 function's on
// the widened inputs, and each gradient element is the f32 function's
// rounded once. Asserted on every ISA, every reduction, rows shorter than a
// vector up to 32000 classes, with ignored rows, -inf logits and a NaN row;
// the loss against the float64 reference within the f32 bound (2 ulp of
// float32 from the 16-bit logits), each gradient element the 16-bit
// rounding of a value within the f32 bound (4 ulp), with the count of
// results not correctly rounded printed.
#include "half_scoring.hpp"
#include "reference.hpp"
#include "row_bounds.hpp"

namespace {

using namespace nonlin_test;

constexpr int64_t kIgnore = -100;
const nonlin_reduction kReductions[] = {NONLIN_REDUCTION_NONE, NONLIN_REDUCTION_MEAN,
                                        NONLIN_REDUCTION_SUM};

template <class T>
struct loss_functions {
    nonlin_status (*cross_entropy)(size_t, size_t, const T*, const int64_t*, float*, T*, int64_t,
                                   nonlin_reduction);
    nonlin_status (*nll)(size_t, size_t, const T*, const int64_t*, float*, int64_t,
                         nonlin_reduction);
    nonlin_status (*nll_backward)(size_t, size_t, const int64_t*, const float*, T*, int64_t,
                                  nonlin_reduction);
    nonlin_status (*log_softmax)(size_t, size_t, size_t, const T*, T*);
};
const loss_functions<nonlin_bf16> kBf16Losses = {nonlin_cross_entropy_bf16, nonlin_nll_loss_bf16,
                                                 nonlin_nll_loss_backward_bf16,
                                                 nonlin_log_softmax_bf16};
const loss_functions<nonlin_f16> kF16Losses = {nonlin_cross_entropy_f16, nonlin_nll_loss_f16,
                                               nonlin_nll_loss_backward_f16,
                                               nonlin_log_softmax_f16};
const loss_functions<nonlin_bf16>& losses_for(const nonlin_bf16*) { return kBf16Losses; }
const loss_functions<nonlin_f16>& losses_for(const nonlin_f16*) { return kF16Losses; }

std::vector<int64_t> targets(std::size_t rows, std::size_t classes) {
    std::vector<int64_t> t(rows);
    for (std::size_t r = 0; r < rows; ++r)
        t[r] = r % 5 == 3 ? kIgnore : static_cast<int64_t>((r * 7919u + 13u) % classes);
    return t;
}

// Logits rounded to T; with `special`, every 7th row has -inf entries
// (never at its target) and row 1 a NaN.
template <class T>
std::vector<T> logits(std::size_t rows, std::size_t classes, const std::vector<int64_t>& t,
                      bool special) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    std::vector<float> x = normal_values(rows * classes, 3.0, 31);
    if (special) {
        for (std::size_t r = 0; r < rows; r += 7)
            for (std::size_t c = 0; c < classes; c += 3)
                if (static_cast<int64_t>(c) != t[r]) x[r * classes + c] = -kInf;
        if (rows > 1) x[classes + classes / 2] = kNaN;
    }
    std::vector<T> h(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) h[i].bits = narrow_float(f, x[i]);
    return h;
}

bool same_float(float a, float b) {
    return bits_of(a) == bits_of(b) || (std::isnan(a) && std::isnan(b));
}

// The gradient's exact values and the loss per row, from the widened logits.
void expect_gradient(const std::vector<float>& x, const std::vector<int64_t>& t,
                     std::size_t classes, double scale, const half_format& f,
                     std::vector<expectation>& want) {
    const double bound = bound_of(row_bound::cross_entropy_gradient, classes, 1);
    for (std::size_t r = 0; r < t.size(); ++r) {
        const row_reference st = reference_stats(x.data(), {r * classes, 1}, classes);
        for (std::size_t c = 0; c < classes; ++c) {
            double g = 0.0;
            if (t[r] != kIgnore) {
                const double e = std::exp(x[r * classes + c] - st.max);
                // 1 - p_t as the sum of the other probabilities.
                g = (static_cast<int64_t>(c) == t[r] ? -(st.sum - e) : e) / st.sum * scale;
            }
            want[r * classes + c] = expect(f, g, bound, g, false);
        }
    }
}

template <class T>
void check_cross_entropy(const std::string& isa, bool special, tally& grads) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    const loss_functions<T>& fns = losses_for(static_cast<const T*>(nullptr));
    for (const std::size_t classes : {1u, 3u, 10u, 17u, 1000u, 2049u, 32000u}) {
        const std::size_t rows = classes >= 1000 ? 6 : 37;
        const std::vector<int64_t> t = targets(rows, classes);
        const std::vector<T> x = logits<T>(rows, classes, t, special);
        const std::vector<float> xf = widened(x);
        for (const nonlin_reduction red : kReductions) {
            INFO(isa << " " << f.name << " cross_entropy, " << classes << " classes, reduction "
                     << red << (special ? ", special rows" : ""));
            std::vector<float> loss(rows, -1.0f), loss32(rows, -1.0f), grad32(x.size());
            std::vector<T> grad(x.size());
            REQUIRE(fns.cross_entropy(rows, classes, x.data(), t.data(), loss.data(), grad.data(),
                                      kIgnore, red) == NONLIN_OK);
            REQUIRE(nonlin_cross_entropy_f32(rows, classes, xf.data(), t.data(), loss32.data(),
                                             grad32.data(), kIgnore, red) == NONLIN_OK);
            for (std::size_t r = 0; r < rows; ++r) CHECK(same_float(loss[r], loss32[r]));
            std::size_t counted = 0;
            for (const int64_t v : t) counted += v != kIgnore;
            std::vector<expectation> want(x.size(), expectation{false, false, 0, 0, 0});
            if (!special) {
                expect_gradient(xf, t, classes,
                                red == NONLIN_REDUCTION_MEAN ? 1.0 / static_cast<double>(counted)
                                                             : 1.0,
                                f, want);
                // The loss from the 16-bit logits, within the f32 bound.
                double sum = 0.0;
                for (std::size_t r = 0; r < rows; ++r) {
                    if (t[r] == kIgnore) continue;
                    const row_reference st = reference_stats(xf.data(), {r * classes, 1}, classes);
                    const double l = std::log(st.sum) - (xf[r * classes + t[r]] - st.max);
                    sum += l;
                    if (red == NONLIN_REDUCTION_NONE)
                        CHECK(ulp_error(loss[r], l) <=
                              bound_of(row_bound::cross_entropy_loss, classes, 1));
                }
                if (red != NONLIN_REDUCTION_NONE) {
                    const double reduced = red == NONLIN_REDUCTION_SUM ? sum : sum / counted;
                    CHECK(ulp_error(loss[0], reduced) <=
                          bound_of(row_bound::cross_entropy_loss, classes, 1));
                }
            }
            score(grads, grad, grad32, want, xf, same_as_f32::number);
            // In place gives the same gradient; without one, the same loss.
            std::vector<T> in_place = x;
            std::vector<float> loss2(rows, -1.0f);
            REQUIRE(fns.cross_entropy(rows, classes, in_place.data(), t.data(), loss2.data(),
                                      in_place.data(), kIgnore, red) == NONLIN_OK);
            for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(in_place[i].bits == grad[i].bits);
            REQUIRE(fns.cross_entropy(rows, classes, x.data(), t.data(), loss2.data(), nullptr,
                                      kIgnore, red) == NONLIN_OK);
            for (std::size_t r = 0; r < rows; ++r) CHECK(same_float(loss2[r], loss[r]));
        }
    }
}

// nll_loss on 16-bit log-probabilities: exact losses, and -dloss rounded once.
template <class T>
void check_nll(const std::string& isa) {
    const half_format f = format_of(static_cast<const T*>(nullptr));
    const loss_functions<T>& fns = losses_for(static_cast<const T*>(nullptr));
    const std::size_t rows = 23, classes = 10;
    const std::vector<int64_t> t = targets(rows, classes);
    std::vector<T> logp = logits<T>(rows, classes, t, false);
    REQUIRE(fns.log_softmax(rows, classes, 1, logp.data(), logp.data()) == NONLIN_OK);
    const std::vector<float> wide = widened(logp);
    for (const nonlin_reduction red : kReductions) {
        INFO(isa << " " << f.name << " nll_loss, reduction " << red);
        std::vector<float> loss(rows, -1.0f), loss32(rows, -1.0f);
        REQUIRE(fns.nll(rows, classes, logp.data(), t.data(), loss.data(), kIgnore, red) ==
                NONLIN_OK);
        REQUIRE(nonlin_nll_loss_f32(rows, classes, wide.data(), t.data(), loss32.data(), kIgnore,
                                    red) == NONLIN_OK);
        for (std::size_t r = 0; r < rows; ++r) CHECK(bits_of(loss[r]) == bits_of(loss32[r]));
        const std::vector<float> dloss = uniform_values(rows, -3.0f, 3.0f, 32);
        std::vector<T> dinput(logp.size());
        std::vector<float> dinput32(logp.size());
        REQUIRE(fns.nll_backward(rows, classes, t.data(), dloss.data(), dinput.data(), kIgnore,
                                 red) == NONLIN_OK);
        REQUIRE(nonlin_nll_loss_backward_f32(rows, classes, t.data(), dloss.data(),
                                             dinput32.data(), kIgnore, red) == NONLIN_OK);
        for (std::size_t i = 0; i < dinput.size(); ++i)
            CHECK(dinput[i].bits == narrow_float(f, dinput32[i]));
    }
}

// Refusals write nothing; the checks are the f32 functions'.
template <class T>
void check_refusals() {
    const loss_functions<T>& fns = losses_for(static_cast<const T*>(nullptr));
    const T sentinel{0x1234};
    std::vector<T> x(12, T{0x3c00}), grad(12, sentinel);
    std::vector<float> loss(3, -1.0f), dloss(3, 1.0f);
    const int64_t bad[3] = {0, 4, 1}, good[3] = {0, 1, 2};
    CHECK(fns.cross_entropy(3, 4, x.data(), bad, loss.data(), grad.data(), kIgnore,
                            NONLIN_REDUCTION_NONE) == NONLIN_ERR_BAD_TARGET);
    CHECK(fns.cross_entropy(3, 4, nullptr, good, loss.data(), grad.data(), kIgnore,
                            NONLIN_REDUCTION_NONE) == NONLIN_ERR_NULL_POINTER);
    CHECK(fns.nll(3, 4, x.data(), good, loss.data(), kIgnore, static_cast<nonlin_reduction>(7)) ==
          NONLIN_ERR_BAD_ARGUMENT);
    CHECK(fns.nll_backward(3, 4, bad, dloss.data(), grad.data(), kIgnore,
                           NONLIN_REDUCTION_NONE) == NONLIN_ERR_BAD_TARGET);
    CHECK(fns.cross_entropy(3, 4, x.data(), good, loss.data(), x.data() + 1, kIgnore,
                            NONLIN_REDUCTION_NONE) == NONLIN_ERR_OVERLAP);
    for (const T& g : grad) CHECK(g.bits == sentinel.bits);
    for (const float l : loss) CHECK(l == -1.0f);
}

}  // namespace

TEST_CASE("16-bit losses: the f32 losses of the widened inputs, the gradient rounded once",
          "[half][loss]") {
    FOR_EACH_HALF_ISA();
    for (const bool special : {false, true}) {
        tally bf, hf;
        check_cross_entropy<nonlin_bf16>(isa_name, special, bf);
        check_cross_entropy<nonlin_f16>(isa_name, special, hf);
        if (!special) {
            report("backward", isa_name, false, "cross_entropy_gradient", "bf16", bf);
            report("backward", isa_name, false, "cross_entropy_gradient", "f16", hf);
        } else {
            CHECK(bf.mismatched == 0);
            CHECK(hf.mismatched == 0);
        }
    }
    check_nll<nonlin_bf16>(isa_name);
    check_nll<nonlin_f16>(isa_name);
}

TEST_CASE("16-bit losses: argument checks leave the outputs untouched", "[half][loss][errors]") {
    check_refusals<nonlin_bf16>();
    check_refusals<nonlin_f16>();
}
