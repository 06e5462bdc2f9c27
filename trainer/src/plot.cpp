#include "plot.h"

#include <sys/wait.h>

#include <cstdio>

namespace trainer {
namespace {

// gnuplot single-quoted strings end only at a quote; double it to escape.
std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        out += c;
        if (c == '\'') out += '\'';
    }
    return out + "'";
}

}  // namespace

bool plot_compare(const std::string& csv_path, const std::string& png_path,
                  const std::vector<std::string>& activations, std::string* why) {
    std::string names;
    for (const std::string& a : activations) names += (names.empty() ? "" : " ") + a;
    // Rows of other runs or the other kind map to NaN, which gnuplot skips;
    // each run's rows are contiguous, so its line is unbroken.
    const std::string script =
        "set terminal pngcairo noenhanced size 1000,800 font ',10'\n"
        "set output " + quoted(png_path) + "\n"
        "set datafile separator ','\n"
        "names = " + quoted(names) + "\n"
        "n = words(names)\n"
        "set multiplot layout 2,1\n"
        "set title 'training loss per step (NLL on the output activation)'\n"
        "set xlabel 'step'\n"
        "set ylabel 'batch loss'\n"
        "set key outside right\n"
        "set grid\n"
        "plot for [i=1:n] " + quoted(csv_path) +
        " using (strcol(1) eq 'step' && column(2) == i ? column(5) : NaN):6 with lines lw 1.5 dt i title word(names, i)\n"
        "set title 'validation accuracy after each epoch'\n"
        "set xlabel 'epoch'\n"
        "set ylabel 'accuracy'\n"
        "set yrange [0:1]\n"
        "set xtics 1\n"
        // Starting half an epoch early keeps a one-epoch run's range non-empty.
        "set xrange [0.5:*]\n"
        "plot for [i=1:n] " + quoted(csv_path) +
        " using (strcol(1) eq 'epoch' && column(2) == i ? column(4) : NaN):8 with linespoints lw 1.5 pt 7 title word(names, i)\n"
        "unset multiplot\n";
    std::FILE* gp = popen("gnuplot", "w");
    if (!gp) {
        *why = "cannot start gnuplot";
        return false;
    }
    std::fputs(script.c_str(), gp);
    const int status = pclose(gp);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *why = WIFEXITED(status) && WEXITSTATUS(status) == 127
                   ? "gnuplot not found (install gnuplot-nox)"
                   : "gnuplot failed";
        return false;
    }
    return true;
}

}  // namespace trainer
