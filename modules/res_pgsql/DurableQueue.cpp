// Durable-write queue logic and its spool file.
#include "DurableQueue.h"

#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace vce {
namespace pgsql {

DurableQueue::DurableQueue(size_t capacity, uint64_t first_seq)
    : capacity_(capacity), next_seq_(first_seq) {}

WriteAdmission DurableQueue::admit(std::string sql, SqlParams params,
                                   Database::CommitCallback done) {
    if (closed_) return WriteAdmission::Closed;
    if (q_.size() >= capacity_) return WriteAdmission::Full;
    q_.push_back(DurableWrite{next_seq_++, std::move(sql), std::move(params), std::move(done)});
    return WriteAdmission::Accepted;
}

std::vector<const DurableWrite *> DurableQueue::take_batch(size_t max) {
    std::vector<const DurableWrite *> out;
    if (in_flight_) return out;
    for (size_t i = 0; i < q_.size() && i < max; ++i) out.push_back(&q_[i]);
    in_flight_ = out.size();
    return out;
}

void DurableQueue::finish_front(size_t n, bool ok, const std::string &error) {
    std::vector<Database::CommitCallback> cbs;
    for (size_t i = 0; i < n && !q_.empty(); ++i) {
        if (q_.front().done) cbs.push_back(std::move(q_.front().done));
        q_.pop_front();
    }
    for (auto &cb : cbs) cb(ok, error);  // after the queue is consistent: callbacks may admit more
}

void DurableQueue::batch_committed() {
    size_t n = in_flight_;
    in_flight_ = 0;
    finish_front(n, true, "");
}

void DurableQueue::batch_retry() {
    in_flight_ = 0;
}

void DurableQueue::batch_refused(size_t index, const std::string &error) {
    in_flight_ = 0;
    if (index >= q_.size()) return;
    DurableWrite bad = std::move(q_[index]);
    q_.erase(q_.begin() + static_cast<long>(index));
    if (bad.done) bad.done(false, error);
}

void DurableQueue::committed_upto(uint64_t seq) {
    size_t n = 0;
    while (n < q_.size() && q_[n].seq <= seq) ++n;
    in_flight_ = 0;
    finish_front(n, true, "");
}

// Spool format, one record per write:
//   W <seq> <nparams>\n <len>\n<sql bytes>\n then per param: N\n (NULL) or <len>\n<bytes>\n
std::string DurableQueue::save(const std::string &path) const {
    if (q_.empty()) {
        if (unlink(path.c_str()) != 0 && errno != ENOENT)
            return "cannot remove " + path + ": " + std::strerror(errno);
        return "";
    }
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return "cannot write " + tmp + ": " + std::strerror(errno);
        out << "vce-spool 1\n";
        for (const auto &w : q_) {
            out << "W " << w.seq << " " << w.params.size() << "\n"
                << w.sql.size() << "\n"
                << w.sql << "\n";
            for (const auto &p : w.params) {
                if (!p)
                    out << "N\n";
                else
                    out << p->size() << "\n" << *p << "\n";
            }
        }
        out.flush();
        if (!out) return "cannot write " + tmp + ": " + std::strerror(errno);
    }
    FILE *f = std::fopen(tmp.c_str(), "r+");
    if (f) {
        fsync(fileno(f));
        std::fclose(f);
    }
    if (rename(tmp.c_str(), path.c_str()) != 0)
        return "cannot rename " + tmp + ": " + std::strerror(errno);
    return "";
}

static bool read_blob(std::istream &in, std::string &out) {
    std::string len;
    if (!std::getline(in, len)) return false;
    size_t n = std::strtoull(len.c_str(), nullptr, 10);
    out.resize(n);
    in.read(&out[0], static_cast<std::streamsize>(n));
    return in.get() == '\n';
}

std::string DurableQueue::load(const std::string &path, std::deque<DurableWrite> &out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";  // no spool: nothing was left over
    std::string line;
    if (!std::getline(in, line) || line != "vce-spool 1") return path + ": not a vce spool file";
    while (std::getline(in, line)) {
        DurableWrite w;
        size_t nparams = 0;
        if (std::sscanf(line.c_str(), "W %lu %zu", &w.seq, &nparams) != 2 || !read_blob(in, w.sql))
            return path + ": damaged record after seq " +
                   (out.empty() ? "0" : std::to_string(out.back().seq));
        for (size_t i = 0; i < nparams; ++i) {
            if (in.peek() == 'N') {
                std::getline(in, line);
                w.params.emplace_back();
                continue;
            }
            std::string v;
            if (!read_blob(in, v))
                return path + ": damaged parameter in seq " + std::to_string(w.seq);
            w.params.emplace_back(std::move(v));
        }
        out.push_back(std::move(w));
    }
    return "";
}

void DurableQueue::restore(std::deque<DurableWrite> writes) {
    // Spooled writes go first, in their order; they never count against capacity.
    for (auto it = writes.rbegin(); it != writes.rend(); ++it) q_.push_front(std::move(*it));
}

uint64_t sequence_start(uint64_t at_least) {
    struct timeval tv;
    gettimeofday(&tv, nullptr);
    uint64_t ms =
        static_cast<uint64_t>(tv.tv_sec) * 1000 + static_cast<uint64_t>(tv.tv_usec) / 1000;
    uint64_t s = ms << 20;
    return s > at_least ? s : at_least + 1;
}

}  // namespace pgsql
}  // namespace vce
