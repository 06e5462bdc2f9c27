// Element access that holds for any address. The C API accepts arrays at
// any byte offset (numpy makes such arrays: np.frombuffer(buf, offset=1)),
// and dereferencing a misaligned float* or int64_t* would be undefined; a
// memcpy of one element compiles to the same single load or store.
//
// static: every translation unit, whatever its ISA flags, gets its own copy.
#pragma once

#include <cstddef>
#include <cstring>

namespace nonlin {

template <class T>
static inline T read_at(const T* p, std::size_t i) {
    T v;
    std::memcpy(&v, p + i, sizeof v);
    return v;
}

template <class T>
static inline void write_at(T* p, std::size_t i, T v) {
    std::memcpy(p + i, &v, sizeof v);
}

}  // namespace nonlin
