// The daemon's dialplan: the application registry modules add to, and the current plan
// (extensions.conf) swapped atomically on `dialplan reload`. Provided as service "dialplan".
#pragma once

#include <memory>
#include <string>

#include "dialplan/Dialplan.h"
#include "dialplan/Registry.h"

namespace vce {

class Host;

class DialplanService {
public:
    DialplanService(Host &host, std::string path);
    ~DialplanService();

    dialplan::Registry &registry() { return registry_; }
    const dialplan::Registry &registry() const { return registry_; }
    // The plan new calls start on; calls in progress keep the one they started with.
    // Safe from any thread.
    std::shared_ptr<const dialplan::Dialplan> current() const;
    // Parses the file again; on error keeps the old plan and returns "file:line: why".
    std::string reload();
    const std::string &path() const { return path_; }

private:
    Host &host_;
    std::string path_;
    dialplan::Registry registry_;
    std::shared_ptr<const dialplan::Dialplan> plan_;
};

}  // namespace vce
