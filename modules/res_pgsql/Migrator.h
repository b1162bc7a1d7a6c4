// Schema migrations: sql/NNN_name.sql applied in order, each once, each in one
// transaction, recorded in schema_version; safe when two daemons start at once.
#pragma once

#include <event2/event.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vce {
namespace pgsql {

class PgConnection;

struct MigrationFile {
    int version;
    std::string name;  // "members" for 002_members.sql
    std::string path;
};

// Lists NNN_name.sql files in dir, sorted; a badly named .sql file is an error.
std::vector<MigrationFile> list_migrations(const std::string &dir, std::string &error);

class Migrator {
public:
    using Done = std::function<void(bool ok, const std::string &report)>;
    Migrator(event_base *base, std::map<std::string, std::string> conn, std::string dir);
    ~Migrator();  // cancels: `done` is never called after destruction begins
    // Connects, applies what is pending, disconnects, then calls done once.
    void run(Done done);

private:
    void next();
    void finish(bool ok, const std::string &msg);
    event_base *base_;
    std::map<std::string, std::string> conn_params_;
    std::string dir_;
    std::unique_ptr<PgConnection> conn_;
    std::vector<MigrationFile> pending_;
    std::map<int, std::string> applied_;
    std::string report_;
    Done done_;
    bool finished_ = false;
    event *deadline_ = nullptr;
};

}  // namespace pgsql
}  // namespace vce
