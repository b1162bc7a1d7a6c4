// Escaping text for HTML pages (element content and quoted attribute values); pure.
#pragma once

#include <string>
#include <string_view>

namespace vce::http {

// & < > " ' become entities, so text from a request or the database can never open a tag
// or leave an attribute. Bytes that are not valid UTF-8 are kept (the page is UTF-8; the
// browser shows a replacement character, which is harmless).
std::string html_escape(std::string_view text);

// Percent-encodes all but A-Z a-z 0-9 - . _ ~ (RFC 3986 unreserved), for a query value in a
// link: "6200-6200#082" -> "6200-6200%23082". The result is also safe inside an attribute.
std::string url_escape(std::string_view text);

}  // namespace vce::http
