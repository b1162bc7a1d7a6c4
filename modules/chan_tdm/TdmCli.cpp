// chan_tdm: the texts of vcectl's tdm show spans and tdm show channels.
#include <cstdio>
#include <sstream>

#include "TdmEngine.h"
#include "TdmSpan.h"

namespace vce::tdm {

void TdmEngine::show_spans(std::function<void(std::string)> done) {
    post([this, done] {
        std::ostringstream o;
        o << "SPAN         TYPE     SIGNALLING  LAW   CHANNELS  ATTACHED  WHERE\n";
        for (auto &s : spans_) {
            int attached = 0;
            for (int i : s->lines)
                if (lines_[static_cast<std::size_t>(i)]->ch) ++attached;
            char buf[512];
            std::snprintf(buf, sizeof buf, "%-12s %-8s %-11s %-5s %-9d %-9d %s\n",
                          s->cfg.name.c_str(),
                          s->cfg.type == SpanType::Virtual ? "virtual" : "dahdi",
                          s->cfg.role == dsp::ChannelRole::Fxs ? "fxs" : "fxo",
                          dsp::lawName(s->cfg.law), s->cfg.channels, attached,
                          s->cfg.type == SpanType::Virtual
                              ? s->cfg.path.c_str()
                              : ("dahdi " + std::to_string(s->cfg.first)).c_str());
            o << buf;
        }
        o << spans_.size() << " spans, country " << cfg_.country << "\n";
        done(o.str());
    });
}

void TdmEngine::show_channels(std::function<void(std::string)> done) {
    post([this, done] {
        std::ostringstream o;
        o << "CHANNEL          SIG  GROUP      CONTEXT        STATE              DIGITS           "
             "PEER"
             "                 LAST\n";
        for (auto &l : lines_) {
            char buf[768];
            std::snprintf(buf, sizeof buf, "%-16s %-4s %-10s %-14s %-18s %-16s %-20s %s\n",
                          l->name.c_str(), l->cfg.role == dsp::ChannelRole::Fxs ? "fxs" : "fxo",
                          l->cfg.group.c_str(), l->cfg.context.c_str(), line_state_name(l->state),
                          l->digits.empty() ? "-" : l->digits.c_str(),
                          l->peer.empty() ? "-" : l->peer.c_str(),
                          l->last.empty() ? "-" : l->last.c_str());
            o << buf;
            if (l->rtp) o << "    media: " << l->rtp->describe() << "\n";
        }
        o << lines_.size() << " channels\n";
        done(o.str());
    });
}

}  // namespace vce::tdm
