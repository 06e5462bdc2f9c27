// The --compare plot, drawn by gnuplot from the CSV.
#pragma once

#include <string>
#include <vector>

namespace trainer {

// Renders csv_path (the compare CSV) to png_path: per-step training loss of
// each run on top, validation accuracy per epoch below. Returns false with
// a reason in *why when gnuplot is missing or fails.
bool plot_compare(const std::string& csv_path, const std::string& png_path,
                  const std::vector<std::string>& activations, std::string* why);

}  // namespace trainer
