// The outcome of routing one dialled number, and the optional step-by-step trace of it.
#include "routing/Decision.h"

namespace vce::routing {

const char *class_name(RouteClass c) {
    switch (c) {
        case RouteClass::None:
            return "none";
        case RouteClass::Local:
            return "local";
        case RouteClass::OwnNumber:
            return "own-number";
        case RouteClass::VnsBranch:
            return "vns-branch";
        case RouteClass::RemoteCentre:
            return "remote-centre";
        case RouteClass::Carrier:
            return "carrier";
        case RouteClass::Pstn:
            return "pstn";
    }
    return "?";
}

std::map<std::string, std::string> Decision::variables() const {
    std::map<std::string, std::string> v{
        {"ROUTE_TARGET", target},
        {"ROUTE_CLASS", class_name(cls)},
        {"ROUTE_PSTN", pstn_fallback},
        {"ROUTE_PSTN_NUMBER", pstn_number},
        {"ROUTE_CAUSE", cause},
        {"ROUTE_STATUS", sip_status ? std::to_string(sip_status) : std::string()},
        {"ROUTE_REASON", reason},
        {"ROUTE_NUMBER", canonical},
        {"ROUTE_ALIAS", alias},
        {"ROUTE_TARGETS", std::to_string(target_count())},
        {"ROUTE_TRY", target.empty() ? "" : "1"},
    };
    for (size_t i = 0; i < target_count(); ++i)
        v["ROUTE_TARGET_" + std::to_string(i + 1)] = i == 0 ? target : alternatives[i - 1];
    return v;
}

std::string Trace::text() const {
    std::string out;
    for (size_t i = 0; i < steps.size(); ++i) {
        out += std::to_string(i + 1);
        out += ". ";
        out += steps[i];
        out += '\n';
    }
    return out;
}

}  // namespace vce::routing
