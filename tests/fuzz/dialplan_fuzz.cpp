// libFuzzer target: the dialplan parser, pattern matcher, expressions and executor.
#include <cstddef>
#include <cstdint>
#include <string>

#include "dialplan/Dialplan.h"
#include "dialplan/Execution.h"
#include "dialplan/Expression.h"

using namespace vce::dialplan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string text(reinterpret_cast<const char *>(data), size);
    evaluate(text);
    std::shared_ptr<const Dialplan> plan;
    try {
        plan = Dialplan::parse(text, "fuzz.conf");
    } catch (const ParseError &e) {
        if (e.line() < 1) __builtin_trap();
        return 0;
    }
    static const Registry registry;
    plan->show();
    std::string digits = text.substr(0, 24);
    for (const std::string &c : plan->context_names()) {
        plan->can_match(c, digits);
        plan->match_more(c, digits);
        for (const char *e : {"s", "1234", "0262006200082", "62006200#082"}) {
            Execution x(plan, registry, c, e);
            x.run(200);
        }
        Execution y(plan, registry, c, digits);
        y.run(200);
    }
    return 0;
}
