// The forks of one request sent to several places at once: the proxied INVITE of a call
// (CallSession), the UAC INVITE of the channel technology (OutboundCall) and the relayed
// MESSAGE (Relay) share this bookkeeping: add a fork, record each final answer, keep the
// best failure by one ranking (failure_rank, RFC 3261 16.7: 6xx, then the most telling 4xx),
// know when every fork has answered, and cancel the forks still pending when one won or the
// caller gave up. Each user's fork type derives from ForkBase and adds what it needs
// (a dialog, a target name). SIP thread only.
#pragma once

#include <sofia-sip/nta.h>

#include <memory>
#include <vector>

#include "SofiaHandles.h"
#include "vce/DialOutcome.h"

namespace vce::sip {

struct ForkBase {
    OutgoingTx tx;           // the request sent on this fork
    int status = 0;          // its final status (0: none yet)
    bool cancelled = false;  // CANCEL sent, or its answer is not wanted any more
    bool final() const { return status >= 200; }
    bool pending() const { return !final() && !cancelled; }
};

template <class Fork>
class ForkSet {
public:
    using List = std::vector<std::unique_ptr<Fork>>;

    Fork &add(std::unique_ptr<Fork> f) {
        forks_.push_back(std::move(f));
        return *forks_.back();
    }
    // Records a final answer once (a retransmission returns false). A failure better than
    // the best so far becomes the best; `response`, if given, is kept with it.
    bool record_final(Fork &f, int status, MsgRef response = nullptr) {
        if (f.final()) return false;
        f.status = status;
        if (status >= 300 &&
            (best_status_ == 0 || failure_rank(status) > failure_rank(best_status_))) {
            best_status_ = status;
            best_response_ = std::move(response);
        }
        return true;
    }
    // Every fork has its final answer (or was cancelled, when `counting_cancelled`: a proxy
    // does not wait for the 487 of a fork it cancelled).
    bool all_final(bool counting_cancelled = true) const {
        for (const auto &f : forks_)
            if (!f->final() && !(counting_cancelled && f->cancelled)) return false;
        return true;
    }
    // CANCELs every fork still waiting for its answer but `except`.
    void cancel_pending(const Fork *except = nullptr) {
        for (auto &f : forks_) {
            if (f.get() == except || !f->pending()) continue;
            f->cancelled = true;
            if (f->tx) nta_outgoing_cancel(f->tx.get());
        }
    }
    // Forgets the forks and the best failure (a new Dial).
    void clear() {
        forks_.clear();
        best_status_ = 0;
        best_response_.reset();
    }
    // The best failure so far: overridden when the Dial timer decides (408/480).
    void set_best(int status) {
        best_status_ = status;
        best_response_.reset();
    }

    int best_status() const { return best_status_; }
    MsgRef take_best_response() { return std::move(best_response_); }
    bool has_best_response() const { return best_response_ != nullptr; }
    bool empty() const { return forks_.empty(); }
    std::size_t size() const { return forks_.size(); }
    typename List::iterator begin() { return forks_.begin(); }
    typename List::iterator end() { return forks_.end(); }
    typename List::const_iterator begin() const { return forks_.begin(); }
    typename List::const_iterator end() const { return forks_.end(); }

private:
    List forks_;
    int best_status_ = 0;
    MsgRef best_response_;
};

}  // namespace vce::sip
