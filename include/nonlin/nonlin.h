/*
 * nonlin: vectorized, numerically stable activation functions and their
 * gradients for CPUs, behind a stable C ABI.
 *
 * This header is the whole public interface. It is C99 and C++ compatible.
 *
 * Conventions shared by every function
 * ------------------------------------
 * - Argument order: sizes, then input arrays, then output arrays, then
 *   scalar parameters.
 * - Functions that can fail return nonlin_status. On any error no output
 *   is written.
 * - Sizes are element counts. A size of zero is a valid no-op (pointers may
 *   then be NULL), whatever the other sizes are: a zero factor makes an
 *   empty array even where the product of the others would overflow. A
 *   NULL array with a nonzero size is NONLIN_ERR_NULL_POINTER. A size
 *   product (or its byte count) that overflows size_t is
 *   NONLIN_ERR_BAD_SHAPE.
 * - In place: an output may be exactly any input of the same size (same
 *   address, length and element type: y == x, dx == dy, dx == y,
 *   dlogits == logits). Any other overlap of an output with an input or
 *   another output is NONLIN_ERR_OVERLAP; so is a float output placed
 *   exactly over the int64 targets, even at the same byte size.
 * - Checks run in this order, and the first failing one is returned:
 *   bad argument (reduction, parameters), bad shape, null pointer, overlap,
 *   bad target.
 * - Arrays need no particular alignment: any byte address works, on every
 *   path, with the same results as an aligned array.
 * - Threads: calls are safe from any number of threads at once. Large calls
 *   are split over an OpenMP team (see nonlin_set_num_threads); results
 *   are bitwise identical for every thread count.
 * - Floating point environment: the library never changes the caller's
 *   floating point control state. Results assume round-to-nearest; if the
 *   caller enables flush-to-zero or denormals-are-zero, subnormal inputs
 *   and results may be flushed to zero.
 * - Accuracy: bounds are in units in the last place (ulp) of the exact
 *   result of the same formula evaluated on the float32 inputs; the
 *   measured figures and the tests that enforce them are in
 *   docs/ACCURACY.md.
 */
#ifndef NONLIN_NONLIN_H
#define NONLIN_NONLIN_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && !defined(NONLIN_STATIC)
#  if defined(NONLIN_BUILDING)
#    define NONLIN_API __declspec(dllexport)
#  else
#    define NONLIN_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__)
#  define NONLIN_API __attribute__((visibility("default")))
#else
#  define NONLIN_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define NONLIN_VERSION_MAJOR 0
#define NONLIN_VERSION_MINOR 1
#define NONLIN_VERSION_PATCH 0

/* In C++ the enums below have the fixed underlying type C compilers give
 * them, unsigned int, so that whatever value a C caller passes is a value
 * of the type (refused with a status where it names nothing), never
 * undefined behaviour; in C every int already is. */
#ifdef __cplusplus
#define NONLIN_ENUM_BASE : unsigned int
#else
#define NONLIN_ENUM_BASE
#endif

/* Status codes. The values are part of the ABI and never change. */
typedef enum nonlin_status NONLIN_ENUM_BASE {
    NONLIN_OK = 0,
    NONLIN_ERR_NULL_POINTER = 1,  /* NULL array with a nonzero size */
    NONLIN_ERR_BAD_SHAPE = 2,     /* zero classes with rows, size product overflows */
    NONLIN_ERR_OVERLAP = 3,       /* an output partially overlaps an input or another output */
    NONLIN_ERR_BAD_TARGET = 4,    /* class index outside [0, classes), not the ignore index */
    NONLIN_ERR_BAD_ARGUMENT = 5,  /* unknown reduction, bad parameter, unknown ISA name */
    NONLIN_ERR_UNSUPPORTED = 6    /* ISA not available on this CPU */
} nonlin_status;

/* How a loss over rows is reduced. Values are part of the ABI. */
typedef enum nonlin_reduction NONLIN_ENUM_BASE {
    NONLIN_REDUCTION_NONE = 0,  /* one loss per row */
    NONLIN_REDUCTION_MEAN = 1,  /* sum over non-ignored rows / their count */
    NONLIN_REDUCTION_SUM = 2    /* sum over non-ignored rows */
} nonlin_reduction;

/* ---------------------------------------------------------------- runtime */

/* A static, human-readable name for s ("ok", "null pointer", ...).
 * Unknown values give "unknown status". Never NULL. */
NONLIN_API const char* nonlin_status_string(nonlin_status s);

/* The library's version as major*10000 + minor*100 + patch. Compare its
 * major part with NONLIN_VERSION_MAJOR to detect a mismatched library. */
NONLIN_API uint32_t nonlin_version(void);

/* The library's version as "major.minor.patch". Never NULL. */
NONLIN_API const char* nonlin_version_string(void);

/* The instruction set the kernels use now: on x86-64 "avx512bf16" (avx512
 * with AVX512-BF16, which rounds to bfloat16 in hardware: the same results,
 * faster), "avx512" (AVX-512 F+BW+DQ+VL), "avx2" (AVX2 with FMA) or
 * "sse2"; on AArch64 "neon" (Advanced SIMD); anywhere "scalar". Never NULL.
 * At load, the best one this CPU supports is chosen, unless the environment
 * variable NONLIN_ISA names an available one (an unknown or unavailable
 * name there is ignored). */
NONLIN_API const char* nonlin_isa(void);

/* Selects the instruction set by name (as returned by nonlin_isa()); NULL
 * or "auto" selects the best available. Unknown name:
 * NONLIN_ERR_BAD_ARGUMENT; known but not supported by this CPU (or this
 * build): NONLIN_ERR_UNSUPPORTED. In both cases the selection is
 * unchanged. The setting is process-wide; a call already running finishes
 * with the instruction set it started with. */
NONLIN_API nonlin_status nonlin_set_isa(const char* name);

/* The accuracy tiers. The strict tier (the default) holds every bound this
 * header states. The fast tier trades accuracy for speed within stated
 * limits: a function keeps its strict bound there unless its comment has a
 * sentence starting "Fast bound", which states one of at most 4 ulp (8 ulp
 * for softmax and log_softmax) for results of magnitude >= FLT_MIN; below
 * FLT_MIN a fast result may be flushed to 0 (an absolute error up to
 * FLT_MIN). Both tiers keep every other rule: the special values, no NaN
 * from a non-NaN input, no overflow for a finite input, monotone where the
 * function is, no write on error, results independent of the thread
 * count. */
typedef enum NONLIN_ENUM_BASE {
    NONLIN_ACCURACY_STRICT = 0,
    NONLIN_ACCURACY_FAST = 1
} nonlin_accuracy;

/* Selects the accuracy tier. Any other value: NONLIN_ERR_BAD_ARGUMENT and
 * the tier is unchanged. Process-wide, like the ISA: a call already running
 * finishes in the tier it started with. At load the tier is the one the
 * environment variable NONLIN_ACCURACY names ("strict" or "fast"); any
 * other value there selects strict and prints one line on stderr. */
NONLIN_API nonlin_status nonlin_set_accuracy(nonlin_accuracy a);

/* The accuracy tier calls use now. */
NONLIN_API nonlin_accuracy nonlin_get_accuracy(void);

/* Sets the number of threads large calls may use: n >= 1, or 0 for the
 * default (the OpenMP default, usually the number of cores). Negative n:
 * NONLIN_ERR_BAD_ARGUMENT. Process-wide; calls already running are not
 * affected. Results do not depend on it.
 *
 * A large call is cut into one chunk per thread it may use, and runs them
 * on a team no larger than the cores nobody else keeps busy: the cores of
 * this process's affinity mask, minus the other tasks running or ready to
 * run system-wide (/proc/loadavg, read at most every 2 ms). On a busy
 * machine a call therefore runs on fewer threads, down to its calling
 * thread alone, instead of waiting for workers that get no core; each
 * thread of the team takes the next chunk left, so the caller never waits
 * for a worker to start before working. Where the affinity mask or /proc
 * cannot be read, calls use the threads set here. */
NONLIN_API nonlin_status nonlin_set_num_threads(int n);

/* fork(): OpenMP's threads do not survive it, and a new team in the child
 * would wait for them forever. A child forked after this library has run a
 * call on several threads therefore runs every call on its calling thread
 * (nonlin_get_num_threads() returns 1 there, whatever was set); a child
 * forked before that keeps the thread setting. Results are the same either
 * way. */

/* The number of threads large calls will use (>= 1). */
NONLIN_API int nonlin_get_num_threads(void);

/* ----------------------------------------------------- elementwise, f32 */

/* y[i] = 1 / (1 + exp(-x[i])), computed as exp(-|x|) with reflection so
 * that nothing overflows. Bound (sigmoid): 1 ulp over the whole float
 * range, subnormal results included; monotone. sigmoid(NaN) = NaN,
 * sigmoid(-inf) = 0, sigmoid(+inf) = 1. y may be x.
 * Fast tier: 1 / (1 + exp(-x)), exp without carried low parts.
 * Fast bound (sigmoid): 4 ulp; monotone. */
NONLIN_API nonlin_status nonlin_sigmoid_f32(size_t n, const float* x, float* y);

/* dx[i] = dy[i] * y[i] * (1 - y[i]), from the forward output y.
 * Bound (sigmoid_backward): 1 ulp against that formula evaluated exactly.
 * dx may be y or dy. Fast tier: y - y^2 in one fused multiply-add (the
 * strict kernel on CPUs without FMA), times dy.
 * Fast bound (sigmoid_backward): 1.5 ulp against the same formula. */
NONLIN_API nonlin_status nonlin_sigmoid_backward_f32(size_t n, const float* y,
                                                     const float* dy, float* dx);

/* y[i] = tanh(x[i]): an odd polynomial near 0 (no cancellation) and
 * 1 - 2 exp(-2|x|) / (1 + exp(-2|x|)) elsewhere. Bound (tanh): 1 ulp over
 * the whole float range; monotone; tanh(-x) = -tanh(x); tanh(+-inf) = +-1.
 * y may be x. Fast tier: -m / (2 + m) with m = expm1(-2|x|) without carried
 * low parts, the sign of x. Fast bound (tanh): 4 ulp; monotone; odd. */
NONLIN_API nonlin_status nonlin_tanh_f32(size_t n, const float* x, float* y);

/* dx[i] = dy[i] * (1 - y[i]^2), from the forward output y, with 1 - y^2
 * carried exactly so that |y| near 1 does not cancel.
 * Bound (tanh_backward): 1 ulp against that formula evaluated exactly.
 * dx may be y or dy. Fast tier: 1 - y^2 in one fused multiply-add (the
 * strict kernel on CPUs without FMA), times dy.
 * Fast bound (tanh_backward): 1.5 ulp against the same formula. */
NONLIN_API nonlin_status nonlin_tanh_backward_f32(size_t n, const float* y,
                                                  const float* dy, float* dx);

/* The same gradients from the forward INPUT x, for callers that keep x:
 * dx[i] = dy[i] * s (1 - s) with s = sigmoid(x[i]), and dy[i] * (1 - t^2)
 * with t = tanh(x[i]), computed as dy e / (1 + e)^2 with e = exp(-|x|) and
 * as dy 4e / (1 + e)^2 with e = exp(-2|x|). No cancellation as |y| nears
 * 1, where the formulas in y lose the low bits of y: the bounds hold
 * against the exact gradient at x, over the whole float range of x and dy
 * (as for the backwards below: dy from 2^-149 to FLT_MAX, subnormal results
 * rounded, not flushed; 0 only where the exact result rounds to 0).
 * x = +-inf gives 0 (NaN where dy is infinite, as 0 * dy). NaN: the rule
 * below. dx may be x or dy.
 * Bound (sigmoid_backward_from_input): 2 ulp.
 * Bound (tanh_backward_from_input): 2 ulp. */
NONLIN_API nonlin_status nonlin_sigmoid_backward_from_input_f32(size_t n, const float* x,
                                                                const float* dy, float* dx);
NONLIN_API nonlin_status nonlin_tanh_backward_from_input_f32(size_t n, const float* x,
                                                             const float* dy, float* dx);

/* ------------------------------------------ more activations, f32 */

/* The activations of PyTorch's torch.nn.functional, with its definitions,
 * boundaries and default parameters (given below as "default"). Every
 * backward here takes the forward INPUT x (not the output) and returns
 * dx[i] = dy[i] * f'(x[i]), with f' at a kink taken as PyTorch takes it.
 * Parameters come last; every one must be finite, and an op's own
 * condition (lo < hi, b > 0, a > 0) must hold, else NONLIN_ERR_BAD_ARGUMENT
 * (checked first, nothing written). Each function's bound is the sentence
 * that starts with "Bound" and names it; exact means no rounding at all.
 * y may be x; dx may be x or dy.
 *
 * Every backward's bound holds for every finite x, dy and parameter: dy
 * from 2^-149 to FLT_MAX and parameters from the smallest to the largest
 * float, including where f'(x) alone is far outside the float range but
 * dy * f'(x) is not (exp_backward(70, 1e-38) = 2.5e-8, selu_backward(-150.5,
 * 1e29) = 7.7e-37); subnormal results are rounded, not flushed. A result
 * at the overflow threshold may round to FLT_MAX or to infinity.
 *
 * NaN rule, for every elementwise function here and above (sigmoid, tanh
 * and their backward too): a NaN input gives that NaN as the output,
 * quieted, with its sign and payload kept; in a backward, a NaN x (or y)
 * takes precedence over a NaN dy. This holds even where the formula would
 * ignore the value (relu's gradient at a NaN x is NaN, where PyTorch passes
 * dy through), and gives the same bits on every path and thread count. No
 * NaN comes from a non-NaN input, except 0 * dy with dy infinite: an
 * infinite dy gives +-inf (the sign of dy times that of f') wherever the
 * gradient factor is not 0 (wherever |f'| >= 2^-276), and where it is 0,
 * NaN (0 * inf) for the smooth ops (at
 * x = +-inf, or at y = 0 or +-1 for the gradients from y), 0 on the flat
 * pieces of the piecewise ops (relu below 0, say), as for any dy. */

/* y = max(x, 0); relu(-0) = +0. Backward: dy where x > 0, else 0.
 * Bound (relu): exact. Bound (relu_backward): exact. */
NONLIN_API nonlin_status nonlin_relu_f32(size_t n, const float* x, float* y);
NONLIN_API nonlin_status nonlin_relu_backward_f32(size_t n, const float* x, const float* dy,
                                                  float* dx);

/* y = min(max(x, 0), 6). Backward: dy where 0 < x < 6, else 0.
 * Bound (relu6): exact. Bound (relu6_backward): exact. */
NONLIN_API nonlin_status nonlin_relu6_f32(size_t n, const float* x, float* y);
NONLIN_API nonlin_status nonlin_relu6_backward_f32(size_t n, const float* x, const float* dy,
                                                   float* dx);

/* y = x > 0 ? x : a*x (a: PyTorch's negative_slope, default 0.01).
 * Backward: x > 0 ? dy : a*dy. Bound (leaky_relu): 0.5 ulp (correctly
 * rounded). Bound (leaky_relu_backward): 0.5 ulp (correctly rounded). */
NONLIN_API nonlin_status nonlin_leaky_relu_f32(size_t n, const float* x, float* y, float a);
NONLIN_API nonlin_status nonlin_leaky_relu_backward_f32(size_t n, const float* x,
                                                        const float* dy, float* dx, float a);

/* y = clamp(x, lo, hi) (PyTorch's min_val, max_val, default -1, 1);
 * lo < hi. Backward: dy where lo < x < hi, else 0.
 * Bound (hardtanh): exact. Bound (hardtanh_backward): exact. */
NONLIN_API nonlin_status nonlin_hardtanh_f32(size_t n, const float* x, float* y, float lo,
                                             float hi);
NONLIN_API nonlin_status nonlin_hardtanh_backward_f32(size_t n, const float* x,
                                                      const float* dy, float* dx, float lo,
                                                      float hi);

/* y = relu6(x + 3) / 6, with x + 3 carried exactly. Backward: dy / 6
 * where -3 < x < 3, else 0. Bound (hardsigmoid): 0.5 ulp (correctly
 * rounded). Bound (hardsigmoid_backward): 0.5 ulp. */
NONLIN_API nonlin_status nonlin_hardsigmoid_f32(size_t n, const float* x, float* y);
NONLIN_API nonlin_status nonlin_hardsigmoid_backward_f32(size_t n, const float* x,
                                                         const float* dy, float* dx);

/* y = x * relu6(x + 3) / 6, with x(x + 3) carried exactly, one rounding.
 * Backward: 0 for x < -3, dy (2x + 3) / 6 for -3 <= x <= 3, dy above
 * (PyTorch's boundaries). Bound (hardswish): 1 ulp.
 * Bound (hardswish_backward): 1 ulp. Fast tier: x (x + 3) and the product
 * by 1/6 rounded (1/6 in two floats); the backward is the strict one.
 * Fast bound (hardswish): 4 ulp. */
NONLIN_API nonlin_status nonlin_hardswish_f32(size_t n, const float* x, float* y);
NONLIN_API nonlin_status nonlin_hardswish_backward_f32(size_t n, const float* x,
                                                       const float* dy, float* dx);

/* y = x / (1 + |x|), the division corrected for the rounding of 1 + |x|;
 * softsign(+-inf) = +-1 (the limit; PyTorch gives NaN). Backward:
 * dy / (1 + |x|)^2. Bound (softsign): 1 ulp. Bound (softsign_backward):
 * 1 ulp. */
NONLIN_API nonlin_status nonlin_softsign_f32(size_t n, const float* x, float* y);
NONLIN_API nonlin_status nonlin_softsign_backward_f32(size_t n, const float* x,
                                                      const float* dy, float* dx);

/* y = e^x, subnormal results rounded, not flushed; exp(-inf) = 0,
 * overflow to +inf above 88.72. Backward: dy * e^x, rounded about once.
 * Bound (exp): 1 ulp. Bound (exp_backward): 2 ulp.
 * Fast tier: the same reduction and polynomial without the carried low
 * parts. Fast bound (exp): 4 ulp; monotone. */
NONLIN_API nonlin_status nonlin_exp_f32(size_t n, const float* x, float* y);
NONLIN_API nonlin_status nonlin_exp_backward_f32(size_t n, const float* x, const float* dy,
                                                 float* dx);

/* y = x > 0 ? x : a*(exp(x) - 1) (a: PyTorch's alpha, default 1), with an
 * accurate expm1 (elu(-1e-8) = -1e-8, not 0). Backward: x > 0 ? dy :
 * dy*a*exp(x) (a at x = 0, as PyTorch). Bound (elu): 2 ulp.
 * Bound (elu_backward): 2 ulp. Fast tier: expm1 without carried low parts
 * and, in the backward, exp without them (as for celu and selu).
 * Fast bound (elu): 4 ulp. Fast bound (elu_backward): 3 ulp. */
NONLIN_API nonlin_status nonlin_elu_f32(size_t n, const float* x, float* y, float a);
NONLIN_API nonlin_status nonlin_elu_backward_f32(size_t n, const float* x, const float* dy,
                                                 float* dx, float a);

/* y = max(0, x) + min(0, a*(exp(x/a) - 1)) (alpha, default 1); a > 0.
 * Backward: x > 0 ? dy : dy*exp(x/a). Bound (celu): 2 ulp.
 * Bound (celu_backward): 2 ulp. Fast bound (celu): 4 ulp.
 * Fast bound (celu_backward): 3 ulp. */
NONLIN_API nonlin_status nonlin_celu_f32(size_t n, const float* x, float* y, float a);
NONLIN_API nonlin_status nonlin_celu_backward_f32(size_t n, const float* x, const float* dy,
                                                  float* dx, float a);

/* y = scale*(x > 0 ? x : alpha*(exp(x) - 1)) with PyTorch's constants
 * alpha = 1.6732632423543772, scale = 1.0507009873554805, carried in two
 * floats each. Backward: dy*scale, or dy*scale*alpha*exp(x) for x <= 0.
 * Bound (selu): 2 ulp. Bound (selu_backward): 2 ulp.
 * Fast bound (selu): 4 ulp. Fast bound (selu_backward): 3 ulp. */
NONLIN_API nonlin_status nonlin_selu_f32(size_t n, const float* x, float* y);
NONLIN_API nonlin_status nonlin_selu_backward_f32(size_t n, const float* x, const float* dy,
                                                  float* dx);

/* y = log(1 + exp(b*x)) / b, and x itself where b*x > threshold (beta,
 * default 1; threshold, default 20; PyTorch's rule); b > 0. Never
 * overflows; b*x is carried exactly. Backward: dy * sigmoid(b*x) (dy
 * above the threshold). Bound (softplus): 2 ulp.
 * Bound (softplus_backward): 2 ulp. Fast tier: the strict forward; the
 * backward as dy / (1 + exp(-b*x)), exp without carried low parts (b*x
 * still in two floats). Fast bound (softplus_backward): 3 ulp. */
NONLIN_API nonlin_status nonlin_softplus_f32(size_t n, const float* x, float* y, float b,
                                             float threshold);
NONLIN_API nonlin_status nonlin_softplus_backward_f32(size_t n, const float* x,
                                                      const float* dy, float* dx, float b,
                                                      float threshold);

/* y = log(sigmoid(x)) = -softplus(-x), never overflowing. Backward:
 * dy * sigmoid(-x). Bound (logsigmoid): 2 ulp.
 * Bound (logsigmoid_backward): 2 ulp. Fast tier: the strict forward; the
 * backward as dy / (1 + exp(x)), exp without carried low parts. Fast
 * bound (logsigmoid_backward): 3 ulp. */
NONLIN_API nonlin_status nonlin_logsigmoid_f32(size_t n, const float* x, float* y);
NONLIN_API nonlin_status nonlin_logsigmoid_backward_f32(size_t n, const float* x,
                                                        const float* dy, float* dx);

/* y = x * sigmoid(x) (swish), rounded about once, correct down to the
 * underflow (x * exp(x) below -64); silu(-inf) = -0 (not NaN). Backward:
 * dy * s * (1 + x*(1 - s)), s = sigmoid(x); 0 at -inf. Bound (silu): 2 ulp.
 * Bound (silu_backward): 2 ulp of max(|dx|, |dy| * (s + |x| s (1 - s)))
 * (an absolute bound near its zero, x = -1.2785). Fast tier: x / (1 +
 * exp(-x)), exp without carried low parts (x * exp(x) below -80 as in the
 * strict tier); the backward with fewer carried parts (the strict one on
 * CPUs without FMA: sse2, scalar). Fast bound (silu): 4 ulp. Fast bound
 * (silu_backward): 4 ulp of max(|dx|, |dy| * (s + |x| s (1 - s))). */
NONLIN_API nonlin_status nonlin_silu_f32(size_t n, const float* x, float* y);
NONLIN_API nonlin_status nonlin_silu_backward_f32(size_t n, const float* x, const float* dy,
                                                  float* dx);

/* y = x * tanh(softplus(x)), computed as x times a ratio of polynomials in
 * exp(-|x|) that never cancels or overflows, rounded about once; x * exp(x)
 * below -20 (correct down to the underflow), -0 at -inf. Backward:
 * dy (t + x sech^2(softplus(x)) sigmoid(x)), t = tanh(softplus(x)); 0 at
 * -inf. Bound (mish): 2 ulp. Bound (mish_backward): 2 ulp of max(|dx|,
 * |dy| (|t| + |x| sech^2 sigmoid)) (an absolute bound near its zero,
 * x = -1.1924312). Fast tier: the same ratio without carried low parts
 * (for x < 0 as e - e c, e = exp(x), so that its roundings reach the
 * result scaled down); the backward is the strict one. Fast bound (mish):
 * 4 ulp. */
NONLIN_API nonlin_status nonlin_mish_f32(size_t n, const float* x, float* y);
NONLIN_API nonlin_status nonlin_mish_backward_f32(size_t n, const float* x, const float* dy,
                                                  float* dx);

/* y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (PyTorch's
 * gelu(approximate="tanh")), computed as x * sigmoid(w) with w = 2u
 * carried in two floats: correct down to the underflow, -0 at -inf.
 * Bound (gelu_tanh): 2 ulp. Bound (gelu_tanh_backward): 2 ulp of
 * max(|dx|, |dy| s (1 + |x w'| (1 - s))) (absolute near its zero,
 * x = -0.75), s = sigmoid(w). Fast tier: x / (1 + exp(-w)), exp without
 * carried low parts (w still in two floats); the backward with fewer
 * carried parts (the strict one on CPUs without FMA: sse2, scalar). Fast
 * bound (gelu_tanh): 4 ulp. Fast bound (gelu_tanh_backward): 4 ulp of
 * max(|dx|, |dy| s (1 + |x w'| (1 - s))). */
NONLIN_API nonlin_status nonlin_gelu_tanh_f32(size_t n, const float* x, float* y);
NONLIN_API nonlin_status nonlin_gelu_tanh_backward_f32(size_t n, const float* x,
                                                       const float* dy, float* dx);

/* y = 0.5 x (1 + erf(x / sqrt2)) = x Phi(x) (PyTorch's gelu), with our
 * own normal tail Q = erfc(z / sqrt2) / 2 as S(z) exp(-z^2/2): for x < 0,
 * x S exp(-x^2/2) with no cancellation and correct down to the underflow
 * (near x = -14); gelu(-inf) = -0. Backward: dy (Phi(x) + x phi(x)).
 * Bound (gelu): 2 ulp. Bound (gelu_backward): 2 ulp of max(|dx|,
 * |dy| (Phi + |x| phi)) (absolute near its zero, x = -0.7518). Fast tier:
 * a shorter tail polynomial times the fast exp of the square (still in two
 * floats), forward and backward. Fast bound (gelu): 4 ulp. Fast bound
 * (gelu_backward): 4 ulp of max(|dx|, |dy| (Phi + |x| phi)). */
NONLIN_API nonlin_status nonlin_gelu_f32(size_t n, const float* x, float* y);
NONLIN_API nonlin_status nonlin_gelu_backward_f32(size_t n, const float* x, const float* dy,
                                                  float* dx);

/* ---------------------------------------- 16-bit storage: bf16 and f16 */

/* bfloat16 (the top 16 bits of a float32) and IEEE 754 binary16, as their
 * bits. Structs, so that neither converts silently to or from an integer. */
typedef struct nonlin_bf16 { uint16_t bits; } nonlin_bf16;
typedef struct nonlin_f16 { uint16_t bits; } nonlin_f16;

/* Conversions. To 16 bits: rounded to nearest, ties to even; results below
 * the smallest normal are rounded into the subnormals, never flushed;
 * results beyond the largest finite value overflow to +-inf as IEEE 754
 * says (float16: |x| >= 65520; bfloat16: |x| at or above the halfway point
 * between its largest finite value and 2^128). To 32 bits: exact. A NaN
 * stays NaN, quieted, with its sign and the top bits of its payload. y may
 * be x only for the same element size (never between 16 and 32 bits). */
NONLIN_API nonlin_status nonlin_f32_to_bf16(size_t n, const float* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_bf16_to_f32(size_t n, const nonlin_bf16* x, float* y);
NONLIN_API nonlin_status nonlin_f32_to_f16(size_t n, const float* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_f16_to_f32(size_t n, const nonlin_f16* x, float* y);

/* Every elementwise function above in both 16-bit types: nonlin_<op>_bf16,
 * nonlin_<op>_f16, their _backward_ and the gradients from the input, with
 * the f32 function's arguments, the arrays in the 16-bit type and the
 * parameters still float. Contract: each element is widened exactly, the
 * f32 function's algorithm runs on it in float32 and its result is rounded
 * to the 16-bit type once, to nearest even. So a 16-bit result is, bit for
 * bit, the f32 function's result (on the same ISA) for the widened inputs,
 * rounded; its error against the exact result is at most 0.5 ulp of the
 * 16-bit type plus the f32 function's bound (in float32 ulp): the 16-bit
 * rounding of a value within the f32 bound. The NaN rule, the infinities,
 * argument checks and in-place use are those of the f32 function; a result
 * beyond the 16-bit range is +-inf, one below it is rounded into the
 * subnormals or to +-0. This holds in each accuracy tier with that tier's
 * f32 function and bound: in the fast tier a 16-bit result is within 1 ulp
 * of the 16-bit type (half an ulp plus at most 4 float32 ulp), and, as in
 * f32, a result below FLT_MIN may be flushed to 0: where the f32 result is
 * below FLT_MIN, the 16-bit one may be the zero of its sign instead of its
 * rounding (in the directions whose fast bound is looser than the strict
 * one, on CPUs whose bfloat16 narrowing instruction flushes). Either way
 * an element's result does not depend on the thread count, on n or on the
 * arrays' addresses. */
NONLIN_API nonlin_status nonlin_sigmoid_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_sigmoid_backward_bf16(size_t n, const nonlin_bf16* y,
                                                      const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_tanh_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_tanh_backward_bf16(size_t n, const nonlin_bf16* y,
                                                   const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_relu_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_relu_backward_bf16(size_t n, const nonlin_bf16* x,
                                                   const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_relu6_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_relu6_backward_bf16(size_t n, const nonlin_bf16* x,
                                                    const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_leaky_relu_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y,
                                                float a);
NONLIN_API nonlin_status nonlin_leaky_relu_backward_bf16(size_t n, const nonlin_bf16* x,
                                                         const nonlin_bf16* dy, nonlin_bf16* dx,
                                                         float a);
NONLIN_API nonlin_status nonlin_hardtanh_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y,
                                              float lo, float hi);
NONLIN_API nonlin_status nonlin_hardtanh_backward_bf16(size_t n, const nonlin_bf16* x,
                                                       const nonlin_bf16* dy, nonlin_bf16* dx,
                                                       float lo, float hi);
NONLIN_API nonlin_status nonlin_hardsigmoid_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_hardsigmoid_backward_bf16(size_t n, const nonlin_bf16* x,
                                                          const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_hardswish_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_hardswish_backward_bf16(size_t n, const nonlin_bf16* x,
                                                        const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_softsign_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_softsign_backward_bf16(size_t n, const nonlin_bf16* x,
                                                       const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_exp_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_exp_backward_bf16(size_t n, const nonlin_bf16* x,
                                                  const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_elu_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y, float a);
NONLIN_API nonlin_status nonlin_elu_backward_bf16(size_t n, const nonlin_bf16* x,
                                                  const nonlin_bf16* dy, nonlin_bf16* dx, float a);
NONLIN_API nonlin_status nonlin_celu_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y, float a);
NONLIN_API nonlin_status nonlin_celu_backward_bf16(size_t n, const nonlin_bf16* x,
                                                   const nonlin_bf16* dy, nonlin_bf16* dx, float a);
NONLIN_API nonlin_status nonlin_selu_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_selu_backward_bf16(size_t n, const nonlin_bf16* x,
                                                   const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_softplus_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y,
                                              float b, float threshold);
NONLIN_API nonlin_status nonlin_softplus_backward_bf16(size_t n, const nonlin_bf16* x,
                                                       const nonlin_bf16* dy, nonlin_bf16* dx,
                                                       float b, float threshold);
NONLIN_API nonlin_status nonlin_logsigmoid_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_logsigmoid_backward_bf16(size_t n, const nonlin_bf16* x,
                                                         const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_silu_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_silu_backward_bf16(size_t n, const nonlin_bf16* x,
                                                   const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_gelu_tanh_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_gelu_tanh_backward_bf16(size_t n, const nonlin_bf16* x,
                                                        const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_gelu_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_gelu_backward_bf16(size_t n, const nonlin_bf16* x,
                                                   const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_mish_bf16(size_t n, const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_mish_backward_bf16(size_t n, const nonlin_bf16* x,
                                                   const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_sigmoid_backward_from_input_bf16(size_t n, const nonlin_bf16* x,
                                                                 const nonlin_bf16* dy,
                                                                 nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_tanh_backward_from_input_bf16(size_t n, const nonlin_bf16* x,
                                                              const nonlin_bf16* dy,
                                                              nonlin_bf16* dx);

NONLIN_API nonlin_status nonlin_sigmoid_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_sigmoid_backward_f16(size_t n, const nonlin_f16* y,
                                                     const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_tanh_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_tanh_backward_f16(size_t n, const nonlin_f16* y,
                                                  const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_relu_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_relu_backward_f16(size_t n, const nonlin_f16* x,
                                                  const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_relu6_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_relu6_backward_f16(size_t n, const nonlin_f16* x,
                                                   const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_leaky_relu_f16(size_t n, const nonlin_f16* x, nonlin_f16* y,
                                               float a);
NONLIN_API nonlin_status nonlin_leaky_relu_backward_f16(size_t n, const nonlin_f16* x,
                                                        const nonlin_f16* dy, nonlin_f16* dx,
                                                        float a);
NONLIN_API nonlin_status nonlin_hardtanh_f16(size_t n, const nonlin_f16* x, nonlin_f16* y, float lo,
                                             float hi);
NONLIN_API nonlin_status nonlin_hardtanh_backward_f16(size_t n, const nonlin_f16* x,
                                                      const nonlin_f16* dy, nonlin_f16* dx,
                                                      float lo, float hi);
NONLIN_API nonlin_status nonlin_hardsigmoid_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_hardsigmoid_backward_f16(size_t n, const nonlin_f16* x,
                                                         const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_hardswish_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_hardswish_backward_f16(size_t n, const nonlin_f16* x,
                                                       const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_softsign_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_softsign_backward_f16(size_t n, const nonlin_f16* x,
                                                      const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_exp_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_exp_backward_f16(size_t n, const nonlin_f16* x,
                                                 const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_elu_f16(size_t n, const nonlin_f16* x, nonlin_f16* y, float a);
NONLIN_API nonlin_status nonlin_elu_backward_f16(size_t n, const nonlin_f16* x,
                                                 const nonlin_f16* dy, nonlin_f16* dx, float a);
NONLIN_API nonlin_status nonlin_celu_f16(size_t n, const nonlin_f16* x, nonlin_f16* y, float a);
NONLIN_API nonlin_status nonlin_celu_backward_f16(size_t n, const nonlin_f16* x,
                                                  const nonlin_f16* dy, nonlin_f16* dx, float a);
NONLIN_API nonlin_status nonlin_selu_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_selu_backward_f16(size_t n, const nonlin_f16* x,
                                                  const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_softplus_f16(size_t n, const nonlin_f16* x, nonlin_f16* y, float b,
                                             float threshold);
NONLIN_API nonlin_status nonlin_softplus_backward_f16(size_t n, const nonlin_f16* x,
                                                      const nonlin_f16* dy, nonlin_f16* dx, float b,
                                                      float threshold);
NONLIN_API nonlin_status nonlin_logsigmoid_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_logsigmoid_backward_f16(size_t n, const nonlin_f16* x,
                                                        const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_silu_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_silu_backward_f16(size_t n, const nonlin_f16* x,
                                                  const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_gelu_tanh_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_gelu_tanh_backward_f16(size_t n, const nonlin_f16* x,
                                                       const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_gelu_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_gelu_backward_f16(size_t n, const nonlin_f16* x,
                                                  const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_mish_f16(size_t n, const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_mish_backward_f16(size_t n, const nonlin_f16* x,
                                                  const nonlin_f16* dy, nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_sigmoid_backward_from_input_f16(size_t n, const nonlin_f16* x,
                                                                const nonlin_f16* dy,
                                                                nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_tanh_backward_from_input_f16(size_t n, const nonlin_f16* x,
                                                             const nonlin_f16* dy, nonlin_f16* dx);

/* ------------------------------------------------- softmax family, f32 */

/* The row functions see x as a contiguous outer x axis x inner tensor and
 * work along the middle axis: element (o, a, i) is x[(o*axis + a)*inner + i].
 * inner == 1 is the common rows x cols case (outer rows of axis columns)
 * and the fastest path. Any of outer, axis, inner equal to 0 is an empty
 * tensor and a no-op (an empty axis returns an empty result, as in numpy
 * and PyTorch; earlier builds returned NONLIN_ERR_BAD_SHAPE for it).
 *
 * Special values, per row (one row = the axis elements of one (o, i)):
 * - the row maximum is subtracted first, so any finite row is finite
 *   (1e30 and FLT_MAX included);
 * - an -inf entry in a row with a finite maximum gets probability exactly 0
 *   (log-probability -inf);
 * - a NaN anywhere in a row, a row of all -inf, or a row containing +inf
 *   gives NaN for the whole row, for rows of any length (a NaN among -inf
 *   entries included). */

/* y = exp(x - max) / sum(exp(x - max)) along the axis. Sums are carried
 * in double, so the bound does not grow with the row length.
 * Bound (softmax): 4 ulp per element, for rows up to 2^20.
 * Fast bound (softmax): 8 ulp per element, for rows up to 2^20 (the fast
 * tier adds pairs of terms in float before the double sum).
 * y may be x. */
NONLIN_API nonlin_status nonlin_softmax_f32(size_t outer, size_t axis, size_t inner,
                                            const float* x, float* y);

/* dx = y * (dy - sum(dy * y)) along the axis, from the forward output y.
 * The dot product and the difference are carried in double, so nothing
 * cancels or overflows, and y = 0 gives exactly 0.
 * Bound (softmax_backward): 1 ulp of max(|dx|, |y*dy|) per element.
 * Fast bound (softmax_backward): 4 ulp of max(|dx|, |y*dy|) per element
 * (the dot product still exact, the difference rounded).
 * dx may be y or dy. */
NONLIN_API nonlin_status nonlin_softmax_backward_f32(size_t outer, size_t axis, size_t inner,
                                                     const float* y, const float* dy,
                                                     float* dx);

/* y = (x - max) - log(sum(exp(x - max))) along the axis.
 * Bound (log_softmax): 4 ulp of max(|y|, 1) per element (absolute). At a
 * row's maximum, when it is unique, y = -log1p(sum of the other terms) is
 * relatively accurate however small (-2e-19 is not rounded to 0):
 * Bound (log_softmax_maximum): 2 ulp of |y| at a row's unique maximum.
 * Fast bound (log_softmax): 8 ulp of max(|y|, 1) per element (absolute),
 * the row's maximum included: the fast tier has no relative bound there.
 * y may be x. */
NONLIN_API nonlin_status nonlin_log_softmax_f32(size_t outer, size_t axis, size_t inner,
                                                const float* x, float* y);

/* dx = dy - exp(y) * sum(dy) along the axis, from the forward output y.
 * The sum and the product are carried in double (y = -inf gives exactly
 * dy). Bound (log_softmax_backward): 2 ulp of max(|dy|, |exp(y) * sum(dy)|)
 * per element (absolute). Fast bound (log_softmax_backward): 4 ulp of
 * max(|dy|, |exp(y) * sum(dy)|) per element (the fast tier's exp, the rest
 * in float). dx may be y or dy. */
NONLIN_API nonlin_status nonlin_log_softmax_backward_f32(size_t outer, size_t axis,
                                                         size_t inner, const float* y,
                                                         const float* dy, float* dx);

/* ----------------------------------------- softmax family, bf16 and f16 */

/* The four functions above in both 16-bit types, with the f32 function's
 * arguments and the arrays in the 16-bit type. Each element is widened
 * exactly; the row statistics (maximum, sums, dot products) are carried in
 * float32 and double as in f32; each output is computed in float32 and
 * rounded to the 16-bit type once, to nearest even. So the result is the
 * 16-bit rounding of a value within the f32 function's bound: at most half
 * an ulp of the 16-bit type plus that bound in float32 ulp (softmax: within
 * 1 ulp of the 16-bit type). Bit for bit (a NaN's sign and payload aside),
 * it is the f32 function's result on the widened inputs, rounded, for
 * every function and row except softmax on contiguous rows longer than
 * 65536 elements (computed in another order, within the same bound). The special values, the checks
 * and in-place use are those of the f32 functions. */
NONLIN_API nonlin_status nonlin_softmax_bf16(size_t outer, size_t axis, size_t inner,
                                             const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_softmax_backward_bf16(size_t outer, size_t axis, size_t inner,
                                                      const nonlin_bf16* y, const nonlin_bf16* dy,
                                                      nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_log_softmax_bf16(size_t outer, size_t axis, size_t inner,
                                                 const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_log_softmax_backward_bf16(size_t outer, size_t axis,
                                                          size_t inner, const nonlin_bf16* y,
                                                          const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_softmax_f16(size_t outer, size_t axis, size_t inner,
                                            const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_softmax_backward_f16(size_t outer, size_t axis, size_t inner,
                                                     const nonlin_f16* y, const nonlin_f16* dy,
                                                     nonlin_f16* dx);
NONLIN_API nonlin_status nonlin_log_softmax_f16(size_t outer, size_t axis, size_t inner,
                                                const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_log_softmax_backward_f16(size_t outer, size_t axis, size_t inner,
                                                         const nonlin_f16* y, const nonlin_f16* dy,
                                                         nonlin_f16* dx);

/* --------------------------------- masked softmax and logsumexp, f32 */

/* What a masked softmax or log_softmax gives for a row that has nothing to
 * normalize: every entry masked out, or every kept entry -inf. Values are
 * part of the ABI. */
typedef enum nonlin_empty_row NONLIN_ENUM_BASE {
    NONLIN_EMPTY_ROW_NAN = 0,  /* NaN for the whole row, as PyTorch's softmax */
    NONLIN_EMPTY_ROW_ZERO = 1  /* zeros for the whole row: the row contributes nothing */
} nonlin_empty_row;

/* y = softmax(scale * x) along the axis over the entries that mask keeps,
 * for attention: rows and special values as in the softmax family above,
 * with masked entries left out. mask is NULL (every entry kept) or
 * mask_outer x axis x inner bytes, nonzero = keep; outer slice o uses mask
 * slice o % mask_outer, so an (L, S) mask serves every batch and head of a
 * (B, H, L, S) tensor without a copy. With a mask, mask_outer must be at
 * least 1 and divide outer, else NONLIN_ERR_BAD_SHAPE; without one it is
 * ignored. scale must be finite and > 0 (the row maximum of scale * x is
 * then scale times that of x), else NONLIN_ERR_BAD_ARGUMENT; empty_row
 * other than the two values above is NONLIN_ERR_BAD_ARGUMENT.
 *
 * scale * (x - max) is carried exactly into exp, so scaling adds no
 * rounding and never overflows (scale * x may exceed FLT_MAX where the
 * softmax is still defined). Masked entries give exactly 0 in every row
 * that has a softmax. A row whose kept entries hold a NaN or a +inf is
 * NaN throughout, masked entries included, in both modes. A row with no
 * kept entry, or only -inf ones, is NaN throughout (NONLIN_EMPTY_ROW_NAN,
 * what PyTorch's masked_fill(-inf) then softmax gives) or zeros throughout
 * (NONLIN_EMPTY_ROW_ZERO, as the _safe_softmax PyTorch uses in attention).
 * With mask NULL, scale 1 and NONLIN_EMPTY_ROW_NAN the result is bitwise
 * that of nonlin_softmax_f32.
 * Bound (masked_softmax): 4 ulp per element, for rows up to 2^20.
 *
 * Backward: the gradient of softmax(scale * x) is scale times softmax's,
 * so nonlin_softmax_backward_f32 on this y, then dx times scale, is the
 * masked softmax's gradient: masked entries have y = 0 and get dx exactly
 * 0 (a zero row too). y may be x; y must not overlap mask. */
NONLIN_API nonlin_status nonlin_masked_softmax_f32(size_t outer, size_t axis, size_t inner,
                                                   size_t mask_outer, const float* x,
                                                   const uint8_t* mask, float* y, float scale,
                                                   nonlin_empty_row empty_row);

/* y = log_softmax(scale * x) over the kept entries, with the arguments,
 * checks and row rules of nonlin_masked_softmax_f32: masked entries give
 * -inf (log 0) in every row that has a softmax; an empty row gives NaN
 * (NONLIN_EMPTY_ROW_NAN) or zeros (NONLIN_EMPTY_ROW_ZERO: 0, not -inf, so
 * that the row adds nothing to a loss summed over it). With mask NULL and
 * scale 1 this is log_softmax with the choice of what a row of all -inf
 * gives; with NONLIN_EMPTY_ROW_NAN too, bitwise nonlin_log_softmax_f32.
 * Bound (masked_log_softmax): 4 ulp of max(|y|, 1) per element (absolute).
 * Bound (masked_log_softmax_maximum): 2 ulp of |y| at a row's unique
 * maximum. Backward: nonlin_log_softmax_backward_f32 on this y, times
 * scale, is the gradient at the kept entries of rows that have a softmax;
 * masked entries and the rows NONLIN_EMPTY_ROW_ZERO zeroes have gradient
 * 0, which that formula does not give (it gives dy at y = -inf): the
 * caller sets them. y may be x; y must not overlap mask. */
NONLIN_API nonlin_status nonlin_masked_log_softmax_f32(size_t outer, size_t axis, size_t inner,
                                                       size_t mask_outer, const float* x,
                                                       const uint8_t* mask, float* y,
                                                       float scale, nonlin_empty_row empty_row);

/* y = log(sum(exp(x))) along the axis: y holds outer x inner values, y[o *
 * inner + i] for the row (o, i). Computed as max + log(sum(exp(x - max)))
 * with the sum in double and max + log(sum) added in double and rounded to
 * float once. Exact for a row of one value (n = 1 gives x itself); a row
 * of n equal finite values v gives v + log(n) rounded to float from its
 * double value. Rows: a NaN anywhere gives NaN; else a +inf anywhere gives
 * +inf; a row of all -inf gives -inf (PyTorch's rules).
 * Bound (logsumexp): 2 ulp of max(|y|, 1) (absolute). y may be x only
 * where both have the same size (axis 1). */
NONLIN_API nonlin_status nonlin_logsumexp_f32(size_t outer, size_t axis, size_t inner,
                                              const float* x, float* y);

/* dx = dy * exp(x - y) along the axis, from the forward input x and
 * output y (outer x inner) and dy (outer x inner, one per row), with x - y
 * carried exactly and dy * exp rounded once, so a tiny exp times a huge dy
 * keeps its precision. A row whose y is not finite gives what the formula
 * gives in IEEE arithmetic (NaN where x - y is NaN), as PyTorch.
 * Bound (logsumexp_backward): 2 ulp. dx may be x (and y or dy where their
 * size is the same, axis 1). */
NONLIN_API nonlin_status nonlin_logsumexp_backward_f32(size_t outer, size_t axis, size_t inner,
                                                       const float* x, const float* y,
                                                       const float* dy, float* dx);

/* The four functions above in both 16-bit types: the f32 function's
 * arguments (mask, scale and mode as they are) with x, y, dy and dx in the
 * 16-bit type, under the rules of the 16-bit softmax family above: row
 * statistics in float32 and double, each output the f32 function's on the
 * widened inputs, rounded once to nearest even (bit for bit, a NaN's sign
 * and payload aside), so within half an ulp of the 16-bit type plus the
 * f32 bound. */
NONLIN_API nonlin_status nonlin_masked_softmax_bf16(size_t outer, size_t axis, size_t inner,
                                                    size_t mask_outer, const nonlin_bf16* x,
                                                    const uint8_t* mask, nonlin_bf16* y,
                                                    float scale, nonlin_empty_row empty_row);
NONLIN_API nonlin_status nonlin_masked_log_softmax_bf16(size_t outer, size_t axis, size_t inner,
                                                        size_t mask_outer, const nonlin_bf16* x,
                                                        const uint8_t* mask, nonlin_bf16* y,
                                                        float scale, nonlin_empty_row empty_row);
NONLIN_API nonlin_status nonlin_logsumexp_bf16(size_t outer, size_t axis, size_t inner,
                                               const nonlin_bf16* x, nonlin_bf16* y);
NONLIN_API nonlin_status nonlin_logsumexp_backward_bf16(size_t outer, size_t axis, size_t inner,
                                                        const nonlin_bf16* x, const nonlin_bf16* y,
                                                        const nonlin_bf16* dy, nonlin_bf16* dx);
NONLIN_API nonlin_status nonlin_masked_softmax_f16(size_t outer, size_t axis, size_t inner,
                                                   size_t mask_outer, const nonlin_f16* x,
                                                   const uint8_t* mask, nonlin_f16* y, float scale,
                                                   nonlin_empty_row empty_row);
NONLIN_API nonlin_status nonlin_masked_log_softmax_f16(size_t outer, size_t axis, size_t inner,
                                                       size_t mask_outer, const nonlin_f16* x,
                                                       const uint8_t* mask, nonlin_f16* y,
                                                       float scale, nonlin_empty_row empty_row);
NONLIN_API nonlin_status nonlin_logsumexp_f16(size_t outer, size_t axis, size_t inner,
                                              const nonlin_f16* x, nonlin_f16* y);
NONLIN_API nonlin_status nonlin_logsumexp_backward_f16(size_t outer, size_t axis, size_t inner,
                                                       const nonlin_f16* x, const nonlin_f16* y,
                                                       const nonlin_f16* dy, nonlin_f16* dx);

/* ------------------------------------------------------------ losses, f32 */

/* The losses take rows x classes inputs (row-major) and one class index
 * per row in target. A target equal to ignore_index marks a row that is
 * skipped: its loss (for NONLIN_REDUCTION_NONE) and its gradient are 0 and
 * it is not counted by the mean. Any other target outside [0, classes) is
 * NONLIN_ERR_BAD_TARGET. classes == 0 with rows > 0 is NONLIN_ERR_BAD_SHAPE.
 * The loss output holds rows values for NONLIN_REDUCTION_NONE and one value
 * otherwise (written even when rows == 0: 0 for SUM, NaN for MEAN). A mean
 * over rows that are all ignored is NaN, as in PyTorch. Sums over rows are
 * accumulated in double in a fixed order, so they do not depend on the
 * thread count. */

/* Negative log likelihood of given log-probabilities:
 * loss_r = -input[r, target[r]]. Bound (nll_loss): exact. */
NONLIN_API nonlin_status nonlin_nll_loss_f32(size_t rows, size_t classes, const float* input,
                                             const int64_t* target, float* loss,
                                             int64_t ignore_index,
                                             nonlin_reduction reduction);

/* Gradient of nonlin_nll_loss_f32 with respect to its input: dinput is
 * rows x classes, zero except dinput[r, target[r]] = -dloss[r] (NONE),
 * -dloss[0] (SUM) or -dloss[0] / count (MEAN), for non-ignored rows.
 * dloss holds rows values for NONE and one value otherwise.
 * Bound (nll_loss_backward): exact. */
NONLIN_API nonlin_status nonlin_nll_loss_backward_f32(size_t rows, size_t classes,
                                                      const int64_t* target,
                                                      const float* dloss, float* dinput,
                                                      int64_t ignore_index,
                                                      nonlin_reduction reduction);

/* Cross-entropy on logits in one pass: log_softmax, NLL and, when dlogits
 * is not NULL, the gradient. loss_r = log(sum(exp(x_r - max_r))) -
 * (x_r[target_r] - max_r), carried in double. dlogits is the gradient of
 * the returned loss for MEAN and SUM, and of the sum of the per-row losses
 * for NONE: softmax(x_r) - onehot(target_r), times 1/count for MEAN; zero
 * for ignored rows. dlogits may be logits. Bound (cross_entropy_loss):
 * 2 ulp, also where it is tiny (a confident row: log(sum) is log1p of the
 * terms below the maximum, summed on their own).
 * Bound (cross_entropy_gradient): 4 ulp per element (at the target, 1 - p
 * is the sum of the other probabilities, so it does not cancel). */
NONLIN_API nonlin_status nonlin_cross_entropy_f32(size_t rows, size_t classes,
                                                  const float* logits, const int64_t* target,
                                                  float* loss, float* dlogits,
                                                  int64_t ignore_index,
                                                  nonlin_reduction reduction);

/* The three losses with 16-bit log-probabilities or logits (and gradient):
 * the f32 functions' arguments and rules, the loss still float. Each input
 * element is widened exactly and the f32 function's algorithm runs on it,
 * so the loss is bit for bit the f32 function's on the widened inputs
 * (cross_entropy_loss: 2 ulp of float32 from the 16-bit logits; nll_loss:
 * exact), and each gradient element is the f32 function's rounded once to
 * the 16-bit type, to nearest even (within half an ulp of the 16-bit type
 * plus the f32 bound; nll_loss_backward: -dloss rounded once). dlogits may
 * be logits; dloss (float) may not overlap dinput. */
NONLIN_API nonlin_status nonlin_nll_loss_bf16(size_t rows, size_t classes,
                                              const nonlin_bf16* input, const int64_t* target,
                                              float* loss, int64_t ignore_index,
                                              nonlin_reduction reduction);
NONLIN_API nonlin_status nonlin_nll_loss_backward_bf16(size_t rows, size_t classes,
                                                       const int64_t* target, const float* dloss,
                                                       nonlin_bf16* dinput, int64_t ignore_index,
                                                       nonlin_reduction reduction);
NONLIN_API nonlin_status nonlin_cross_entropy_bf16(size_t rows, size_t classes,
                                                   const nonlin_bf16* logits,
                                                   const int64_t* target, float* loss,
                                                   nonlin_bf16* dlogits, int64_t ignore_index,
                                                   nonlin_reduction reduction);
NONLIN_API nonlin_status nonlin_nll_loss_f16(size_t rows, size_t classes, const nonlin_f16* input,
                                             const int64_t* target, float* loss,
                                             int64_t ignore_index, nonlin_reduction reduction);
NONLIN_API nonlin_status nonlin_nll_loss_backward_f16(size_t rows, size_t classes,
                                                      const int64_t* target, const float* dloss,
                                                      nonlin_f16* dinput, int64_t ignore_index,
                                                      nonlin_reduction reduction);
NONLIN_API nonlin_status nonlin_cross_entropy_f16(size_t rows, size_t classes,
                                                  const nonlin_f16* logits, const int64_t* target,
                                                  float* loss, nonlin_f16* dlogits,
                                                  int64_t ignore_index,
                                                  nonlin_reduction reduction);

/* ---------------------------------- losses with PyTorch's options, f32 */

/* Cross-entropy over outer x classes x inner logits, the class axis in the
 * middle as in PyTorch's (N, C, d1, ...) (outer = N, inner = d1 * ...; one
 * row = the classes logits of one position (o, i), read with stride inner),
 * with one class index per position in target (outer x inner). Against the
 * smoothed target q_c = (1 - eps) [c == target] + eps / classes, with
 * eps = label_smoothing and weights w_c (weight: classes floats, or NULL
 * for all 1), a row's loss is
 *   loss = -sum_c w_c q_c log p_c,   p = softmax(row),
 * which is PyTorch's (1 - eps) w_t nll + eps / classes * sum_c (-w_c log p_c).
 * A target equal to ignore_index gives loss 0 and gradient 0 and is left
 * out of the mean; any other target outside [0, classes) is
 * NONLIN_ERR_BAD_TARGET. MEAN divides the sum by the sum of w_target over
 * the positions that are not ignored (their count without weights): NaN
 * when all are ignored (their gradients are then 0), as in PyTorch. The
 * loss holds outer x inner values for NONE and one value otherwise (0 for
 * SUM and NaN for MEAN when there are no positions). dlogits (NULL: none)
 * is the gradient of the returned loss (of the sum of the losses for NONE):
 * p_j S - w_j q_j with S = sum_c w_c q_c, divided as the mean is. A term
 * with w_c q_c = 0 adds nothing, also at a -inf logit (PyTorch gives NaN
 * there with probability targets). label_smoothing outside [0, 1] or NaN is
 * NONLIN_ERR_BAD_ARGUMENT. dlogits may be logits; weight may not share
 * memory with an output. Without weight and smoothing and with inner == 1,
 * the result is nonlin_cross_entropy_f32's, bit for bit.
 * Bound (cross_entropy_ex_loss): 2 ulp of the sum of |w_c q_c log p_c| (per
 * position, and of the positions' sum for MEAN and SUM), also where the loss
 * is tiny (log(sum) of a confident row is log1p of the other terms).
 * Bound (cross_entropy_ex_gradient): 4 ulp of max(|p_j S|, |w_j q_j|) per
 * element, times the mean's divisor (p_j - 1 at the maximum is the sum of
 * the other probabilities, so it does not cancel). */
NONLIN_API nonlin_status nonlin_cross_entropy_ex_f32(size_t outer, size_t classes, size_t inner,
                                                     const float* logits, const int64_t* target,
                                                     const float* weight, float* loss,
                                                     float* dlogits, int64_t ignore_index,
                                                     float label_smoothing,
                                                     nonlin_reduction reduction);

/* Cross-entropy against probabilities: probs has the logits' shape (outer x
 * classes x inner) and q_c = (1 - eps) probs_c + eps / classes, otherwise
 * as nonlin_cross_entropy_ex_f32 (no ignored positions): PyTorch's
 * cross_entropy with float targets. MEAN divides by outer * inner (not by
 * the weights). probs is not checked (any float is used as given); dlogits
 * may be logits or probs. The bounds are those of cross_entropy_ex_loss and
 * cross_entropy_ex_gradient above. */
NONLIN_API nonlin_status nonlin_cross_entropy_probs_f32(size_t outer, size_t classes,
                                                        size_t inner, const float* logits,
                                                        const float* probs, const float* weight,
                                                        float* loss, float* dlogits,
                                                        float label_smoothing,
                                                        nonlin_reduction reduction);

/* Binary cross-entropy on logits over rows x classes elements, PyTorch's
 * binary_cross_entropy_with_logits with per-class weight and pos_weight
 * (classes floats each, or NULL for all 1):
 *   loss = w [(1 - t) x + (1 + (pw - 1) t) softplus(-x)],
 * evaluated as w [max(x, 0) (1 - t) - min(x, 0) pw t + lw log1p(exp(-|x|))]
 * with lw = 1 + (pw - 1) t, which neither overflows nor takes log(0) for any
 * finite x (|x| = 1e30 included). dlogits (NULL: none) is the gradient of
 * the returned loss (of the sum of the losses for NONE):
 * w [lw sigmoid(x) - pw t], formed from sigmoid(-|x|) on the side of 0
 * where it does not cancel. The loss holds rows x classes values for NONE
 * and one otherwise; MEAN divides by rows * classes (NaN when empty, 0 for
 * SUM). target is not checked. dlogits and a NONE loss may be logits or
 * target; weight and pos_weight may not share memory with an output.
 * Bound (bce_with_logits_loss): 2 ulp of w (|max(x, 0) (1 - t)| +
 * |min(x, 0) pw t| + |lw log1p(exp(-|x|))|) per element (and of the sum of
 * those for MEAN and SUM).
 * Bound (bce_with_logits_gradient): 2 ulp of w (|1 - t| + |pw t| +
 * |lw sigmoid(-|x|)|) per element, times 1 / (rows * classes) for MEAN. */
NONLIN_API nonlin_status nonlin_binary_cross_entropy_with_logits_f32(
    size_t rows, size_t classes, const float* logits, const float* target, const float* weight,
    const float* pos_weight, float* loss, float* dlogits, nonlin_reduction reduction);

#ifdef __cplusplus
}
#endif

#endif /* NONLIN_NONLIN_H */
