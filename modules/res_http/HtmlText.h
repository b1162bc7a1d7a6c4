// Escaping text for HTML pages (element content and quoted attribute values); pure.
#pragma once

#include <string>
#include <string_view>

namespace vce::http {

// & < > " ' become entities, so text from a request or the database can never open a tag
// or leave an attribute. Bytes that are not valid UTF-8 are kept (the page is UTF-8; the
// browser shows a replacement character, which is harmless).
std::string html_escape(std::string_view text);

}  // namespace vce::http
