// A C++ client linked against the static archive: the header is valid C++
// and the archive carries every kernel.
#include <nonlin/nonlin.h>

#include <cstdio>
#include <cstring>

#include "../src/isa/isa_list.hpp"

int main() {
    float x[3] = {-1.0f, 0.0f, 1.0f}, y[3];
    if (nonlin_sigmoid_f32(3, x, y) != NONLIN_OK || y[1] != 0.5f) return 1;
    for (const char* isa : nonlin::kIsaNames) {
        const nonlin_status s = nonlin_set_isa(isa);
        if (s != NONLIN_OK && s != NONLIN_ERR_UNSUPPORTED) return 1;
        if (s == NONLIN_OK && std::strcmp(nonlin_isa(), isa) != 0) return 1;
    }
    std::printf("static client: 1 passed, 0 failed\n");
    return 0;
}
