/* Which ISA the library picks on this CPU, and whether the ones it lacks are
 * refused cleanly. Run under an emulated CPU by .ci/hardening.
 * usage: nonlin_isa_probe EXPECTED [UNAVAILABLE...]
 * Exit status 0 when the ISA in use at load is EXPECTED, every UNAVAILABLE
 * name is refused with NONLIN_ERR_UNSUPPORTED (leaving the selection
 * unchanged), and a call on the selected ISA gives the right result. */
#include <stdio.h>
#include <string.h>

#include <nonlin/nonlin.h>

static int failures = 0;

static void check(int ok, const char* what, const char* name) {
    if (!ok) {
        ++failures;
        printf("FAILED: %s %s\n", what, name);
    }
}

int main(int argc, char** argv) {
    float x[5] = {-20.0f, -1.0f, 0.0f, 1.0f, 20.0f};
    float y[5];
    const char* at_load;
    int i;
    if (argc < 2) {
        fprintf(stderr, "usage: %s EXPECTED [UNAVAILABLE...]\n", argv[0]);
        return 2;
    }
    at_load = nonlin_isa();
    printf("isa at load: %s\n", at_load);
    check(strcmp(at_load, argv[1]) == 0, "isa at load is", argv[1]);
    for (i = 2; i < argc; ++i) {
        const nonlin_status s = nonlin_set_isa(argv[i]);
        printf("nonlin_set_isa(\"%s\"): %s\n", argv[i], nonlin_status_string(s));
        check(s == NONLIN_ERR_UNSUPPORTED, "refused with NONLIN_ERR_UNSUPPORTED:", argv[i]);
        check(strcmp(nonlin_isa(), at_load) == 0, "selection unchanged after", argv[i]);
    }
    check(nonlin_set_isa("no-such-isa") == NONLIN_ERR_BAD_ARGUMENT, "unknown name", "");
    check(nonlin_set_isa(argv[1]) == NONLIN_OK, "selecting", argv[1]);
    check(nonlin_sigmoid_f32(5, x, y) == NONLIN_OK && y[2] == 0.5f && y[0] > 0.0f &&
              y[0] < 1e-8f && y[4] == 1.0f && y[1] > 0.2689f && y[1] < 0.2690f,
          "sigmoid on", argv[1]);
    printf("isa probe: %s\n", failures == 0 ? "ok" : "FAILED");
    return failures == 0 ? 0 : 1;
}
