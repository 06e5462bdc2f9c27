// The registries (src/ops/registry.def, src/ops/row_bounds.def) are the one
// source of each op's parameters and bounds. These tests fail when another
// place that states them disagrees: the C header's documentation, the
// table of bounds in docs/ACCURACY.md and the Python binding's generated
// table. The Python table is regenerated with
//   NONLIN_REGENERATE=1 build/tests/nonlin_tests '[registry]'
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string source_path(const std::string& relative) {
    return std::string(NONLIN_SOURCE_DIR) + "/" + relative;
}

std::string read_text(const std::string& relative) {
    std::ifstream in(source_path(relative), std::ios::binary);
    INFO("reading " << source_path(relative));
    REQUIRE(in.good());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// One stated bound: ulp (0: exact) and what follows the number, e.g.
// " of max(|dx|, ...)" or " per element".
struct bound {
    double ulp;
    std::string scale;  // for the header check only
};

// Every bound the registries define, by the name the header and the docs
// use: an elementwise op's forward and its backward (`name_backward`), and
// each row of row_bounds.def. The header and the docs state one bound per
// row function, so its paths must agree (checked here) until they state
// one per path.
std::map<std::string, bound> registry_bounds() {
    std::map<std::string, bound> out;
#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp) \
    out[#name] = {fwd_ulp, ""};                                                                 \
    out[#name "_backward"] = {bwd_ulp, std::string(#scale) == "terms" ? " of max(|dx|," : ""};
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp) \
    out[#name] = {bwd_ulp, std::string(#scale) == "terms" ? " of max(|dx|," : ""};
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
#define NONLIN_ROW_BOUND(name, short_rows, long_rows, strided, scale, fast)               \
    out[#name] = {std::max({double{short_rows}, double{long_rows}, double{strided}}),    \
                  *scale ? std::string(" ") + scale : std::string()};                     \
    CHECK(double{short_rows} == double{long_rows});                                       \
    CHECK(double{short_rows} == double{strided});
#include "../src/ops/row_bounds.def"
#undef NONLIN_ROW_BOUND
    return out;
}

// The fast tier's bounds that differ from the strict ones, by the same
// names: the header states them as "Fast bound (name): ...", the docs in
// the table headed "fast bound (asserted)". Every other function keeps its
// strict bound in the fast tier, and neither place repeats it.
std::map<std::string, bound> fast_bounds() {
    std::map<std::string, bound> out;
    const auto scale_of = [](const std::string& s) { return s == "terms" ? " of max(|dx|," : ""; };
#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp) \
    if (double{fast_fwd_ulp} != double{fwd_ulp}) out[#name] = {fast_fwd_ulp, ""};              \
    if (double{fast_bwd_ulp} != double{bwd_ulp})                                              \
        out[#name "_backward"] = {fast_bwd_ulp, scale_of(#scale)};
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp) \
    if (double{fast_bwd_ulp} != double{bwd_ulp}) out[#name] = {fast_bwd_ulp, scale_of(#scale)};
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
#define NONLIN_ROW_BOUND(name, short_rows, long_rows, strided, scale, fast) \
    if (double{fast} != double{short_rows})                                 \
        out[#name] = {fast, *scale ? std::string(" ") + scale : std::string()};
#include "../src/ops/row_bounds.def"
#undef NONLIN_ROW_BOUND
    return out;
}

// The text of C comments as running prose: each line break with the
// spaces and the "*" that continue a comment becomes one space.
std::string comment_prose(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n') {
            out += text[i];
            continue;
        }
        std::size_t j = i + 1;
        while (j < text.size() && text[j] == ' ') ++j;
        if (j < text.size() && text[j] == '*' && (j + 1 == text.size() || text[j + 1] != '/')) {
            ++j;
            while (j < text.size() && text[j] == ' ') ++j;
            out += ' ';
            i = j - 1;
        } else {
            out += '\n';
        }
    }
    return out;
}

// Parses "exact" or "<number> ulp" at the start of `text`; the rest goes
// to `rest`. Returns false when it is neither.
bool parse_bound(const std::string& text, double* ulp, std::string* rest) {
    if (text.compare(0, 5, "exact") == 0) {
        *ulp = 0;
        *rest = text.substr(5);
        return true;
    }
    char* end = nullptr;
    *ulp = std::strtod(text.c_str(), &end);
    const std::size_t used = static_cast<std::size_t>(end - text.c_str());
    if (used == 0 || text.compare(used, 4, " ulp") != 0) return false;
    *rest = text.substr(used + 4);
    return true;
}

// Python literals of the registry's values.
std::string python_float(const char* literal) {
    std::string s = literal;
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

std::string python_registry() {
    std::ostringstream py;
    py << "\"\"\"The op registry: generated from src/ops/registry.def and\n"
          "src/ops/row_bounds.def by\n"
          "``NONLIN_REGENERATE=1 build/tests/nonlin_tests '[registry]'``; do not edit.\"\"\"\n\n"
          "# (name, backward input, ((keyword, default), ...), forward ulp, backward ulp,\n"
          "#  backward scale: \"result\" or \"terms\"), in the registry's order.\n"
          "ELEMENTWISE = (\n";
#define NONLIN_PY_PARAMS_0()
#define NONLIN_PY_PARAMS_1(a, ka, da) << "(\"" #ka "\", " << python_float(#da) << "),"
#define NONLIN_PY_PARAMS_2(a, ka, da, b, kb, db) \
    << "(\"" #ka "\", " << python_float(#da) << "), (\"" #kb "\", " << python_float(#db) << ")"
#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp) \
    py << "    (\"" #name "\", \"" #from "\", (" NONLIN_PY_PARAMS_##arity params << "), "       \
       << #fwd_ulp ", " #bwd_ulp ", \"" #scale "\"),\n";
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp)
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
#undef NONLIN_PY_PARAMS_0
#undef NONLIN_PY_PARAMS_1
#undef NONLIN_PY_PARAMS_2
    py << ")\n\n# Backward-only functions: (name, the op they differentiate, from its\n"
          "#  input x; backward ulp, backward scale), in the registry's order.\n"
          "GRADIENTS = (\n";
#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp)
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp) \
    py << "    (\"" #name "\", \"" #of "\", " #bwd_ulp ", \"" #scale "\"),\n";
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
    py << ")\n\n# name: ulp bound on (short rows, long rows, strided axes).\nROW_BOUNDS = {\n";
#define NONLIN_ROW_BOUND(name, short_rows, long_rows, strided, scale, fast) \
    py << "    \"" #name "\": (" #short_rows ", " #long_rows ", " #strided "),\n";
#include "../src/ops/row_bounds.def"
#undef NONLIN_ROW_BOUND
    py << "}\n";
    return py.str();
}

}  // namespace

TEST_CASE("the Python binding's table is the registry's", "[registry]") {
    const std::string relative = "bindings/python/nonlin/_registry.py";
    const std::string want = python_registry();
    if (std::getenv("NONLIN_REGENERATE")) {
        std::ofstream(source_path(relative), std::ios::binary) << want;
        WARN("wrote " << relative);
    }
    INFO(relative << " differs from the registry; regenerate it with "
                     "NONLIN_REGENERATE=1 build/tests/nonlin_tests '[registry]'");
    CHECK(read_text(relative) == want);
}

// Checks that `text` states each of `want`'s bounds once, in sentences
// "<tag>name): <bound>", and no other.
void check_stated_bounds(const std::string& text, const std::string& tag,
                         const std::map<std::string, bound>& want) {
    std::map<std::string, int> seen;
    for (std::size_t at = text.find(tag); at != std::string::npos; at = text.find(tag, at + 1)) {
        const std::size_t close = text.find("): ", at);
        REQUIRE(close != std::string::npos);
        const std::string name = text.substr(at + tag.size(), close - at - tag.size());
        INFO("nonlin.h: " << tag << name << ")");
        const auto it = want.find(name);
        REQUIRE(it != want.end());  // a stated bound the registries do not have
        ++seen[name];
        double ulp = -1;
        std::string rest;
        REQUIRE(parse_bound(text.substr(close + 3, 200), &ulp, &rest));
        CHECK(ulp == it->second.ulp);
        CHECK(rest.compare(0, it->second.scale.size(), it->second.scale) == 0);
    }
    for (const auto& [name, b] : want) {
        INFO("registry bound " << tag << name << ")");
        CHECK(seen[name] == 1);
    }
}

TEST_CASE("the header states each registry bound once, as the registry does", "[registry]") {
    const std::string header = comment_prose(read_text("include/nonlin/nonlin.h"));
    check_stated_bounds(header, "Bound (", registry_bounds());
    check_stated_bounds(header, "Fast bound (", fast_bounds());
}

// Checks that docs/ACCURACY.md's tables headed `heading` state `want`'s
// bounds, each at least once, and no other.
void check_doc_tables(const std::string& heading, const std::map<std::string, bound>& want) {
    std::istringstream doc(read_text("docs/ACCURACY.md"));
    std::map<std::string, int> seen;
    bool in_bounds_table = false;
    for (std::string line; std::getline(doc, line);) {
        if (line.rfind("|", 0) != 0) {
            in_bounds_table = false;
            continue;
        }
        if (line.find("| " + heading + " |") != std::string::npos) {
            in_bounds_table = true;
            continue;
        }
        if (!in_bounds_table || line.rfind("| ---", 0) == 0) continue;
        // | name[ qualifier] | bound ... | measured ... |
        const std::size_t cell2 = line.find(" | ");
        REQUIRE(cell2 != std::string::npos);
        const std::string first = line.substr(2, cell2 - 2);
        const std::string name = first.substr(0, first.find_first_of(" ,"));
        INFO("docs/ACCURACY.md row: " << line);
        const auto it = want.find(name);
        REQUIRE(it != want.end());  // a row the registries do not have
        ++seen[name];
        double ulp = -1;
        std::string rest;
        REQUIRE(parse_bound(line.substr(cell2 + 3), &ulp, &rest));
        CHECK(ulp == it->second.ulp);
    }
    for (const auto& [name, b] : want) {
        INFO("registry bound " << name << " has no row under '" << heading << "'");
        CHECK(seen[name] >= 1);
    }
}

TEST_CASE("docs/ACCURACY.md's tables of bounds state the registry's bounds", "[registry]") {
    check_doc_tables("bound (asserted)", registry_bounds());
    check_doc_tables("fast bound (asserted)", fast_bounds());
}

TEST_CASE("the README's API table lists every registry op with its parameters", "[registry]") {
    std::istringstream readme(read_text("README.md"));
    std::string from_input_row;
    std::vector<std::string> lines;
    for (std::string line; std::getline(readme, line);) {
        if (line.rfind("| `nonlin_<op>_f32(", 0) == 0) from_input_row = line;
        lines.push_back(line);
    }
    REQUIRE(!from_input_row.empty());
#define NONLIN_README_PARAMS_0() ""
#define NONLIN_README_PARAMS_1(a, ka, da) "(" #a ")"
#define NONLIN_README_PARAMS_2(a, ka, da, b, kb, db) "(" #a ", " #b ")"
#define NONLIN_ELEMENTWISE(name, functor, from, arity, params, valid, fwd_ulp, bwd_ulp, scale, fast, fast_fwd_ulp, fast_bwd_ulp) \
    {                                                                                           \
        const std::string token = std::string(#name) + NONLIN_README_PARAMS_##arity params;     \
        INFO("README.md: " << token);                                                           \
        if (std::string(#from) == "input") {                                                    \
            CHECK(from_input_row.find(" " + token + ",") != std::string::npos);                 \
        } else {                                                                                \
            bool listed = false;                                                                \
            for (const std::string& line : lines)                                               \
                listed |= line.rfind("| `nonlin_" + token + "_f32(", 0) == 0;                   \
            CHECK(listed);                                                                      \
        }                                                                                       \
    }
#define NONLIN_GRADIENT(name, functor, of, bwd_ulp, scale, fast, fast_bwd_ulp)                                      \
    {                                                                                           \
        INFO("README.md: nonlin_" #name "_f32");                                                \
        bool listed = false;                                                                    \
        for (const std::string& line : lines)                                                   \
            listed |= line.rfind("| `nonlin_" #name "_f32(n, x, dy, dx)`", 0) == 0;             \
        CHECK(listed);                                                                          \
    }
#include "../src/ops/registry.def"
#undef NONLIN_GRADIENT
#undef NONLIN_ELEMENTWISE
#undef NONLIN_README_PARAMS_0
#undef NONLIN_README_PARAMS_1
#undef NONLIN_README_PARAMS_2
}
