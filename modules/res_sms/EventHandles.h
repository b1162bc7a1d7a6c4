// One deleter per libevent type res_sms holds, so no path leaks a listener, connection or event.
#pragma once

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <memory>

namespace vce::sms {

struct EventFree {
    void operator()(event *e) const { event_free(e); }
    void operator()(bufferevent *b) const { bufferevent_free(b); }
    void operator()(evconnlistener *l) const { evconnlistener_free(l); }
};
using EventPtr = std::unique_ptr<event, EventFree>;
using BuffereventPtr = std::unique_ptr<bufferevent, EventFree>;
using ListenerPtr = std::unique_ptr<evconnlistener, EventFree>;

}  // namespace vce::sms
