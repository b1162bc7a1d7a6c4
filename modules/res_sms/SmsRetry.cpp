// The store's clock (core thread): stored messages past their time are deleted with a REPORT
// expired to their framed sender; those due are tried again while their callee is registered,
// with a doubling delay after each failure (Backoff.h).
#include <ctime>

#include "modules/res_sms/Backoff.h"
#include "modules/res_sms/Hex.h"
#include "modules/res_sms/SmsServerParts.h"
#include "vce/Database.h"
#include "vce/Host.h"
#include "vce/Log.h"

namespace vce::sms {

void SmsServer::on_store_tick(int, short, void *arg) {
    static_cast<SmsServer *>(arg)->store_tick();
}

void SmsServer::report_to_number(const std::string &number, const std::string &id,
                                 const std::string &status, const std::string &reason) {
    Frame f;
    f.kind = Kind::Report;
    f.id = id;
    f.status = status;
    f.reason = reason;
    for (const TerminalBinding &b : location_.bindings(number))
        if (b.contact.rfind("vsms:", 0) == 0) send_to_binding(b.transport, b.received, f);
}

void SmsServer::store_tick() {
    auto *db = host_.service<Database>(services::kDatabase);
    if (!db || !db->connected() || store_busy_) return;
    store_busy_ = true;
    db->query(
        "DELETE FROM queued_messages WHERE expires_at <= now() AND report_to IS NOT NULL "
        "RETURNING report_to, report_id, recipient",
        {}, life_.guard([this](const SqlResult &r) {
            if (!r.ok) VCE_LOG_WARNING("SMS: cannot expire stored messages: %s", r.error.c_str());
            for (const auto &row : r.rows)
                report_to_number(row[0].value_or(""), row[1].value_or(""), "expired",
                                 "not delivered to " + row[2].value_or("") + " in time");
            auto *d = host_.service<Database>(services::kDatabase);
            if (!d) {
                store_busy_ = false;
                return;
            }
            d->query(
                "SELECT id, sender, recipient, content_type, encode(body, 'hex'), attempts, "
                "report_to, report_id FROM queued_messages WHERE next_attempt_at <= now() AND "
                "expires_at > now() ORDER BY next_attempt_at LIMIT 50",
                {}, life_.guard([this](const SqlResult &due) {
                    store_busy_ = false;
                    if (!due.ok)
                        return VCE_LOG_WARNING("SMS: cannot read due messages: %s",
                                               due.error.c_str());
                    for (const auto &row : due.rows) retry(row);
                }));
        }));
}

// One due message: only while its callee has a binding (offline ones wait for the
// registration); a failure pushes its next attempt out.
void SmsServer::retry(const std::vector<std::optional<std::string>> &row) {
    std::string qid = row[0].value_or(""), recipient = row[2].value_or("");
    if (retrying_.count(qid) || location_.bindings(recipient).empty()) return;
    retrying_.insert(qid);
    ShortMessage m{row[1].value_or(""), recipient, row[3].value_or(""), unhex(row[4].value_or(""))};
    int attempts = std::stoi(row[5].value_or("0"));
    std::string report_to = row[6].value_or(""), report_id = row[7].value_or("");
    dispatch(m, false,
             [this, qid, attempts, report_to, report_id](Result result, const std::string &reason) {
                 stored_outcome(qid, report_to, report_id, result, reason, attempts);
             });
}

// What became of a stored message's attempt: delivered or refused ends it (its sender hears
// so), unreachable pushes the next attempt out.
void SmsServer::stored_outcome(const std::string &qid, const std::string &report_to,
                               const std::string &report_id, Result result,
                               const std::string &reason, int attempts) {
    retrying_.erase(qid);
    auto *db = host_.service<Database>(services::kDatabase);
    if (!db) return;
    auto logged = [](bool ok, const std::string &err) {
        if (!ok) VCE_LOG_ERROR("SMS: stored message update: %s", err.c_str());
    };
    if (result != Result::Unreachable) {
        bool delivered = result == Result::Delivered;
        ++(delivered ? counters_.delivered : counters_.refused);
        if (!report_to.empty())
            report_to_number(report_to, report_id, delivered ? "delivered" : "refused",
                             delivered ? "" : reason);
        db->write("DELETE FROM queued_messages WHERE id = $1", {qid}, logged);
        return;
    }
    int delay = retry_delay(attempts + 1, cfg_.retry_seconds, cfg_.retry_max);
    db->write(
        "UPDATE queued_messages SET attempts = attempts + 1, last_error = $2, "
        "next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1",
        {qid, reason, std::to_string(delay)}, logged);
}

}  // namespace vce::sms
