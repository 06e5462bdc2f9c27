// --save / --load: parameters as raw little-endian float32, each tensor in
// order (see make_params), with nothing else in the file, so that
// numpy.fromfile(path, "<f4") reads it back.
#pragma once

#include <string>

#include "params.h"

namespace trainer {

void save_params(const Params& p, const std::string& path);

// Fills p (already shaped) from path; a file of any other size is an Error
// that states the expected shapes.
void load_params(Params& p, const std::string& path);

}  // namespace trainer
