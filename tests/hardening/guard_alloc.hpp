// Buffers placed against an inaccessible (PROT_NONE) page, so that a kernel
// that reads or writes one element past either end of its buffer faults at
// once instead of silently touching a neighbour.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

namespace nonlin_test {

// Where a buffer sits against its guard page.
enum class guard_side {
    after,   // the buffer ends exactly where a PROT_NONE page begins
    before,  // the buffer starts right after a PROT_NONE page
};

inline const char* guard_side_name(guard_side s) {
    return s == guard_side::after ? "ends at a guard page" : "starts after a guard page";
}

// `count` elements of T in their own mapping, flush against a PROT_NONE page
// on `side`. The elements are readable and writable; the page on the other
// side is mapped and accessible (a bounded slack that is never checked).
template <class T>
class guarded {
public:
    guarded(std::size_t count, guard_side side) : count_(count) {
        const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
        const std::size_t bytes = count * sizeof(T);
        const std::size_t data_pages = (bytes + page - 1) / page + 1;
        map_bytes_ = (data_pages + 1) * page;
        void* m = mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) throw std::bad_alloc();
        map_ = static_cast<unsigned char*>(m);
        unsigned char* guard;
        if (side == guard_side::after) {
            guard = map_ + data_pages * page;
            data_ = reinterpret_cast<T*>(guard - bytes);
        } else {
            guard = map_;
            data_ = reinterpret_cast<T*>(map_ + page);
        }
        if (mprotect(guard, page, PROT_NONE) != 0) {
            munmap(map_, map_bytes_);
            throw std::bad_alloc();
        }
    }
    ~guarded() {
        if (map_) munmap(map_, map_bytes_);
    }
    guarded(guarded&& o) noexcept
        : count_(o.count_), map_bytes_(o.map_bytes_), map_(o.map_), data_(o.data_) {
        o.map_ = nullptr;
    }
    guarded(const guarded&) = delete;
    guarded& operator=(const guarded&) = delete;
    guarded& operator=(guarded&&) = delete;

    T* data() { return data_; }
    const T* data() const { return data_; }
    std::size_t size() const { return count_; }
    T& operator[](std::size_t i) { return data_[i]; }

    template <class Range>
    void fill_from(const Range& r) {
        if (count_ != 0) std::memcpy(data_, r.data(), count_ * sizeof(T));
    }

private:
    std::size_t count_;
    std::size_t map_bytes_;
    unsigned char* map_;
    T* data_;
};

}  // namespace nonlin_test
