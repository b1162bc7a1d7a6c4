// Names of the daemon's threads, for `vcectl core show threads`.
#pragma once

#include <string>
#include <vector>

namespace vce {
namespace threads {

// Call from inside the thread; the name is shown with its kernel thread id.
void enter(const std::string &name);
void leave();
std::vector<std::string> list();

}  // namespace threads
}  // namespace vce
