// Parser for Asterisk-style .conf files.
#include "vce/Config.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace vce {

ConfigError::ConfigError(const std::string &file, int line, const std::string &what)
    : std::runtime_error(file + ":" + std::to_string(line) + ": " + what),
      file_(file),
      line_(line) {}

namespace {

std::string trim(const std::string &s) {
    size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    size_t e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

// Strips a ';' comment; "\;" is a literal semicolon.
std::string strip_comment(const std::string &line) {
    std::string out;
    for (size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == ';') {
            out += ';';
            ++i;
        } else if (line[i] == ';') {
            break;
        } else {
            out += line[i];
        }
    }
    return out;
}

std::string read_file(const std::string &path, const std::string &from, int from_line) {
    std::ifstream in(path);
    if (!in) {
        if (from.empty())
            throw ConfigError(path, 0, std::string("cannot open: ") + std::strerror(errno));
        throw ConfigError(from, from_line,
                          "cannot open included file " + path + ": " + std::strerror(errno));
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string dir_of(const std::string &path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

struct Parser {
    std::vector<ConfigSection> sections;
    int depth = 0;

    void parse(const std::string &text, const std::string &name, const std::string &include_dir) {
        if (++depth > 10) throw ConfigError(name, 0, "#include nested more than 10 deep (a loop?)");
        std::istringstream in(text);
        std::string raw;
        int lineno = 0;
        while (std::getline(in, raw)) {
            ++lineno;
            std::string line = trim(strip_comment(raw));
            if (line.empty()) continue;
            if (line[0] == '#') {
                directive(line, name, lineno, include_dir);
                continue;
            }
            if (line[0] == '[') {
                size_t close = line.find(']');
                if (close == std::string::npos)
                    throw ConfigError(name, lineno, "expected ']' to close the section name");
                std::string sec = trim(line.substr(1, close - 1));
                if (sec.empty())
                    throw ConfigError(name, lineno, "expected a section name between [ and ]");
                std::string rest = trim(line.substr(close + 1));
                if (!rest.empty() && rest[0] != '(')
                    throw ConfigError(name, lineno, "unexpected text after [" + sec + "]: " + rest);
                sections.push_back(ConfigSection{sec, name, lineno, {}});
                continue;
            }
            size_t eq = line.find('=');
            if (eq == std::string::npos)
                throw ConfigError(
                    name, lineno,
                    "expected 'key = value', 'key => value' or '[section]', got: " + line);
            ConfigEntry e;
            e.key = trim(line.substr(0, eq));
            e.arrow = eq + 1 < line.size() && line[eq + 1] == '>';
            e.value = trim(line.substr(eq + (e.arrow ? 2 : 1)));
            e.file = name;
            e.line = lineno;
            if (e.key.empty()) throw ConfigError(name, lineno, "expected a key before '='");
            if (sections.empty())
                throw ConfigError(
                    name, lineno,
                    "'" + e.key + "' is outside any [section]; expected a [section] first");
            sections.back().entries.push_back(std::move(e));
        }
        --depth;
    }

    void directive(const std::string &line, const std::string &name, int lineno,
                   const std::string &dir) {
        std::string word, arg;
        size_t sp = line.find_first_of(" \t");
        word = line.substr(0, sp);
        if (sp != std::string::npos) arg = trim(line.substr(sp));
        if (word != "#include" && word != "#tryinclude")
            throw ConfigError(name, lineno, "unknown directive " + word + "; expected #include");
        if (arg.size() >= 2 && (arg.front() == '"' || arg.front() == '<'))
            arg = arg.substr(1, arg.size() - 2);
        if (arg.empty()) throw ConfigError(name, lineno, "expected a file name after " + word);
        std::string path = arg[0] == '/' ? arg : dir + "/" + arg;
        std::ifstream probe(path);
        if (!probe && word == "#tryinclude") return;
        parse(read_file(path, name, lineno), path, dir_of(path));
    }
};

}  // namespace

Config Config::parse(const std::string &text, const std::string &name,
                     const std::string &include_dir) {
    Parser p;
    p.parse(text, name, include_dir);
    Config c;
    c.sections_ = std::move(p.sections);
    c.path_ = name;
    return c;
}

Config Config::load(const std::string &path) {
    return parse(read_file(path, "", 0), path, dir_of(path));
}

const ConfigSection *Config::section(const std::string &name) const {
    for (const auto &s : sections_)
        if (s.name == name) return &s;
    return nullptr;
}

const ConfigEntry *ConfigSection::find(const std::string &key) const {
    const ConfigEntry *found = nullptr;
    for (const auto &e : entries)
        if (e.key == key) found = &e;
    return found;
}

std::vector<const ConfigEntry *> ConfigSection::all(const std::string &key) const {
    std::vector<const ConfigEntry *> out;
    for (const auto &e : entries)
        if (e.key == key) out.push_back(&e);
    return out;
}

std::string ConfigSection::get(const std::string &key, const std::string &fallback) const {
    const ConfigEntry *e = find(key);
    return e ? e->value : fallback;
}

long ConfigSection::get_int(const std::string &key, long fallback) const {
    const ConfigEntry *e = find(key);
    if (!e) return fallback;
    char *end = nullptr;
    errno = 0;
    long v = std::strtol(e->value.c_str(), &end, 10);
    if (e->value.empty() || *end != '\0' || errno)
        throw ConfigError(e->file, e->line,
                          "expected a whole number for '" + key + "', got '" + e->value + "'");
    return v;
}

bool ConfigSection::get_bool(const std::string &key, bool fallback) const {
    const ConfigEntry *e = find(key);
    if (!e) return fallback;
    const std::string &v = e->value;
    if (v == "yes" || v == "true" || v == "on" || v == "1") return true;
    if (v == "no" || v == "false" || v == "off" || v == "0") return false;
    throw ConfigError(e->file, e->line, "expected yes or no for '" + key + "', got '" + v + "'");
}

}  // namespace vce
