// Asterisk-style .conf files: [sections], key = value, key => value, ; comments, #include.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace vce {

// A config error names the file and line and what was expected.
class ConfigError : public std::runtime_error {
public:
    ConfigError(const std::string &file, int line, const std::string &what);
    const std::string &file() const { return file_; }
    int line() const { return line_; }

private:
    std::string file_;
    int line_;
};

struct ConfigEntry {
    std::string key;
    std::string value;
    bool arrow = false;  // written with "=>" (objects such as load => or exten =>)
    std::string file;
    int line = 0;
};

struct ConfigSection {
    std::string name;
    std::string file;
    int line = 0;
    std::vector<ConfigEntry> entries;

    // The last value of key, or fallback when the key is absent.
    std::string get(const std::string &key, const std::string &fallback = "") const;
    // Integer value of key; a non-number throws a ConfigError naming file:line.
    long get_int(const std::string &key, long fallback) const;
    bool get_bool(const std::string &key, bool fallback) const;
    const ConfigEntry *find(const std::string &key) const;
    std::vector<const ConfigEntry *> all(const std::string &key) const;
};

class Config {
public:
    // Parses a file (following #include relative to its directory); throws ConfigError.
    static Config load(const std::string &path);
    static Config parse(const std::string &text, const std::string &name,
                        const std::string &include_dir = ".");

    const ConfigSection *section(const std::string &name) const;
    const std::vector<ConfigSection> &sections() const { return sections_; }
    const std::string &path() const { return path_; }

private:
    std::vector<ConfigSection> sections_;
    std::string path_;
};

}  // namespace vce
