// Control commands: what a module registers so that `vcectl WORDS...` reaches it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace vce {

// One vcectl request. The handler answers with reply() exactly once, now or later
// (on the core thread), e.g. after a database round trip.
class CliRequest {
public:
    using Sink = std::function<void(int status, const std::string &text)>;
    CliRequest(std::vector<std::string> args, Sink sink)
        : args_(std::move(args)), sink_(std::move(sink)) {}
    // The words after the command's own words.
    const std::vector<std::string> &args() const { return args_; }
    // status 0 = success; non-zero makes vcectl exit non-zero.
    void reply(int status, const std::string &text) {
        if (sink_) {
            auto s = std::move(sink_);
            sink_ = nullptr;
            s(status, text);
        }
    }
    bool answered() const { return !sink_; }

private:
    std::vector<std::string> args_;
    Sink sink_;
};

using CliHandler = std::function<void(std::shared_ptr<CliRequest>)>;

struct CliCommand {
    std::string words;  // e.g. "sip show registrations"
    std::string usage;  // e.g. "sip show registrations [NUMBER]"
    std::string help;   // one line
    CliHandler handler;
};

}  // namespace vce
